package endtoend_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"testing"

	"github.com/streamgen/streamgen/internal/testenv"
	"github.com/streamgen/streamgen/internal/velocity"
	"github.com/streamgen/streamgen/item"
	"github.com/streamgen/streamgen/putitem"
	"github.com/streamgen/streamgen/spec"
	"github.com/streamgen/streamgen/vtl"
)

// routeStats counts what checkRoutesOnMoto did.
type routeStats struct{ reads, pages, refusals int }

// routesOnMoto runs the read and query routes of a deployed case against
// moto's DynamoDB: each request template as the deployed API holds it,
// rendered by Velocity, is the DynamoDB call, and DynamoDB's answer rendered
// by the route's response templates is the answer checked. Every stored item
// reads back as its create body plus the server-set fields (numbers by
// value: DynamoDB normalises their text); a key with no item is a 404; a
// number key that is not a number is a 400; query pages through every
// partition in both orders, and a tampered token is a 400.
type routesOnMoto struct {
	t        *testing.T
	moto     *testenv.Moto
	renderer *velocity.Renderer
	ctx      context.Context
	s        *spec.Spec
	stats    routeStats
}

func checkRoutesOnMoto(t *testing.T, moto *testenv.Moto, renderer *velocity.Renderer, ctx context.Context,
	s *spec.Spec, templateYAML []byte, table string, writes []e2eWrite) routeStats {
	t.Helper()
	m := &routesOnMoto{t: t, moto: moto, renderer: renderer, ctx: ctx, s: s}
	it := item.New(s)
	// The latest stored write of each key is the item DynamoDB holds.
	latest := map[string]e2eWrite{}
	var keys []string
	for _, w := range writes {
		if !w.stored {
			continue
		}
		key := keyText(s, w.item)
		if _, ok := latest[key]; !ok {
			keys = append(keys, key)
		}
		latest[key] = w
	}
	if len(keys) < minValidBodies/2 {
		t.Errorf("%s: only %d items stored to read back", s.Name, len(keys))
	}
	if read := routeOf(t, it, spec.Read, table); read != nil {
		read.Request = deployedTemplate(t, templateYAML, s, table, it.IDs.Method(spec.Read))
		for _, key := range keys {
			m.read(read, latest[key])
		}
		m.readMissing(read)
	}
	if query := routeOf(t, it, spec.Query, table); query != nil {
		query.Request = deployedTemplate(t, templateYAML, s, table, it.IDs.Method(spec.Query))
		partitions := map[string][]e2eWrite{}
		var order []string
		pk := s.KeyFields()[0].Name
		for _, key := range keys {
			w := latest[key]
			p := jsonText(w.item[pk])
			if partitions[p] == nil {
				order = append(order, p)
			}
			partitions[p] = append(partitions[p], w)
		}
		for _, p := range order {
			m.queryPartition(query, partitions[p])
		}
		m.queryRefusals(query)
	}
	return m.stats
}

// call renders template with the path and query parameters, sends it to
// DynamoDB's action and renders the route's answer to what DynamoDB said.
func (m *routesOnMoto) call(route *vtl.Route, path, query map[string]string) (status string, answer string) {
	m.t.Helper()
	res, err := renderRoute(m.renderer, route.Request, "", path, query)
	if err != nil {
		m.t.Fatal(err)
	}
	code, body, err := m.moto.Call(m.ctx, "DynamoDB_20120810."+route.Action, []byte(res.Output))
	if err != nil {
		m.t.Fatal(err)
	}
	integration := route.Responses[0]
	switch {
	case code >= 500:
		integration = route.Responses[2]
	case code >= 400:
		integration = route.Responses[1]
	}
	out, err := renderRoute(m.renderer, integration.Template, string(body), path, query)
	if err != nil {
		m.t.Fatal(err)
	}
	status = integration.StatusCode
	if out.Status != "" {
		status = out.Status
	}
	return status, out.Output
}

func (m *routesOnMoto) read(read *vtl.Route, w e2eWrite) {
	m.t.Helper()
	status, answer := m.call(read, pathParams(m.s, w.item, len(m.s.KeyFields())), nil)
	m.stats.reads++
	if status != "200" {
		m.t.Errorf("read %s: %s %s", w.body.Name, status, answer)
		return
	}
	if err := sameStoredPlain(m.s, answer, w.item); err != nil {
		m.t.Errorf("read %s: %v", w.body.Name, err)
	}
}

// sameStoredPlain compares an answer with the contract's item as DynamoDB
// gives it back: numbers by value, sets in any order, strings byte for byte.
func sameStoredPlain(s *spec.Spec, answer string, want map[string]any) error {
	got, err := strictJSON([]byte(answer))
	if err != nil {
		return fmt.Errorf("answer is not JSON: %v\n%.300s", err, answer)
	}
	if g, w := canonicalObject(s.Fields, got), canonicalObject(s.Fields, plainObject(s.Fields, want)); !reflect.DeepEqual(g, w) {
		return fmt.Errorf("answer\n  %.500s\nwant\n  %.500s", answer, jsonText(plainObject(s.Fields, want)))
	}
	return nil
}

// readMissing: no item is a 404; a number key that is not a number is 400.
func (m *routesOnMoto) readMissing(read *vtl.Route) {
	m.t.Helper()
	path := map[string]string{}
	var numberKey string
	for i, f := range m.s.KeyFields() {
		path[vtl.PathKeys[i]] = "no item has this key \u2028 \"'$#"
		if f.Type != spec.String {
			path[vtl.PathKeys[i]], numberKey = "-0.000123", vtl.PathKeys[i]
		}
	}
	if status, answer := m.call(read, path, nil); status != "404" || !jsonEqual(answer, string(putitem.ErrorAnswer(putitem.MessageNotFound))) {
		m.t.Errorf("read of a missing item: %s %s", status, answer)
	}
	if numberKey != "" {
		path[numberKey] = "12abc"
		if status, answer := m.call(read, path, nil); status != "400" || !jsonEqual(answer, string(putitem.ErrorAnswer(putitem.MessageBadKey))) {
			m.t.Errorf("read with a key that is not a number: %s %s", status, answer)
		}
		m.stats.refusals++
	}
}

// queryPartition pages through a partition with limit 2 ascending and 3
// descending: together the pages are the partition's items in sort key order.
func (m *routesOnMoto) queryPartition(query *vtl.Route, items []e2eWrite) {
	m.t.Helper()
	keys := m.s.KeyFields()
	sort.SliceStable(items, func(i, j int) bool { return sortKeyLess(keys[1], items[i].item, items[j].item) })
	path := pathParams(m.s, items[0].item, 1)
	for _, order := range []struct {
		limit, dir string
	}{{"2", "asc"}, {"3", "desc"}} {
		want := append([]e2eWrite(nil), items...)
		if order.dir == "desc" {
			for i, j := 0, len(want)-1; i < j; i, j = i+1, j-1 {
				want[i], want[j] = want[j], want[i]
			}
		}
		var got []json.RawMessage
		next := ""
		for page := 0; ; page++ {
			params := map[string]string{"limit": order.limit, "order": order.dir}
			if next != "" {
				params["next"] = next
			}
			status, answer := m.call(query, path, params)
			m.stats.pages++
			var p struct {
				Items []json.RawMessage `json:"items"`
				Next  *string           `json:"next"`
			}
			if status != "200" || json.Unmarshal([]byte(answer), &p) != nil {
				m.t.Fatalf("query %v: %s %.300s", params, status, answer)
			}
			if _, err := strictJSON([]byte(answer)); err != nil {
				m.t.Fatalf("query %v: %v", params, err)
			}
			got = append(got, p.Items...)
			if p.Next == nil || page > len(items) {
				break
			}
			next = *p.Next
		}
		if len(got) != len(want) {
			m.t.Errorf("query %s of %s: %d items, want %d", order.dir, path["pk"], len(got), len(want))
			continue
		}
		for i, raw := range got {
			if err := sameStoredPlain(m.s, string(raw), want[i].item); err != nil {
				m.t.Errorf("query %s item %d (%s): %v", order.dir, i, want[i].body.Name, err)
			}
		}
	}
}

// queryRefusals: bad parameters and tampered tokens reach DynamoDB as a
// request it refuses, answered 400; an empty partition is 200 with no items.
func (m *routesOnMoto) queryRefusals(query *vtl.Route) {
	m.t.Helper()
	path := map[string]string{"pk": "no partition has this key"}
	if m.s.KeyFields()[0].Type != spec.String {
		path["pk"] = "-1e-100"
	}
	if status, answer := m.call(query, path, nil); status != "200" || answer != `{"items":[]}` {
		m.t.Errorf("query of an empty partition: %s %s", status, answer)
	}
	bad := []map[string]string{{"limit": "0"}, {"limit": "101"}, {"order": "sideways"}, {"next": "a"}, {"next": "a+b="}}
	if m.s.KeyFields()[1].Type != spec.String {
		bad = append(bad, map[string]string{"next": "YWJj"}) // "abc"
	}
	for _, params := range bad {
		status, answer := m.call(query, path, params)
		m.stats.refusals++
		if status != "400" || !jsonEqual(answer, string(putitem.ErrorAnswer(putitem.MessageBadQuery))) {
			m.t.Errorf("query %v: %s %s, want 400 %q", params, status, answer, putitem.MessageBadQuery)
		}
	}
}

// String is the end-to-end summary's part about the routes.
func (s routeStats) String() string {
	return fmt.Sprintf("%d items read back through the read route, %d query pages, %d bad keys or query parameters answered 400", s.reads, s.pages, s.refusals)
}

func (s *routeStats) add(o routeStats) {
	s.reads += o.reads
	s.pages += o.pages
	s.refusals += o.refusals
}

// deployedTemplate is the request template of the method logicalID as
// template.yaml inlines it, with the table's name where Fn::Sub puts it.
func deployedTemplate(t *testing.T, templateYAML []byte, s *spec.Spec, table, logicalID string) string {
	t.Helper()
	found := inlinedRequestTemplates(t, templateYAML, func(logical, _ string) bool { return logical == logicalID })
	if len(found) != 1 {
		t.Fatalf("%d methods %s with an application/json request template, want 1", len(found), logicalID)
	}
	return subTable(t, found[0], s, table)
}
