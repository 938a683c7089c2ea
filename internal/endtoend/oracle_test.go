package endtoend_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/streamgen/streamgen"
	"github.com/streamgen/streamgen/internal/oracle"
	"github.com/streamgen/streamgen/internal/testenv"
	"github.com/streamgen/streamgen/internal/velocity"
	"github.com/streamgen/streamgen/item"
	"github.com/streamgen/streamgen/putitem"
	"github.com/streamgen/streamgen/schema"
	"github.com/streamgen/streamgen/spec"
	"github.com/streamgen/streamgen/stack"
	"github.com/streamgen/streamgen/vtl"
)

// oracleTable is the table name the oracle renders in place of the
// template's ${Table} (what CloudFormation's Fn::Sub does).
const oracleTable = "oracle-table"

// oracleCase is a spec the oracle runs the corpus against, with what the
// generator derives from it.
type oracleCase struct {
	name    string
	spec    *spec.Spec
	request string // request.vtl with the table name filled in
	model   *jsonschema.Schema
}

// oracleCases are the golden cases that generate (not the bad specs), the
// seed and the contract's example.
func oracleCases(t *testing.T) []oracleCase {
	t.Helper()
	var paths []string
	for _, c := range testenv.Cases(t, "testdata") {
		if !c.Rejected {
			paths = append(paths, c.Spec)
		}
	}
	paths = append(paths, "streamer.yaml", "examples/contract.yaml")
	var cases []oracleCase
	for _, path := range paths {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		s, err := spec.Parse(path, src)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		name := filepath.Base(filepath.Dir(path))
		if !strings.HasPrefix(path, "testdata/") {
			name = path
		}
		if c := newOracleCase(t, name, s); c.spec != nil {
			cases = append(cases, c)
		}
	}
	// A case the generator fails on is reported, not allowed to stop the others.
	if deep := newOracleCase(t, deepCase, deepSpec(t)); deep.spec != nil {
		cases = append(cases, deep)
	}
	return cases
}

// deepCase is a spec nested as deep as the spec format allows (DynamoDB's
// 32 levels): objects in objects, a list of lists at the bottom.
const deepCase = "deep-32"

func deepSpec(t *testing.T) *spec.Spec {
	t.Helper()
	var b strings.Builder
	b.WriteString("version: 1\nname: deep\ntable: {partitionKey: id}\nfields:\n  id: {type: string, from: requestId}\n")
	indent := "  "
	for level := 1; level < 32; level++ {
		fmt.Fprintf(&b, "%sl%d:\n%s  type: object\n%s  fields:\n%s    s%d: {type: string}\n", indent, level, indent, indent, indent, level)
		indent += "    "
	}
	fmt.Fprintf(&b, "%sbottom: {type: list, items: {type: string}}\n", indent)
	s, err := spec.Parse("deep.yaml", []byte(b.String()))
	if err != nil {
		t.Fatalf("deep spec: %v\n%s", err, b.String())
	}
	return s
}

// newOracleCase takes the request template and model the generator writes
// into out/ and inlines in the template.
func newOracleCase(t *testing.T, name string, s *spec.Spec) oracleCase {
	t.Helper()
	files, err := streamgen.Generate(s)
	if err != nil {
		t.Errorf("%s: Generate: %v", name, err)
		return oracleCase{}
	}
	var request, model []byte
	for _, f := range files {
		switch f.Path {
		case "request.vtl":
			request = f.Data
		case "model.json":
			model = f.Data
		}
	}
	if !s.API.Has(spec.Create) {
		// Generate writes them only for the create route; the same views
		// still make the items its other routes read.
		if request != nil || model != nil {
			t.Fatalf("%s: Generate wrote request.vtl or model.json without the create route", name)
		}
		it := item.New(s)
		vtlRequest, err := vtl.Request(it, stack.TableRef(it))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if model, err = schema.Model(it); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		request = []byte(vtlRequest)
	}
	if request == nil || model == nil {
		t.Fatalf("%s: Generate wrote no request.vtl or model.json", name)
	}
	ref := stack.TableRef(item.New(s))
	if !bytes.Contains(request, []byte(ref)) {
		t.Fatalf("%s: request.vtl does not name the table as %s", name, ref)
	}
	return oracleCase{
		name:    name,
		spec:    s,
		request: strings.ReplaceAll(string(request), ref, oracleTable),
		model:   testenv.Draft4(t, model),
	}
}

// modelAccepts validates body against the model as API Gateway's request
// validator does: JSON first, then the draft-04 schema.
func (c oracleCase) modelAccepts(body []byte) error {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		return err
	}
	return c.model.Validate(doc)
}

// oracleRequest is the request context of corpus body i; the user agent is
// client text, so string bodies send their nasty string as the user agent too.
func oracleRequest(i int, body oracle.Body, nasty map[string]string) oracle.Request {
	ua := "curl/8.5.0"
	if s, ok := nasty[body.Name]; ok {
		ua = s
	}
	return oracle.Request{
		RequestID:   fmt.Sprintf("c0ffee00-0000-4000-8000-%012d", i),
		EpochMillis: 1767225600000 + int64(i),
		SourceIP:    "198.51.100.7",
		UserAgent:   ua,
	}
}

func nastyByBody() map[string]string {
	m := map[string]string{}
	for _, n := range oracle.NastyStrings() {
		m["string/"+n.Name] = n.Value
	}
	return m
}

// minValidBodies is how many corpus bodies of each case must pass the model
// and so be rendered and compared.
const minValidBodies = 60

// TestOracle renders the generated request template with Apache Velocity for
// every corpus body of every case. The model (a real draft-04 validator) and
// the contract (package oracle) must agree on every body; every accepted body
// must render to one valid PutItem request, equal to package putitem's, whose
// item equals the contract's.
func TestOracle(t *testing.T) {
	renderer := velocity.Start(t)
	cases := oracleCases(t)
	nasty := nastyByBody()
	var bodies, rendered, rejected int
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			corpus, err := oracle.Corpus(c.spec)
			if err != nil {
				t.Fatal(err)
			}
			accepted := 0
			for i, body := range corpus {
				bodies++
				contractErr := oracle.Check(c.spec, body.JSON)
				modelErr := c.modelAccepts(body.JSON)
				if (contractErr == nil) != (modelErr == nil) {
					t.Errorf("%s: the model and the contract disagree:\n  model:    %v\n  contract: %v\n  body: %.300s",
						body.Name, modelErr, contractErr, body.JSON)
					continue
				}
				if modelErr != nil {
					rejected++
					continue
				}
				accepted++
				req := oracleRequest(i, body, nasty)
				if err := checkRender(renderer, c, body, req); err != nil {
					t.Errorf("%s: %v\n  body: %.300s", body.Name, err, body.JSON)
					continue
				}
				rendered++
			}
			if accepted < minValidBodies {
				t.Errorf("only %d of %d bodies are valid, want %d: the corpus does not fit this spec", accepted, len(corpus), minValidBodies)
			}
			t.Logf("%d bodies: %d rendered and matched, %d rejected by model and contract", len(corpus), accepted, len(corpus)-accepted)
		})
	}
	t.Logf("oracle: %d cases, %d bodies checked (%d rendered by Velocity and matched, %d rejected by model and contract)",
		len(cases), bodies, rendered, rejected)
	fmt.Printf("oracle: %d cases, %d bodies checked (%d rendered by Velocity and matched, %d rejected by model and contract)\n",
		len(cases), bodies, rendered, rejected)
}

// checkRender renders body and compares the PutItem request with package
// putitem's and its item with the contract's.
func checkRender(r *velocity.Renderer, c oracleCase, body oracle.Body, req oracle.Request) error {
	got, err := renderRequest(r, c.request, body, req, nil)
	if err != nil {
		return err
	}
	rc := putitem.RequestContext{RequestID: req.RequestID, RequestTimeEpoch: req.EpochMillis, SourceIP: req.SourceIP, UserAgent: req.UserAgent}
	want, err := putitem.Request(item.New(c.spec), body.JSON, rc, oracleTable)
	if err != nil {
		return fmt.Errorf("putitem.Request: %v", err)
	}
	if !reflect.DeepEqual(oracle.Canonical(got), oracle.Canonical(want)) {
		return fmt.Errorf("Velocity and package putitem differ:\n  velocity: %.600s\n  mapping:  %.600s", jsonText(got), jsonText(want))
	}
	item, err := oracle.Item(c.spec, body.JSON, req)
	if err != nil {
		return fmt.Errorf("oracle.Item: %v", err)
	}
	if gotItem := got.(map[string]any)["Item"]; !reflect.DeepEqual(oracle.Canonical(gotItem), oracle.Canonical(item)) {
		return fmt.Errorf("the item differs from the contract's:\n  velocity: %.600s\n  contract: %.600s", jsonText(gotItem), jsonText(item))
	}
	return nil
}

// renderRequest renders a request template for body and the request's
// context with Velocity and decodes the request strictly.
func renderRequest(r *velocity.Renderer, template string, body oracle.Body, req oracle.Request, params map[string]map[string]string) (any, error) {
	res, err := r.Render(velocity.Job{Template: template, Body: string(body.JSON), Params: params,
		Context: velocity.Context(req.RequestID, req.EpochMillis, req.SourceIP, req.UserAgent)})
	if err != nil {
		return nil, err
	}
	if res.Error != "" {
		return nil, fmt.Errorf("Velocity: %s", res.Error)
	}
	got, err := strictJSON([]byte(res.Output))
	if err != nil {
		return nil, fmt.Errorf("rendered request is not valid JSON: %v\n  rendered: %.600s", err, res.Output)
	}
	return got, nil
}

// strictJSON decodes one JSON value like DynamoDB reads a request, and also
// refuses what encoding/json forgives: invalid UTF-8 and repeated keys (an
// injected attribute would repeat one).
func strictJSON(data []byte) (any, error) {
	if !utf8.Valid(data) {
		return nil, errors.New("invalid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := strictValue(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("data after the value")
	}
	return v, nil
}

func strictValue(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch tok {
	case json.Delim('{'):
		m := map[string]any{}
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return nil, err
			}
			key := k.(string)
			if _, dup := m[key]; dup {
				return nil, fmt.Errorf("key %q repeated", key)
			}
			if m[key], err = strictValue(dec); err != nil {
				return nil, err
			}
		}
		_, err := dec.Token()
		return m, err
	case json.Delim('['):
		l := []any{}
		for dec.More() {
			v, err := strictValue(dec)
			if err != nil {
				return nil, err
			}
			l = append(l, v)
		}
		_, err := dec.Token()
		return l, err
	}
	return tok, nil
}

func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// TestOracleResponses renders the integration response templates with
// Velocity for DynamoDB's answers: the contract's status for each error type,
// a JSON {"message"} without AWS internals, and the 200 answer of package putitem.
func TestOracleResponses(t *testing.T) {
	renderer := velocity.Start(t)
	for _, c := range oracleCases(t) {
		t.Run(c.name, func(t *testing.T) {
			responses, err := vtl.Responses(item.New(c.spec))
			if err != nil {
				t.Fatal(err)
			}
			byStatus := map[string]vtl.IntegrationResponse{}
			for _, r := range responses {
				byStatus[r.StatusCode] = r
			}
			req := oracle.Request{RequestID: "8d1e7f3a-5b2c-4f7e-9a41-0c6d2b9e1f00", EpochMillis: 1767225600123, SourceIP: "198.51.100.7", UserAgent: "ua"}
			ctx := velocity.Context(req.RequestID, req.EpochMillis, req.SourceIP, req.UserAgent)

			res := render(t, renderer, byStatus["200"].Template, `{}`, ctx)
			want, err := putitem.Answer(item.New(c.spec), putitem.RequestContext{RequestID: req.RequestID, RequestTimeEpoch: req.EpochMillis, SourceIP: req.SourceIP, UserAgent: req.UserAgent})
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != "" || !jsonEqual(res.Output, string(want)) {
				t.Errorf("200 answer: got status %q body %s, want %s", res.Status, res.Output, want)
			}

			const secret = "arn:aws:dynamodb:us-east-1:123456789012:table/secret"
			for errType, status := range map[string]string{
				"ConditionalCheckFailedException":          "409",
				"ProvisionedThroughputExceededException":   "429",
				"ThrottlingException":                      "429",
				"RequestLimitExceeded":                     "429",
				"TransactionConflictException":             "429",
				"ResourceNotFoundException":                "500",
				"AccessDeniedException":                    "500",
				"UnrecognizedClientException":              "500",
				"ItemCollectionSizeLimitExceededException": "500",
			} {
				body := fmt.Sprintf(`{"__type":"com.amazonaws.dynamodb.v20120810#%s","message":"%s"}`, errType, secret)
				res := render(t, renderer, byStatus["400"].Template, body, ctx)
				if res.Status != status {
					t.Errorf("%s: status %q, want %s", errType, res.Status, status)
				}
				var answer map[string]any
				if err := json.Unmarshal([]byte(res.Output), &answer); err != nil || len(answer) != 1 || answer["message"] == nil {
					t.Errorf("%s: answer %q is not {\"message\": ...} (%v)", errType, res.Output, err)
				}
				if strings.Contains(res.Output, "arn:") || strings.Contains(res.Output, errType) {
					t.Errorf("%s: answer leaks AWS internals: %s", errType, res.Output)
				}
			}
			res = render(t, renderer, byStatus["500"].Template, `{"__type":"InternalServerError","message":"`+secret+`"}`, ctx)
			if !jsonEqual(res.Output, string(putitem.ErrorAnswer(putitem.MessageUncertain))) {
				t.Errorf("5xx answer: %s", res.Output)
			}
		})
	}
}

func render(t *testing.T, r *velocity.Renderer, template, body string, ctx map[string]any) velocity.Result {
	t.Helper()
	return r.MustRender(t, velocity.Job{Template: template, Body: body, Context: ctx})
}

func jsonEqual(a, b string) bool {
	var x, y any
	if json.Unmarshal([]byte(a), &x) != nil || json.Unmarshal([]byte(b), &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}
