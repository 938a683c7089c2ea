package endtoend_test

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/streamgen/streamgen"
	"github.com/streamgen/streamgen/handlergen"
	"github.com/streamgen/streamgen/internal/oracle"
	"github.com/streamgen/streamgen/internal/testenv"
	"github.com/streamgen/streamgen/internal/velocity"
	"github.com/streamgen/streamgen/item"
	"github.com/streamgen/streamgen/putitem"
	"github.com/streamgen/streamgen/spec"
	"github.com/streamgen/streamgen/stack"
	"github.com/streamgen/streamgen/vtl"
)

// e2eCases are the golden cases deployed on moto: every stream view, both
// onDuplicate modes, keys from the body and from the server, every type.
var e2eCases = []string{"seed", "all-types", "defaults", "nested", "overwrite", "server-set", "sets",
	"sort-key-ttl", "view-new-and-old", "view-keys-only", "view-old-image", deepCase}

// e2eWrite is one PutItem the test sent and what the contract says the
// handler must then see.
type e2eWrite struct {
	body    oracle.Body
	item    map[string]any // the contract's item (DynamoDB JSON)
	stored  bool           // DynamoDB accepted it: one stream record
	replace bool           // it overwrote an item with the same key (MODIFY)
}

// TestEndToEnd deploys the generated template on moto with `aws cloudformation
// deploy`, sends every valid corpus body, rendered by Velocity from the
// request template the deployed API holds, to DynamoDB's PutItem as API
// Gateway's integration does, reads the table's stream with the DynamoDB
// Streams API and runs the generated handler's decoders on the records: the
// handler must see exactly what was posted (strings byte for byte, numbers by
// value), in order. A repeated key answers 409 (reject, item unchanged) or
// overwrites (overwrite).
func TestEndToEnd(t *testing.T) {
	if testing.Short() && !testenv.InCI() {
		t.Skip("deploys stacks on moto: slow")
	}
	if _, err := exec.LookPath("aws"); err != nil {
		testenv.Missing(t, "aws (the AWS CLI) not found: it deploys the stacks")
	}
	moto := testenv.StartMoto(t)
	renderer := velocity.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()

	code := t.TempDir()
	zipFile := filepath.Join(code, "handler.zip")
	if err := os.WriteFile(zipFile, testenv.HandlerZip(t), 0o644); err != nil {
		t.Fatal(err)
	}
	mustAWS(t, moto, ctx, "s3", "mb", "s3://e2e-code")
	mustAWS(t, moto, ctx, "s3", "cp", zipFile, "s3://e2e-code/handler.zip")

	mod := newDecodeModule(t)
	writes := map[string][]e2eWrite{}
	specs := map[string]*spec.Spec{}
	var posted, refused, duplicates, unchecked int
	for _, name := range e2eCases {
		s := parseCase(t, name)
		specs[name] = s
		files, err := streamgen.Generate(s)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		dir := filepath.Join(mod, name)
		for _, f := range files {
			switch {
			case f.Path == "template.yaml":
				testenv.WriteFile(t, filepath.Join(dir, "template.yaml"), f.Data)
				testenv.WriteFile(t, filepath.Join(dir, "deploy.yaml"), withoutStreamMapping(t, f.Data))
			case f.Path == "handler/main.go":
				testenv.WriteFile(t, filepath.Join(dir, "main.go"), f.Data)
			}
		}
		// The item code as generated, but for the decode module's runtime.
		itemGo, err := handlergen.Item(item.New(s), "main", testenv.RuntimeImport, true)
		if err != nil {
			t.Fatal(err)
		}
		testenv.WriteFile(t, filepath.Join(dir, "item_gen.go"), itemGo)
		testenv.WriteFile(t, filepath.Join(dir, "decode_test.go"), decodeDriver)

		stackName := "e2e-" + name
		mustAWS(t, moto, ctx, "cloudformation", "deploy", "--template-file", filepath.Join(dir, "deploy.yaml"),
			"--stack-name", stackName, "--capabilities", "CAPABILITY_IAM", "CAPABILITY_NAMED_IAM",
			"--parameter-overrides", "CodeBucket=e2e-code", "CodeKey=handler.zip")
		table := stackResourceID(t, moto, ctx, stackName, strings.Trim(stack.TableRef(item.New(s)), "${}"))
		templateYAML, err := os.ReadFile(filepath.Join(dir, "template.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		request := deployedRequestTemplate(t, templateYAML, s, table)
		if !strings.Contains(request, `"TableName":"`+table+`"`) {
			t.Fatalf("%s: the deployed request template does not name table %s:\n%.300s", name, table, request)
		}

		w, stats := postCorpus(t, moto, renderer, ctx, s, request, table)
		writes[name] = w
		posted += stats.posted
		refused += stats.refused
		duplicates += stats.duplicates
		unchecked += stats.unchecked
		records := readStream(t, moto, ctx, table)
		testenv.WriteFile(t, filepath.Join(dir, "records.json"), records)
	}

	testenv.RunGo(t, mod, "test", "-count=1", "./...")

	var checked int
	for _, name := range e2eCases {
		if writes[name] == nil {
			continue // not generated
		}
		checked += compareDecoded(t, name, specs[name], writes[name], filepath.Join(mod, name, "decoded.json"))
	}
	summary := fmt.Sprintf("end to end: %d cases deployed on moto, %d bodies posted, %d stream records decoded by the generated handlers and matched; %d repeated keys (409 or overwrite); %d valid bodies DynamoDB refused as it must (answered 400); %d not posted (numbers in sets that DynamoDB refuses and moto does not check)",
		len(writes), posted, checked, duplicates, refused, unchecked)
	t.Log(summary)
	fmt.Println(summary)
}

type postStats struct{ posted, refused, duplicates, unchecked int }

// postCorpus renders and posts every valid corpus body of s, in order.
func postCorpus(t *testing.T, moto *testenv.Moto, renderer *velocity.Renderer, ctx context.Context,
	s *spec.Spec, request, table string) ([]e2eWrite, postStats) {
	t.Helper()
	corpus, err := oracle.Corpus(s)
	if err != nil {
		t.Fatal(err)
	}
	model := newOracleCase(t, s.Name, s)
	responses, err := vtl.Responses(item.New(s))
	if err != nil {
		t.Fatal(err)
	}
	clientError := ""
	for _, r := range responses {
		if r.StatusCode == "400" {
			clientError = r.Template
		}
	}
	nasty := nastyByBody()
	keys := map[string]bool{}
	first := map[string]map[string]any{} // key -> the item its first write stored
	var writes []e2eWrite
	var stats postStats
	for i, body := range corpus {
		contractErr, modelErr := oracle.Check(s, body.JSON), model.modelAccepts(body.JSON)
		if (contractErr == nil) != (modelErr == nil) {
			t.Errorf("%s: the model and the contract disagree (model: %v; contract: %v)", body.Name, modelErr, contractErr)
			continue
		}
		if modelErr != nil {
			continue // API Gateway's validator answers 400 (TestOracle): DynamoDB is never called
		}
		req := oracleRequest(i, body, nasty)
		item, err := oracle.Item(s, body.JSON, req)
		if err != nil {
			t.Fatal(err)
		}
		refusal := dynamoRefusal(s, item)
		if strings.HasPrefix(refusal, "set member") {
			stats.unchecked++ // DynamoDB refuses it, but moto 5 does not check numbers in sets
			continue
		}
		res, err := renderer.Render(velocity.Job{Template: request, Body: string(body.JSON),
			Context: velocity.Context(req.RequestID, req.EpochMillis, req.SourceIP, req.UserAgent)})
		if err != nil || res.Error != "" {
			t.Fatalf("%s: render: %v %s", body.Name, err, res.Error)
		}
		status, answer, err := moto.Call(ctx, "DynamoDB_20120810.PutItem", []byte(res.Output))
		if err != nil {
			t.Fatal(err)
		}
		stats.posted++
		key := keyText(s, item)
		w := e2eWrite{body: body, item: item, replace: keys[key]}
		switch {
		case refusal != "":
			stats.refused++
			if status != 400 || !strings.Contains(string(answer), "ValidationException") {
				t.Errorf("%s: DynamoDB must refuse it (%s) but answered %d %.300s", body.Name, refusal, status, answer)
				continue
			}
			res, err := renderer.Render(velocity.Job{Template: clientError, Body: string(answer),
				Context: velocity.Context(req.RequestID, req.EpochMillis, req.SourceIP, req.UserAgent)})
			// No override: the 400 integration response answers, never a 200.
			if err != nil || res.Error != "" || res.Status != "" || !jsonEqual(res.Output, string(putitem.ErrorAnswer(putitem.MessageRejected))) {
				t.Errorf("%s: the response template answers %+v (%v) to %s, want the 400 %q", body.Name, res, err, answer, putitem.MessageRejected)
			}
		case keys[key] && s.Table.OnDuplicate == spec.Reject:
			stats.duplicates++
			if status != 400 || !strings.Contains(string(answer), "ConditionalCheckFailedException") {
				t.Errorf("%s: repeated key %s: DynamoDB answered %d %s, want ConditionalCheckFailedException", body.Name, key, status, answer)
				continue
			}
			res, err := renderer.Render(velocity.Job{Template: clientError, Body: string(answer),
				Context: velocity.Context(req.RequestID, req.EpochMillis, req.SourceIP, req.UserAgent)})
			if err != nil || res.Error != "" || res.Status != "409" {
				t.Errorf("%s: the response template answers %+v (%v) to %s, want status 409", body.Name, res, err, answer)
			}
			var stored struct{ Item map[string]any }
			call(t, moto, ctx, "DynamoDB_20120810.GetItem", map[string]any{"TableName": table, "Key": keyOf(s, item)}, &stored)
			want := plainObject(s.Fields, first[key])
			if got := plainObject(s.Fields, stored.Item); !reflect.DeepEqual(canonicalObject(s.Fields, got), canonicalObject(s.Fields, want)) {
				t.Errorf("%s: after the 409 the item is\n  %.300s\nwant the first write's\n  %.300s", body.Name, jsonText(got), jsonText(want))
			}
		case status != 200:
			t.Errorf("%s: PutItem answered %d %s\n  request: %.400s", body.Name, status, answer, res.Output)
		default:
			if keys[key] {
				stats.duplicates++
			}
			if !keys[key] {
				first[key] = item
			}
			keys[key] = true
			w.stored = true
		}
		writes = append(writes, w)
	}
	return writes, stats
}

// dynamoRefusal says why DynamoDB refuses item although the model accepts
// its body, or "": a number beyond 38 significant digits or outside 1e-130 to
// 9.99...e125, a key string that is empty or longer than 2048 (partition) or
// 1024 (sort) bytes. The response template answers those 400.
func dynamoRefusal(s *spec.Spec, item map[string]any) string {
	for i, f := range s.KeyFields() {
		limit := 2048
		if i == 1 {
			limit = 1024
		}
		if str, ok := item[f.Name].(map[string]any)["S"].(string); ok && (str == "" || len(str) > limit) {
			return fmt.Sprintf("key %s of %d bytes", f.Name, len(str))
		}
	}
	refusal := ""
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				switch k {
				case "N":
					if n := e.(string); !dynamoNumber(n) {
						refusal = "number " + n
					}
				case "NS":
					for _, m := range e.([]any) {
						if n := m.(string); !dynamoNumber(n) {
							refusal = "set member " + n
						}
					}
				default:
					walk(e)
				}
			}
		case []any:
			for _, e := range v {
				walk(e)
			}
		}
	}
	walk(item)
	return refusal
}

// dynamoNumber reports whether DynamoDB stores n.
func dynamoNumber(n string) bool {
	r, ok := new(big.Rat).SetString(n)
	if !ok {
		return false
	}
	max, _ := new(big.Rat).SetString("9.9999999999999999999999999999999999999e125")
	min, _ := new(big.Rat).SetString("1e-130")
	abs := new(big.Rat).Abs(r)
	return abs.Cmp(max) <= 0 && (abs.Sign() == 0 || abs.Cmp(min) >= 0) && significantDigits(n) <= 38
}

// significantDigits counts the digits of n's mantissa without the zeros
// that lead or trail (DynamoDB stores numbers normalised).
func significantDigits(n string) int {
	mantissa := strings.SplitN(strings.ToLower(n), "e", 2)[0]
	digits := strings.NewReplacer("-", "", ".", "").Replace(mantissa)
	return len(strings.Trim(digits, "0"))
}

// keyOf is the item's primary key attributes.
func keyOf(s *spec.Spec, item map[string]any) map[string]any {
	key := map[string]any{}
	for _, f := range s.KeyFields() {
		key[f.Name] = item[f.Name]
	}
	return key
}

// keyText names the item's key as DynamoDB compares keys: numbers by value.
func keyText(s *spec.Spec, item map[string]any) string {
	var parts []string
	for _, f := range s.KeyFields() {
		attr := item[f.Name].(map[string]any)
		if n, ok := attr["N"].(string); ok {
			r, _ := new(big.Rat).SetString(n)
			parts = append(parts, "N:"+r.RatString())
		} else {
			parts = append(parts, "S:"+jsonText(attr["S"]))
		}
	}
	return strings.Join(parts, " ")
}

// withoutStreamMapping is the template without its event source mapping:
// moto hands each new stream record to the mapped function at once (it cannot
// run it) and then drops the records from the shard, so the test reads the
// stream itself, as the mapping would. The mapping's settings are checked by
// TestDeployOutToMoto and cfn-lint.
func withoutStreamMapping(t *testing.T, templateYAML []byte) []byte {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal(templateYAML, &doc); err != nil {
		t.Fatal(err)
	}
	removed := 0
	root := doc.Content[0]
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value != "Resources" {
			continue
		}
		resources := root.Content[i+1]
		var kept []*yaml.Node
		for j := 0; j+1 < len(resources.Content); j += 2 {
			var r struct {
				Type string `yaml:"Type"`
			}
			if err := resources.Content[j+1].Decode(&r); err != nil {
				t.Fatal(err)
			}
			if r.Type == "AWS::Lambda::EventSourceMapping" {
				removed++
				continue
			}
			kept = append(kept, resources.Content[j], resources.Content[j+1])
		}
		resources.Content = kept
	}
	if removed != 1 {
		t.Fatalf("%d event source mappings in the template, want 1", removed)
	}
	out, err := yaml.Marshal(&doc)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// deployedRequestTemplate is the request template of the POST method as
// template.yaml inlines it, with the table's name where CloudFormation's
// Fn::Sub puts it (moto does not keep request templates to read back).
func deployedRequestTemplate(t *testing.T, templateYAML []byte, s *spec.Spec, table string) string {
	t.Helper()
	var tmpl struct {
		Resources map[string]struct {
			Type       string `yaml:"Type"`
			Properties struct {
				HTTPMethod  string `yaml:"HttpMethod"`
				Integration struct {
					RequestTemplates map[string]struct {
						Sub string `yaml:"Fn::Sub"`
					} `yaml:"RequestTemplates"`
				} `yaml:"Integration"`
			} `yaml:"Properties"`
		} `yaml:"Resources"`
	}
	if err := yaml.Unmarshal(templateYAML, &tmpl); err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, r := range tmpl.Resources {
		if r.Type == "AWS::ApiGateway::Method" && r.Properties.HTTPMethod == "POST" {
			if sub := r.Properties.Integration.RequestTemplates["application/json"].Sub; sub != "" {
				found = append(found, sub)
			}
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d POST methods with an application/json request template (Fn::Sub), want 1", len(found))
	}
	ref := stack.TableRef(item.New(s))
	if strings.Count(found[0], "${") != 1 || !strings.Contains(found[0], ref) {
		t.Fatalf("the request template's Fn::Sub holds more than %s", ref)
	}
	return strings.Replace(found[0], ref, table, 1)
}

// stackResourceID is the physical ID of a resource of the stack (moto 5
// fails describe-stack-resource, so it reads them all).
func stackResourceID(t *testing.T, moto *testenv.Moto, ctx context.Context, stackName, logicalID string) string {
	t.Helper()
	out := mustAWS(t, moto, ctx, "cloudformation", "describe-stack-resources", "--stack-name", stackName)
	var resources struct {
		StackResources []struct{ LogicalResourceId, PhysicalResourceId string }
	}
	if err := json.Unmarshal(out, &resources); err != nil {
		t.Fatal(err)
	}
	for _, r := range resources.StackResources {
		if r.LogicalResourceId == logicalID && r.PhysicalResourceId != "" {
			return r.PhysicalResourceId
		}
	}
	t.Fatalf("%s: no resource %s: %s", stackName, logicalID, out)
	return ""
}

// readStream reads every record of the table's stream from the start with
// the DynamoDB Streams API and returns them as a Lambda stream event.
func readStream(t *testing.T, moto *testenv.Moto, ctx context.Context, table string) []byte {
	t.Helper()
	var described struct {
		Table struct{ LatestStreamArn string }
	}
	call(t, moto, ctx, "DynamoDB_20120810.DescribeTable", map[string]any{"TableName": table}, &described)
	arn := described.Table.LatestStreamArn
	if arn == "" {
		t.Fatalf("table %s has no stream", table)
	}
	var stream struct {
		StreamDescription struct{ Shards []struct{ ShardId string } }
	}
	call(t, moto, ctx, "DynamoDBStreams_20120810.DescribeStream", map[string]any{"StreamArn": arn}, &stream)
	var records []json.RawMessage
	for _, shard := range stream.StreamDescription.Shards {
		var it struct{ ShardIterator string }
		call(t, moto, ctx, "DynamoDBStreams_20120810.GetShardIterator",
			map[string]any{"StreamArn": arn, "ShardId": shard.ShardId, "ShardIteratorType": "TRIM_HORIZON"}, &it)
		for iterator := it.ShardIterator; iterator != ""; {
			var page struct {
				Records           []json.RawMessage
				NextShardIterator string
			}
			call(t, moto, ctx, "DynamoDBStreams_20120810.GetRecords", map[string]any{"ShardIterator": iterator}, &page)
			records = append(records, page.Records...)
			if len(page.Records) == 0 {
				break // an open shard has a next iterator forever
			}
			iterator = page.NextShardIterator
		}
	}
	event, err := json.Marshal(map[string]any{"Records": records})
	if err != nil {
		t.Fatal(err)
	}
	return event
}

func call(t *testing.T, moto *testenv.Moto, ctx context.Context, target string, in, out any) {
	t.Helper()
	body, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	status, answer, err := moto.Call(ctx, target, body)
	if err != nil || status != 200 {
		t.Fatalf("%s: %d %s %v", target, status, answer, err)
	}
	if err := json.Unmarshal(answer, out); err != nil {
		t.Fatalf("%s: %v", target, err)
	}
}

// compareDecoded checks what the generated handler decoded against the
// stored writes, record by record, and returns how many records matched.
func compareDecoded(t *testing.T, name string, s *spec.Spec, writes []e2eWrite, decodedFile string) int {
	t.Helper()
	data, err := os.ReadFile(decodedFile)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	var decoded struct {
		Error   string
		Records []struct {
			EventName          string
			Keys               json.RawMessage
			NewImage, OldImage json.RawMessage
		}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&decoded); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if decoded.Error != "" {
		t.Errorf("%s: the generated handler could not decode the stream: %s", name, decoded.Error)
		return 0
	}
	var stored []e2eWrite
	for _, w := range writes {
		if w.stored {
			stored = append(stored, w)
		}
	}
	if len(decoded.Records) != len(stored) {
		t.Errorf("%s: %d stream records for %d stored writes", name, len(decoded.Records), len(stored))
		return 0
	}
	matched := 0
	previous := map[string]map[string]any{} // key -> the item before this write
	for i, rec := range decoded.Records {
		w := stored[i]
		key := keyText(s, w.item)
		wantEvent := "INSERT"
		if w.replace {
			wantEvent = "MODIFY"
		}
		ok := rec.EventName == wantEvent
		if !ok {
			t.Errorf("%s: %s: event %s, want %s", name, w.body.Name, rec.EventName, wantEvent)
		}
		ok = sameValue(t, name, w.body.Name+" keys", s.KeyFields(), rec.Keys, plainObject(s.KeyFields(), keyOf(s, w.item))) && ok
		switch s.Stream.View {
		case "NEW_IMAGE", "NEW_AND_OLD_IMAGES":
			ok = sameValue(t, name, w.body.Name+" new image", s.Fields, rec.NewImage, plainObject(s.Fields, w.item)) && ok
		}
		if old := previous[key]; old != nil && (s.Stream.View == "OLD_IMAGE" || s.Stream.View == "NEW_AND_OLD_IMAGES") {
			ok = sameValue(t, name, w.body.Name+" old image", s.Fields, rec.OldImage, plainObject(s.Fields, old)) && ok
		}
		previous[key] = w.item
		if ok {
			matched++
		}
	}
	return matched
}

// sameValue compares what the handler decoded (its JSON) with the expected
// plain JSON of fields: strings byte for byte, numbers by value, sets in any
// order (DynamoDB does not keep it), lists in order.
func sameValue(t *testing.T, name, what string, fields []*spec.Field, got json.RawMessage, want map[string]any) bool {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(got))
	dec.UseNumber()
	var g any
	if err := dec.Decode(&g); err != nil {
		t.Errorf("%s: %s: %v", name, what, err)
		return false
	}
	if !reflect.DeepEqual(canonicalObject(fields, g), canonicalObject(fields, want)) {
		t.Errorf("%s: %s: the handler saw\n  %.500s\nwant\n  %.500s", name, what, jsonText(g), jsonText(want))
		return false
	}
	return true
}

// plainObject turns an item of the contract (DynamoDB JSON) into the plain
// JSON the handler's types marshal to.
func plainObject(fields []*spec.Field, item map[string]any) map[string]any {
	out := map[string]any{}
	for _, f := range fields {
		if v, ok := item[f.Name]; ok {
			out[f.Name] = plainValue(f, v.(map[string]any))
		}
	}
	return out
}

func plainValue(f *spec.Field, attr map[string]any) any {
	switch f.Type {
	case spec.String:
		return attr["S"]
	case spec.Number, spec.Integer:
		return json.Number(attr["N"].(string))
	case spec.Boolean:
		return attr["BOOL"]
	case spec.Object:
		return plainObject(f.Fields, attr["M"].(map[string]any))
	case spec.List:
		items := []any{}
		for _, e := range attr["L"].([]any) {
			items = append(items, plainValue(f.Items, e.(map[string]any)))
		}
		return items
	case spec.StringSet:
		return attr["SS"]
	case spec.NumberSet:
		var members []any
		for _, n := range attr["NS"].([]any) {
			members = append(members, json.Number(n.(string)))
		}
		return members
	}
	return nil
}

// canonicalObject makes v, a plain JSON object of fields, comparable:
// numbers become their exact rational value, set members are sorted;
// anything unexpected is kept as it is, so that it differs.
func canonicalObject(fields []*spec.Field, v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	out := map[string]any{}
	for k, e := range m {
		out[k] = e
		for _, f := range fields {
			if f.Name == k {
				out[k] = canonicalValue(f, e)
			}
		}
	}
	return out
}

func canonicalValue(f *spec.Field, v any) any {
	switch f.Type {
	case spec.Number, spec.Integer:
		if n, ok := v.(json.Number); ok {
			if r, ok := new(big.Rat).SetString(string(n)); ok {
				return "number " + r.RatString()
			}
		}
	case spec.Object:
		return canonicalObject(f.Fields, v)
	case spec.List, spec.StringSet, spec.NumberSet:
		items, ok := v.([]any)
		if !ok {
			return v
		}
		out := make([]any, len(items))
		for i, e := range items {
			out[i] = e
			switch f.Type {
			case spec.List:
				out[i] = canonicalValue(f.Items, e)
			case spec.NumberSet:
				out[i] = canonicalValue(&spec.Field{Type: spec.Number}, e)
			}
		}
		if f.Type != spec.List {
			sort.Slice(out, func(i, j int) bool { return fmt.Sprint(out[i]) < fmt.Sprint(out[j]) })
		}
		return out
	}
	return v
}

func mustAWS(t *testing.T, moto *testenv.Moto, ctx context.Context, args ...string) []byte {
	t.Helper()
	out, err := moto.AWS(ctx, args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func parseCase(t *testing.T, name string) *spec.Spec {
	t.Helper()
	if name == deepCase {
		return deepSpec(t)
	}
	return testenv.Read(t, spec.ReadFile, filepath.Join("testdata", name, "spec.yaml"))
}

// newDecodeModule is one module for the generated handlers of every case,
// with the runtime copy each handler's own module holds.
func newDecodeModule(t *testing.T) string {
	t.Helper()
	root, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return testenv.UserModule(t, root)
}

// decodeDriver runs the generated decoders (through the handler runtime's
// Decode) on records.json and writes what the handler sees to decoded.json.
//
//go:embed testdata/decode_test.go
var decodeDriver []byte
