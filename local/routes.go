package local

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/streamgen/streamgen/putitem"
	"github.com/streamgen/streamgen/spec"
)

// resource is what a request path addresses, as the REST API's resources:
// <path>, <path>/{pk} and, with a sort key, <path>/{pk}/{sk}.
type resource struct {
	kind   resourceKind
	pk, sk string // path segments, percent-decoded (putitem.PathKey)
	// badKey: a segment is not valid percent-encoded UTF-8, a 400 as the
	// templates answer it.
	badKey bool
}

type resourceKind int

const (
	noResource  resourceKind = iota
	collection               // <path>: create
	partition                // <path>/{pk} with a sort key: query
	itemAddress              // the item's address: read, update, delete
)

// resourceOf parses the request path (with or without the stage in front).
// Segments are split before they are decoded, as API Gateway routes the raw
// path; an empty segment addresses nothing.
func (a *API) resourceOf(r *http.Request) resource {
	path := r.URL.EscapedPath()
	hasSortKey := len(a.item.Keys) == 2
	for _, base := range a.Paths() {
		if path == base {
			return resource{kind: collection}
		}
		rest, ok := strings.CutPrefix(path, base+"/")
		if !ok {
			continue
		}
		segments := strings.Split(rest, "/")
		values := make([]string, len(segments))
		bad := false
		for i, seg := range segments {
			if seg == "" {
				return resource{}
			}
			v, ok := putitem.PathKey(seg)
			values[i], bad = v, bad || !ok
		}
		switch {
		case len(values) == 1 && hasSortKey:
			return resource{kind: partition, pk: values[0], badKey: bad}
		case len(values) == 1:
			return resource{kind: itemAddress, pk: values[0], badKey: bad}
		case len(values) == 2 && hasSortKey:
			return resource{kind: itemAddress, pk: values[0], sk: values[1], badKey: bad}
		}
		return resource{}
	}
	return resource{}
}

// routeMethods are the methods of each resource, by route, in the
// routes' order.
var routeMethods = map[resourceKind][]struct {
	route  spec.Route
	method string
}{
	collection:  {{spec.Create, http.MethodPost}},
	partition:   {{spec.Query, http.MethodGet}},
	itemAddress: {{spec.Read, http.MethodGet}, {spec.Update, http.MethodPatch}, {spec.Delete, http.MethodDelete}},
}

// methods are the HTTP methods the spec's routes give res; none for a
// resource the API does not have.
func (a *API) methods(res resource) []string {
	var out []string
	for _, r := range routeMethods[res.kind] {
		if a.Spec.API.Has(r.route) {
			out = append(out, r.method)
		}
	}
	return out
}

// dispatch runs the route of method on res, one of methods(res).
func (a *API) dispatch(w http.ResponseWriter, r *http.Request, res resource) {
	switch {
	case res.kind == collection:
		a.post(w, r)
	case res.kind == partition:
		a.query(w, r, res)
	case r.Method == http.MethodGet:
		a.read(w, res)
	case r.Method == http.MethodPatch:
		a.update(w, r, res)
	default:
		a.delete(w, res)
	}
}

// keyOf is the stored key of the item address res, or false after a 400.
func (a *API) keyOf(w http.ResponseWriter, res resource) (Item, bool) {
	if res.badKey {
		a.fail(w, http.StatusBadRequest, putitem.MessageBadKey)
		return nil, false
	}
	key, err := putitem.Key(a.item, res.pk, res.sk)
	if err == nil {
		var item Item
		if item, err = toItem(key); err == nil {
			return item, true
		}
	}
	a.fail(w, http.StatusBadRequest, putitem.MessageBadKey)
	return nil, false
}

func (a *API) read(w http.ResponseWriter, res resource) {
	key, ok := a.keyOf(w, res)
	if !ok {
		return
	}
	stored, err := a.Store.Get(key)
	switch {
	case err != nil:
		fmt.Fprintf(a.Log, "api: read failed: %v\n", err)
		a.fail(w, http.StatusInternalServerError, putitem.MessageReadFailed)
	case stored == nil:
		a.fail(w, http.StatusNotFound, putitem.MessageNotFound)
	default:
		a.answerItem(w, stored, putitem.MessageReadFailed)
	}
}

// query runs the reference's Query (putitem.QueryRequest) on the store.
func (a *API) query(w http.ResponseWriter, r *http.Request, res resource) {
	if res.badKey {
		a.fail(w, http.StatusBadRequest, putitem.MessageBadQuery)
		return
	}
	q := r.URL.Query()
	last := func(name string) string { // API Gateway passes one value: the last
		vs := q[name]
		if len(vs) == 0 {
			return ""
		}
		return vs[len(vs)-1]
	}
	req, err := putitem.QueryRequest(a.item, res.pk, putitem.QueryParams{Limit: last("limit"), Order: last("order"), Next: last("next")}, a.Spec.Name)
	switch {
	case errors.Is(err, putitem.ErrBadKey), errors.Is(err, putitem.ErrBadQuery):
		a.fail(w, http.StatusBadRequest, putitem.MessageBadQuery) // as the query's template answers both
		return
	case err != nil:
		fmt.Fprintf(a.Log, "api: query: %v\n", err)
		a.fail(w, http.StatusInternalServerError, putitem.MessageReadFailed)
		return
	}
	pkValue, err := json.Marshal(req["ExpressionAttributeValues"].(map[string]any)[":pk"])
	if err != nil {
		a.fail(w, http.StatusInternalServerError, putitem.MessageReadFailed)
		return
	}
	var start json.RawMessage
	if esk, ok := req["ExclusiveStartKey"].(map[string]any); ok {
		if start, err = json.Marshal(esk[a.item.Keys[1].Name]); err != nil {
			a.fail(w, http.StatusInternalServerError, putitem.MessageReadFailed)
			return
		}
	}
	items, lastKey, err := a.Store.Query(pkValue, start, req["ScanIndexForward"].(bool), req["Limit"].(int))
	if err != nil {
		fmt.Fprintf(a.Log, "api: query failed: %v\n", err)
		a.fail(w, http.StatusInternalServerError, putitem.MessageReadFailed)
		return
	}
	attrs := make([]map[string]any, len(items))
	for i, item := range items {
		if attrs[i], err = fromItem(item); err != nil {
			break
		}
	}
	var lastAttrs map[string]any
	if err == nil && lastKey != nil {
		lastAttrs, err = fromItem(lastKey)
	}
	var answer []byte
	if err == nil {
		answer, err = putitem.QueryAnswer(a.item, attrs, lastAttrs)
	}
	if err != nil {
		fmt.Fprintf(a.Log, "api: query answer: %v\n", err)
		a.fail(w, http.StatusInternalServerError, putitem.MessageReadFailed)
		return
	}
	writeJSON(w, http.StatusOK, json.RawMessage(answer))
}

// update validates the body against the update model, maps it to the
// reference's UpdateItem (putitem.UpdateOf) and applies it to the stored
// item, refusing what DynamoDB would refuse.
func (a *API) update(w http.ResponseWriter, r *http.Request, res resource) {
	body, ok := a.readBody(w, r)
	if !ok {
		return
	}
	if a.Updates == nil {
		a.fail(w, http.StatusInternalServerError, putitem.MessageNotChanged)
		return
	}
	if err := a.Updates.Validate(body); err != nil {
		a.gatewayFail(w, r, http.StatusBadRequest, putitem.MessageInvalidBody+": "+err.Error())
		return
	}
	key, ok := a.keyOf(w, res)
	if !ok {
		return
	}
	now := a.now()
	u, err := putitem.UpdateOf(a.item, body, a.requestContext(r, now))
	if err != nil {
		fmt.Fprintf(a.Log, "api: update: %v\n", err)
		a.fail(w, http.StatusBadRequest, putitem.MessageRejected)
		return
	}
	var refusal error
	item, err := a.Store.Update(key, func(old Item) (Item, error) {
		oldAttrs, err := fromItem(old)
		if err != nil {
			return nil, err
		}
		item, err := toItem(u.Apply(oldAttrs))
		if err != nil {
			return nil, err
		}
		// On AWS DynamoDB refuses what it cannot store (ValidationException).
		if refusal = refused(a.item, item); refusal != nil {
			return nil, refusal
		}
		return item, nil
	}, now)
	if refusal != nil && errors.Is(err, refusal) {
		fmt.Fprintf(a.Log, "api: the update was refused: %v\n", err)
		a.fail(w, http.StatusBadRequest, putitem.MessageRejected)
		return
	}
	a.answerChange(w, "update", item, err)
}

func (a *API) delete(w http.ResponseWriter, res resource) {
	key, ok := a.keyOf(w, res)
	if !ok {
		return
	}
	old, err := a.Store.Delete(key, a.now())
	a.answerChange(w, "delete", old, err)
}

// answerChange answers an update or delete that returned item and err: 404
// for no item, 500 for a failed store, else 200 with item as plain JSON.
func (a *API) answerChange(w http.ResponseWriter, route string, item Item, err error) {
	switch {
	case errors.Is(err, ErrNotFound):
		a.fail(w, http.StatusNotFound, putitem.MessageNotFound)
	case err != nil:
		fmt.Fprintf(a.Log, "api: %s failed: %v\n", route, err)
		a.fail(w, http.StatusInternalServerError, putitem.MessageNotChanged)
	default:
		a.answerItem(w, item, putitem.MessageChangeUncertain)
	}
}

// answerItem answers 200 with item as plain JSON (putitem.Plain), or 500
// failure if it cannot be written.
func (a *API) answerItem(w http.ResponseWriter, item Item, failure string) {
	attrs, err := fromItem(item)
	var answer []byte
	if err == nil {
		answer, err = putitem.Plain(a.item, attrs)
	}
	if err != nil {
		fmt.Fprintf(a.Log, "api: answer: %v\n", err)
		a.fail(w, http.StatusInternalServerError, failure)
		return
	}
	writeJSON(w, http.StatusOK, json.RawMessage(answer))
}

// toItem is attrs, as putitem shapes attribute values, as stored.
func toItem(attrs map[string]any) (Item, error) {
	item := make(Item, len(attrs))
	for name, v := range attrs {
		raw, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		item[name] = raw
	}
	return item, nil
}

// fromItem is a stored item as putitem shapes attribute values (numbers
// are strings in DynamoDB JSON, so nothing is lost).
func fromItem(item Item) (map[string]any, error) {
	attrs := make(map[string]any, len(item))
	for name, raw := range item {
		var v any
		if err := json.Unmarshal(raw, &v); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		attrs[name] = v
	}
	return attrs, nil
}
