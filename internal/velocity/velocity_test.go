package velocity_test

import (
	"encoding/json"
	"strings"
	"testing"

	_ "github.com/streamgen/streamgen/internal/testenv" // defines -update, for go test ./... -update
	"github.com/streamgen/streamgen/internal/velocity"
)

// TestEmulation pins what the harness does for each API Gateway variable the
// generated templates may use, so a change to it cannot pass unnoticed.
func TestEmulation(t *testing.T) {
	r := velocity.Start(t)
	ctx := velocity.Context("req-1", 1700000000123, "192.0.2.1", `curl/8 "x" \ ' $y #z`)
	body := `{"s":"a\"b\\c'd/e","n":-0,"big":1e308,"exact":1.2345678901234567890123456789012345678,` +
		`"list":[1,"two",{"x":true}],"obj":{"a":null,"b":[]},"empty":""}`
	cases := []struct {
		name, template, want string
	}{
		{"json string", `$input.json('$.s')`, `"a\"b\\c'd/e"`},
		{"json number keeps text", `$input.json('$.n') $input.json('$.big') $input.json('$.exact')`,
			`-0 1e308 1.2345678901234567890123456789012345678`},
		{"json object", `$input.json('$.obj')`, `{"a":null,"b":[]}`},
		{"json whole", `$input.json('$')`, body},
		{"json index and bracket", `$input.json('$.list[2].x') $input.json("$['list'][1]") $input.json('$["s"]')`,
			`true "two" "a\"b\\c'd/e"`},
		{"path is raw text", `$input.path('$.s')`, `a"b\c'd/e`},
		{"path object is a map", `$input.path('$').containsKey("s") $input.path('$').containsKey("zz") $input.path('$.obj').size() $input.path('$.obj').keySet()`,
			`true false 2 [a, b]`},
		{"path list", `#foreach($x in $input.path('$.list'))[$x]#end $input.path('$.list').size()`, `[1][two][{x=true}] 3`},
		// The update template tells a null (remove) from an absent field (leave).
		{"null is present and null", `#set($o = $input.path('$.obj'))$o.containsKey("a") #if($o.get("a") == $null)null#end #if($o.get("b") == $null)null#{else}value#end $o.containsKey("zz")`,
			`true null value false`},
		{"empty string is present", `$input.path('$').containsKey("empty") "$input.path('$.empty')"`, `true ""`},
		{"missing path prints the reference", `$input.json('$.nope')|$!input.path('$.nope')|`, `$input.json('$.nope')||`},
		{"body", `$input.body`, body},
		{"escapeJavaScript", `$util.escapeJavaScript($input.path('$.s'))`, `a\"b\\c\'d\/e`},
		{"parseJson", `#set($o = $util.parseJson('{"k":[1,2]}'))$o.k.size() $o.k[1]`, `2 2`},
		{"urlEncode", `$util.urlEncode("a b&c/é") $util.urlDecode("a+b%26c")`, `a+b%26c%2F%C3%A9 a b&c`},
		{"base64", `$util.base64Encode("hé") $util.base64Decode("aMOp")`, `aMOp hé`},
		{"context", `$context.requestId $context.requestTimeEpoch $context.identity.sourceIp`, `req-1 1700000000123 192.0.2.1`},
		{"user agent escaped", `$util.escapeJavaScript($context.identity.userAgent)`, `curl\/8 \"x\" \\ \' $y #z`},
		{"params", `$input.params('p') $input.params('q') $input.params('h') [$input.params('none')]`, `P Q H []`},
		// The routes' templates read path and query string by name, test them
		// with Java's String methods and count with Velocity's integers.
		{"params by kind", `$input.params().path.get('p') $input.params().querystring.get('q') [$!input.params().path.get('none')]`, `P Q []`},
		{"String methods", `#set($a='-1.5e3')#set($b='1 ')#set($c='a-b_c')#if($a.matches('-?[0-9.e]+'))y#end#if(!$b.matches('[0-9]+'))n#end $c.replace('-','+').replace('_','/')`, `yn a+b/c`},
		{"String length modulo", `#set($n='abcde')#set($m=$n.length()%4)$m`, `1`},
		{"base64 of a token", `$util.base64Encode("é~?").replace('+','-').replace('/','_').replace('=','') $util.base64Decode("w6l+Pw==")`, `w6l-Pw é~?`},
		// Velocity 1.7 identifiers cannot start with "_": DynamoDB's __type must be read by path.
		{"no underscore properties", `#set($e = {"__type": "x"})$e.__type`, `{__type=x}.__type`},
		{"unicode escapes in literals stay literal", `"\u0024x \u0023set"`, `"\u0024x \u0023set"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, err := r.Render(velocity.Job{Template: c.template, Body: body, Context: ctx,
				Params: map[string]map[string]string{"path": {"p": "P"}, "querystring": {"q": "Q"}, "header": {"h": "H"}}})
			if err != nil {
				t.Fatal(err)
			}
			if res.Error != "" {
				t.Fatalf("render error: %s", res.Error)
			}
			if res.Output != c.want {
				t.Errorf("%s\n got %s\nwant %s", c.template, res.Output, c.want)
			}
		})
	}
}

// TestJSONStringsRoundTrip: $input.json of any string is JSON that decodes to
// exactly that string: every control character, U+2028, emoji, non-ASCII.
func TestJSONStringsRoundTrip(t *testing.T) {
	r := velocity.Start(t)
	var nasty []string
	for c := rune(0); c < 0x20; c++ {
		nasty = append(nasty, "a"+string(c)+"b")
	}
	nasty = append(nasty, "\u2028\u2029", "😀 ünï €", `\`, `"`, `'`, `$input.body`, `#set($x = 1)`, "##", "#*", "${x}", strings.Repeat("é\\\"", 30000))
	for _, s := range nasty {
		body, _ := json.Marshal(map[string]string{"s": s})
		res, err := r.Render(velocity.Job{Template: `{"v":$input.json('$.s')}`, Body: string(body),
			Context: velocity.Context("r", 1, "ip", "ua")})
		if err != nil {
			t.Fatal(err)
		}
		var got struct{ V *string }
		if err := json.Unmarshal([]byte(res.Output), &got); err != nil || got.V == nil || *got.V != s {
			t.Errorf("%q: output %q (error %v, harness error %q)", s, res.Output, err, res.Error)
		}
	}
}

func TestStatusOverride(t *testing.T) {
	r := velocity.Start(t)
	// Velocity 1.7 identifiers cannot start with "_": $e.__type is a parse
	// error, so the type is read by path.
	tpl := `#if($input.path('$.__type').endsWith("ConditionalCheckFailedException"))#set($context.responseOverride.status = 409)#end{}`
	for body, want := range map[string]string{
		`{"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException","message":"x"}`: "409",
		`{"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"}`:                     "",
	} {
		res, err := r.Render(velocity.Job{Template: tpl, Body: body, Context: velocity.Context("r", 1, "ip", "ua")})
		if err != nil {
			t.Fatal(err)
		}
		if res.Error != "" || res.Status != want || res.Output != "{}" {
			t.Errorf("%s: got %+v, want status %q", body, res, want)
		}
	}
}

func TestErrorsReported(t *testing.T) {
	r := velocity.Start(t)
	for _, job := range []velocity.Job{
		{Template: `#if(`, Body: `{}`},
		{Template: `$input.json('$..x')`, Body: `{}`},
		{Template: `$input.json('$.x')`, Body: `{"x":`},
		// $util.urlDecode is Java's URLDecoder.decode(s, "UTF-8"): a
		// malformed escape is an error (on API Gateway a 500).
		{Template: `$util.urlDecode('a%zz')`, Body: `{}`},
	} {
		res, err := r.Render(job)
		if err != nil {
			t.Fatal(err)
		}
		if res.Error == "" {
			t.Errorf("%s with %s: no error, output %q", job.Template, job.Body, res.Output)
		}
	}
	// The harness survives errors.
	res, err := r.Render(velocity.Job{Template: `ok`, Body: `{}`})
	if err != nil || res.Output != "ok" {
		t.Fatalf("after errors: %+v %v", res, err)
	}
}

// TestURLDecode: $util.urlDecode is form decoding, as Java's URLDecoder
// with UTF-8: "+" is a space, escapes are UTF-8 bytes.
func TestURLDecode(t *testing.T) {
	r := velocity.Start(t)
	res := r.MustRender(t, velocity.Job{Template: `$util.urlDecode('a+b%2B%20%C3%A9%2F')`})
	if res.Output != "a b+ é/" {
		t.Errorf("got %q, want %q", res.Output, "a b+ é/")
	}
}

// TestForeachStopsAt1000: as API Gateway, the harness ends a #foreach after
// 1000 iterations, without an error, however long the array and however deep
// the loop; each loop counts its own iterations.
func TestForeachStopsAt1000(t *testing.T) {
	r := velocity.Start(t)
	for _, n := range []int{999, 1000, 1001, 1200} {
		body, _ := json.Marshal(map[string]any{"l": make([]int, n), "nested": [][]int{make([]int, n), make([]int, n)}})
		res := r.MustRender(t, velocity.Job{
			Template: `#foreach($x in $input.path('$.l'))x#end|#foreach($l in $input.path('$.nested'))#foreach($x in $l)y#end;#end`,
			Body:     string(body),
			Context:  velocity.Context("r", 1, "ip", "ua"),
		})
		want := min(n, 1000)
		flat, nested, _ := strings.Cut(res.Output, "|")
		if len(flat) != want || nested != strings.Repeat("y", want)+";"+strings.Repeat("y", want)+";" {
			t.Errorf("%d elements: %d flat iterations, nested %d bytes; want %d each", n, len(flat), len(nested), want)
		}
	}
}
