package testenv_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/streamgen/streamgen/internal/testenv"
)

// TestMoto: the server starts on loopback and answers both the plain JSON
// calls (fake signature) and the AWS CLI.
func TestMoto(t *testing.T) {
	m := testenv.StartMoto(t)
	ctx := context.Background()
	status, body, err := m.Call(ctx, "DynamoDB_20120810.CreateTable", []byte(`{"TableName":"t",`+
		`"AttributeDefinitions":[{"AttributeName":"id","AttributeType":"S"}],`+
		`"KeySchema":[{"AttributeName":"id","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"}`))
	if err != nil || status != 200 {
		t.Fatalf("CreateTable: %d %s %v", status, body, err)
	}
	out, err := m.AWS(ctx, "dynamodb", "list-tables")
	if err != nil {
		t.Fatal(err)
	}
	var tables struct{ TableNames []string }
	if err := json.Unmarshal(out, &tables); err != nil || len(tables.TableNames) != 1 || tables.TableNames[0] != "t" {
		t.Fatalf("list-tables: %s (%v)", out, err)
	}
}
