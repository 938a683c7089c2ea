package vtl

import (
	"fmt"

	"github.com/streamgen/streamgen/item"
	"github.com/streamgen/streamgen/putitem"
	"github.com/streamgen/streamgen/spec"
)

// writeView is what templates/write.vtl.tmpl spells.
type writeView struct {
	Table     string // JSON string content of the table name
	Address   Address
	Condition string        // the ConditionExpression member
	KeyName   string        // the ExpressionAttributeNames member of the key placeholder
	Fields    []updateField // update: the Updatable fields, in spec order
}

// updateField is how the update template writes one Updatable field. Its
// placeholders #fN and :vN come from its place N in the model's list of
// Updatable fields (putitem.UpdatableFields), never from the body.
type updateField struct {
	N      int
	Name   string
	Test   string // the body gives the field
	Set    string // ... with a value: SET #fN = :vN
	Remove string // ... as null: REMOVE #fN; "" when null is not allowed
	Value  *value // how the value is written, as create writes it
}

// writeStatusCodes are the statuses the update and delete methods answer.
var writeStatusCodes = []string{"200", "400", "404", "429", "500"}

// Update is the update route: UpdateItem of the path's key that sets the
// fields the body gives and removes those it gives as null; 200 the whole
// updated item (ALL_NEW), 404 when there is no item (the condition on the
// key). The body was validated against schema.UpdateModel: it names only
// Updatable fields, at least one, and null only for Removable ones.
//
// Absent and null differ in the body's map ($input.path('$') is "a JSON
// object representation" with Map methods, "API Gateway mapping template and
// access logging variable reference"): containsKey says present, and a JSON
// null is a null value, which Velocity compares equal to the undefined $null.
//
// DynamoDB refuses an update (ValidationException) for a number key that
// is not decimal or a string key over its size, answered MessageBadKey as
// read and delete answer them (the response template checks the path
// again), and otherwise for the new item's size or numbers: MessageRejected.
func Update(it *item.Item, tableName string) (*Route, error) {
	view := newWriteView(it, tableName)
	for n, f := range putitem.UpdatableFields(it) {
		v := newValue(f, "$."+f.Name, 1)
		present := fmt.Sprintf(`$o0.containsKey("%s")`, f.Name)
		uf := updateField{N: n, Name: f.Name, Test: present, Set: present, Value: v}
		if f.Removable() {
			isNull := fmt.Sprintf(`$o0.get("%s") == $null`, f.Name)
			uf.Set = present + " && !(" + isNull + ")"
			uf.Remove = present + " && " + isNull
		}
		view.Fields = append(view.Fields, uf)
	}
	errs := routeErrors{Condition: &condition{404, putitem.MessageNotFound}, Invalid: putitem.MessageRejected, Failed: putitem.MessageNotChanged}
	errs.KeyCheck, errs.BadKey = &view.Address, putitem.MessageBadKey
	for i, k := range view.Address.Keys {
		if !k.Number {
			errs.KeySizes = append(errs.KeySizes, keySize{k.Var, putitem.MaxKeyBytes(it.Keys[i])})
		}
	}
	return writeRoute(it, spec.Update, "UpdateItem", view, tableName, errs)
}

// Delete is the delete route: DeleteItem of the path's key; 200 the deleted
// item (ALL_OLD), 404 when there is none.
func Delete(it *item.Item, tableName string) (*Route, error) {
	errs := routeErrors{Condition: &condition{404, putitem.MessageNotFound}, Invalid: putitem.MessageBadKey, Failed: putitem.MessageNotChanged}
	return writeRoute(it, spec.Delete, "DeleteItem", newWriteView(it, tableName), tableName, errs)
}

// keySize is the most UTF-8 bytes DynamoDB takes in the string key Var.
// Velocity has no byte count, but $util.urlEncode ("Converts a string into
// application/x-www-form-urlencoded format", API Gateway mapping template
// and access logging variable reference; of its UTF-8 bytes) writes each
// byte as one character or as %XX: the bytes are the characters less two
// for each %.
type keySize struct {
	Var string
	Max int
}

func newWriteView(it *item.Item, tableName string) writeView {
	return writeView{
		Table:     tableContent(tableName),
		Address:   NewAddress(it, false),
		Condition: `"ConditionExpression":` + jsonString(putitem.ExistsCondition),
		KeyName:   jsonString(putitem.KeyPlaceholder) + ":" + jsonString(it.Keys[0].Name),
	}
}

// writeRoute is the route whose request template is name: its answer the
// item DynamoDB returns as Attributes (plain JSON).
func writeRoute(it *item.Item, route spec.Route, action string, view writeView, tableName string, errs routeErrors) (*Route, error) {
	name := string(route)
	request, err := execute(name, view)
	if err != nil {
		return nil, err
	}
	if err := checkSub(request, tableName); err != nil {
		return nil, fmt.Errorf("%s request template: %w", name, err)
	}
	plain, err := Plain(it, "$.Attributes")
	if err != nil {
		return nil, err
	}
	success, err := execute("readAnswer", struct{ Member, Item, NotFound string }{"Attributes", plain, putitem.MessageNotFound})
	if err != nil {
		return nil, err
	}
	responses, err := routeResponses(success, errs, putitem.MessageChangeUncertain)
	if err != nil {
		return nil, err
	}
	return &Route{Route: route, Action: action, Request: request, Responses: responses, StatusCodes: writeStatusCodes}, nil
}
