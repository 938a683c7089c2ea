package endtoend_test

import (
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/streamgen/streamgen/internal/oracle"
	"github.com/streamgen/streamgen/internal/testenv"
	"github.com/streamgen/streamgen/internal/velocity"
	"github.com/streamgen/streamgen/item"
	"github.com/streamgen/streamgen/putitem"
	"github.com/streamgen/streamgen/schema"
	"github.com/streamgen/streamgen/spec"
	"github.com/streamgen/streamgen/vtl"
)

// hostileKey is the path's key value of a string key: percent-encoded, a
// path may hold anything.
const hostileKey = `k"}, "x": {"S": "\ ' $input.body #set($a=1) ${Table} #pk :v0 a+b %2F/?#` + "\u2028é"

// pathKeys are the path parameters addressing an item of s, and the Key
// DynamoDB must get.
func pathKeys(s *spec.Spec) (map[string]map[string]string, map[string]any) {
	params := map[string]string{}
	key := map[string]any{}
	for i, f := range s.KeyFields() {
		param, value, attr := "pk", hostileKey, "S"
		if i == 1 {
			param = "sk"
		}
		if f.Type != spec.String {
			value, attr = "-1.50e3", "N"
		}
		params[param] = value
		key[f.Name] = map[string]any{attr: value}
	}
	return map[string]map[string]string{"path": rawPath(params)}, key
}

// placeholdersOnly is every UpdateExpression the model may write: SET and
// REMOVE clauses of #fN = :vN and #fN, nothing else.
var placeholdersOnly = regexp.MustCompile(`^(SET #f\d+ = :v\d+(, #f\d+ = :v\d+)*)?( ?REMOVE #f\d+(, #f\d+)*)?$`)

// TestOracleUpdate renders the update (and delete) request template with Velocity for
// every body of the update corpus of every case (each golden case's fields,
// whatever its routes). The update model (a real draft-04 validator) and the
// contract (package oracle) must agree on every body. Every accepted body must
// render to one valid UpdateItem that is exactly the contract's: its
// expression, names, key and condition a function of which fields the body
// gives and which it nulls only (the model's placeholders; nothing of the
// body outside ExpressionAttributeValues), its values the contract's
// attribute values, as create stores them; and package putitem's (gen
// local's) UpdateItem.
func TestOracleUpdate(t *testing.T) {
	renderer := velocity.Start(t)
	var bodies, rendered int
	for _, c := range oracleCases(t) {
		t.Run(c.name, func(t *testing.T) {
			it := item.New(c.spec)
			route, err := vtl.Update(it, oracleTable)
			if err != nil {
				t.Fatal(err)
			}
			template := route.Request
			modelJSON, err := schema.UpdateModel(it)
			if err != nil {
				t.Fatal(err)
			}
			model := testenv.Draft4(t, modelJSON)
			corpus, err := oracle.UpdateCorpus(c.spec)
			if err != nil {
				t.Fatal(err)
			}
			params, key := pathKeys(c.spec)
			checkDeleteRender(t, renderer, c.spec, params, key)
			nasty := nastyByBody()
			accepted := 0
			for i, body := range corpus {
				bodies++
				contractErr := oracle.CheckUpdate(c.spec, body.JSON)
				modelErr := (oracleCase{model: model}).modelAccepts(body.JSON)
				if (contractErr == nil) != (modelErr == nil) {
					t.Errorf("%s: the update model and the contract disagree:\n  model:    %v\n  contract: %v\n  body: %.300s",
						body.Name, modelErr, contractErr, body.JSON)
					continue
				}
				if strings.HasPrefix(body.Name, "rejected/") && modelErr == nil {
					t.Errorf("%s: accepted %.300s", body.Name, body.JSON)
				}
				if modelErr != nil {
					continue
				}
				accepted++
				req := oracleRequest(i, oracle.Body{Name: strings.TrimPrefix(body.Name, "create/")}, nasty)
				if err := checkUpdateRender(renderer, c.spec, template, body, req, params, key); err != nil {
					t.Errorf("%s: %v\n  body: %.300s", body.Name, err, body.JSON)
					continue
				}
				rendered++
			}
			if accepted < minValidBodies {
				t.Errorf("only %d of %d update bodies are valid, want %d", accepted, len(corpus), minValidBodies)
			}
		})
	}
	summary := fmt.Sprintf("update oracle: %d bodies checked, %d rendered by Velocity and matched the contract's UpdateItem", bodies, rendered)
	t.Log(summary)
	fmt.Println(summary)
}

func checkUpdateRender(r *velocity.Renderer, s *spec.Spec, template string, body oracle.Body, req oracle.Request,
	params map[string]map[string]string, key map[string]any) error {
	got, err := renderRequest(r, template, body, req, params)
	if err != nil {
		return err
	}
	update, err := oracle.UpdateOf(s, body.JSON, req)
	if err != nil {
		return err
	}
	names := map[string]any{"#pk": s.Table.PartitionKey}
	values := map[string]any{}
	var set, remove []string
	for n, f := range oracle.Updatable(s) {
		if v, ok := update.Set[f.Name]; ok {
			names[fmt.Sprintf("#f%d", n)] = f.Name
			values[fmt.Sprintf(":v%d", n)] = v
			set = append(set, fmt.Sprintf("#f%d = :v%d", n, n))
		}
		for _, removed := range update.Remove {
			if removed == f.Name {
				names[fmt.Sprintf("#f%d", n)] = f.Name
				remove = append(remove, fmt.Sprintf("#f%d", n))
			}
		}
	}
	var expr []string
	if len(set) > 0 {
		expr = append(expr, "SET "+strings.Join(set, ", "))
	}
	if len(remove) > 0 {
		expr = append(expr, "REMOVE "+strings.Join(remove, ", "))
	}
	want := map[string]any{
		"TableName":                oracleTable,
		"Key":                      key,
		"UpdateExpression":         strings.Join(expr, " "),
		"ConditionExpression":      "attribute_exists(#pk)",
		"ExpressionAttributeNames": names,
		"ReturnValues":             "ALL_NEW",
	}
	if len(values) > 0 {
		want["ExpressionAttributeValues"] = values
	}
	gotMap := got.(map[string]any)
	if e, _ := gotMap["UpdateExpression"].(string); !placeholdersOnly.MatchString(e) {
		return fmt.Errorf("UpdateExpression %q is not placeholders only", e)
	}
	if !reflect.DeepEqual(oracle.Canonical(got), oracle.Canonical(want)) {
		return fmt.Errorf("Velocity and the contract differ:\n  velocity: %.600s\n  contract: %.600s", jsonText(got), jsonText(want))
	}
	it := item.New(s)
	rc := putitem.RequestContext{RequestID: req.RequestID, RequestTimeEpoch: req.EpochMillis, SourceIP: req.SourceIP, UserAgent: req.UserAgent}
	u, err := putitem.UpdateOf(it, body.JSON, rc)
	if err != nil {
		return fmt.Errorf("putitem.UpdateOf: %v", err)
	}
	if ref := putitem.UpdateRequest(it, key, u, oracleTable); !reflect.DeepEqual(oracle.Canonical(got), oracle.Canonical(ref)) {
		return fmt.Errorf("Velocity and package putitem (gen local) differ:\n  velocity: %.600s\n  putitem:  %.600s", jsonText(got), jsonText(ref))
	}
	return nil
}

// checkDeleteRender: the delete template with the hostile path key is the
// contract's DeleteItem, and package putitem's.
func checkDeleteRender(t *testing.T, r *velocity.Renderer, s *spec.Spec, params map[string]map[string]string, key map[string]any) {
	t.Helper()
	it := item.New(s)
	route, err := vtl.Delete(it, oracleTable)
	if err != nil {
		t.Fatal(err)
	}
	res := r.MustRender(t, velocity.Job{Template: route.Request, Params: params, Context: velocity.Context("r", 1, "ip", "ua")})
	got, err := strictJSON([]byte(res.Output))
	if err != nil {
		t.Fatalf("delete request is not JSON: %v\n%.400s", err, res.Output)
	}
	want := map[string]any{"TableName": oracleTable, "Key": key, "ConditionExpression": "attribute_exists(#pk)",
		"ExpressionAttributeNames": map[string]any{"#pk": s.Table.PartitionKey}, "ReturnValues": "ALL_OLD"}
	if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(got, putitem.DeleteRequest(it, key, oracleTable)) {
		t.Errorf("delete request\n  %.400s\nwant\n  %.400s", res.Output, jsonText(want))
	}
}
