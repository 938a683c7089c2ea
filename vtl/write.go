package vtl

import (
	"fmt"
	"strings"

	"github.com/streamgen/streamgen/item"
	"github.com/streamgen/streamgen/putitem"
)

// ExistsCondition makes an update or delete of a key with no item fail
// (ConditionalCheckFailedException, answered 404); KeyPlaceholder stands for
// the partition key's name, which every stored item holds.
const ExistsCondition = "attribute_exists(" + putitem.KeyPlaceholder + ")"

// writeView is what templates/write.vtl.tmpl spells.
type writeView struct {
	Table     string        // JSON string content of the table name
	Key       string        // the Key's members, from the path
	Condition string        // the ConditionExpression member
	KeyName   string        // the ExpressionAttributeNames member of the key placeholder
	Fields    []updateField // update: the Updatable fields, in spec order
}

// updateField is how the update template writes one Updatable field. Its
// placeholders #fN and :vN come from its place N in the model's list of
// Updatable fields, never from the body.
type updateField struct {
	N      int
	Name   string
	Test   string // the body gives the field
	Set    string // ... with a value: SET #fN = :vN
	Remove string // ... as null: REMOVE #fN; "" when null is not allowed
	Value  *value // how the value is written, as create writes it
}

// Update returns the request mapping template of the update route: an
// UpdateItem of the addressed item that sets the fields the body gives and
// removes those it gives as null, or fails when there is no such item. The
// body was validated against schema.UpdateModel: it names only Updatable
// fields, at least one, and null only for Removable ones.
//
// Absent and null differ in the body's map (API Gateway's $input.path('$')
// is "a JSON object representation" with Map methods, "Variables for data
// transformations for API Gateway", API Gateway developer guide):
// containsKey says present, and a JSON null is a null value, which Velocity
// compares equal to the undefined $null.
func Update(it *item.Item, tableName string) (string, error) {
	view := newWriteView(it, tableName)
	n := 0
	for _, f := range it.Fields {
		if !f.Updatable() {
			continue
		}
		v, err := newValue(f, "$."+f.Name, 1)
		if err != nil {
			return "", err
		}
		present := fmt.Sprintf(`$o0.containsKey("%s")`, f.Name)
		uf := updateField{N: n, Name: f.Name, Test: present, Set: present, Value: v}
		if f.Removable() {
			isNull := fmt.Sprintf(`$o0.get("%s") == $null`, f.Name)
			uf.Set = present + " && !(" + isNull + ")"
			uf.Remove = present + " && " + isNull
		}
		view.Fields = append(view.Fields, uf)
		n++
	}
	return executeWrite("update", view, tableName)
}

// Delete returns the request mapping template of the delete route: a
// DeleteItem of the addressed item that answers the old item, or fails when
// there is none.
func Delete(it *item.Item, tableName string) (string, error) {
	return executeWrite("delete", newWriteView(it, tableName), tableName)
}

func newWriteView(it *item.Item, tableName string) writeView {
	return writeView{
		Table:     tableContent(tableName),
		Key:       pathKey(it),
		Condition: `"ConditionExpression":` + jsonString(ExistsCondition),
		KeyName:   jsonString(putitem.KeyPlaceholder) + ":" + jsonString(it.Keys[0].Name),
	}
}

func executeWrite(name string, view writeView, tableName string) (string, error) {
	out, err := execute(name, view)
	if err != nil {
		return "", err
	}
	if strings.Count(out, "${") != strings.Count(tableName, "${") {
		return "", fmt.Errorf("%s template: a \"${\" besides the table name would break Fn::Sub", name)
	}
	return out, nil
}

// pathKey is the Key's members from the path parameters pk and sk.
// TODO(routes-read): replaced by the shared path-key escaping.
func pathKey(it *item.Item) string {
	var parts []string
	for i, k := range it.Keys {
		param := "pk"
		if i == 1 {
			param = "sk"
		}
		parts = append(parts, fmt.Sprintf(`"%s":{"%s":"$util.escapeJavaScript($input.params().path.%s).replaceAll("\\'","'")"}`, k.Name, k.Attr, param))
	}
	return strings.Join(parts, ",")
}
