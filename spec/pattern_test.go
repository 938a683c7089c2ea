package spec

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

func TestPortablePatterns(t *testing.T) {
	for _, p := range []string{
		`^[^@]+@[^@]+$`, `[a-z]{2,3}\.[0-9]+`, `\d\w\b\D\W\B\t\n\r\f\v\x41`, `a|b(?:c)*?`, `[.]`, `[^\n]*`,
		`^[ \t\n\r\f\v]+$`, `\{\}\[\]\(\)\.\*\+\?\^\$\|\\\/\-`, `^(ab){2}c{1,}d{0,3}$`, `[a-]`, `[\]]`, `é+`,
	} {
		if problems := patternProblems(p); problems != nil {
			t.Errorf("%s: %v", p, problems)
		}
	}
}

func TestSuggest(t *testing.T) {
	for word, want := range map[string]string{
		"typ": "type", "nmae": "name", "partitionkey": "partitionKey", "requestTime": "requestTimeEpoch",
		"maxlen": "maxLength", "zzz": "", "NEW_IMAGES": "NEW_IMAGE",
	} {
		if got := suggest(word, append(append(append([]string{}, topKeys...), tableKeys...), append(fieldKeys, append(sources, views...)...)...)); got != want {
			t.Errorf("suggest(%q) = %q, want %q", word, got, want)
		}
	}
}

// Accepted patterns match the same strings in Go and in node's ECMA 262
// engine; the constructs rejected for portability do not. Input above U+FFFF
// is left out: ECMA 262 sees it as two UTF-16 units, so a negated class
// ([^ab], \D, \W) matches one unit of it in ECMA and the whole character in
// Go (a limit documented in docs/spec.md, like minLength and maxLength).
func TestPatternsAgreeWithECMA(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not installed: the ECMA 262 side cannot run")
	}
	inputs := []string{"", "a", "ab", "abc", "A", " ", "\t", "\r", "\n", "\u00a0", "\u2028", "\ufeff", "é",
		"a.b", "a-b", "x@y", "{}", "[]", "\\", "12", "a\nb", "a\rb", "AbC", "_", "\x0b", "\x00"}
	portable := []string{`^[^@]+@[^@]+$`, `^[a-z]{2,3}$`, `\d\w`, `^\D\W$`, `\bab\b`, `^[ \t\n\r\f\v]+$`, `^[^\n]+$`,
		`^(ab){1}c?$`, `[a-]`, `[\]\[]`, `^é$`, `\x41`, `^\x00$`, `a|b(?:c)*?`, `[.]`, `^[^ab]$`, `\{\}`, `\\`, `^$`}
	diverging := []string{`\s`, `^.$`, `^a.b$`}
	type check struct {
		Pattern string
		Inputs  []string
	}
	var checks []check
	for _, p := range append(append([]string{}, portable...), diverging...) {
		checks = append(checks, check{p, inputs})
	}
	js := `const checks = JSON.parse(require("fs").readFileSync(0, "utf8"));
process.stdout.write(JSON.stringify(checks.map(c => c.Inputs.map(s => new RegExp(c.Pattern).test(s)))));`
	in, _ := json.Marshal(checks)
	cmd := exec.Command(node, "-e", js)
	cmd.Stdin = bytes.NewReader(in)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v", err)
	}
	var ecma [][]bool
	if err := json.Unmarshal(out, &ecma); err != nil {
		t.Fatal(err)
	}
	for i, c := range checks {
		isPortable := i < len(portable)
		if isPortable != (patternProblems(c.Pattern) == nil) {
			t.Errorf("%s: portable %v, but patternProblems says %v", c.Pattern, isPortable, patternProblems(c.Pattern))
		}
		re := regexp.MustCompile(c.Pattern)
		differ := false
		for j, s := range c.Inputs {
			if re.MatchString(s) != ecma[i][j] {
				differ = true
				if isPortable {
					t.Errorf("%s on %q: Go %v, ECMA %v", c.Pattern, s, re.MatchString(s), ecma[i][j])
				}
			}
		}
		if !isPortable && !differ {
			t.Errorf("%s is rejected but matched the same in both engines", c.Pattern)
		}
	}
}

// Patterns refused for exponential backtracking really do backtrack in
// node's ECMA 262 engine (irregexp, a backtracking matcher like API
// Gateway's validator), and common patterns that are accepted answer a long
// string that almost matches at once.
func TestBacktrackingAgreesWithECMA(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not installed: the ECMA 262 side cannot run")
	}
	type attack struct {
		Pattern, Unit string
		Count         int
	}
	// Each refused pattern is tried on Unit*Count+"!", sized to take a
	// tenth of a second or more here; accepted ones on far longer strings.
	refused := []attack{
		{`^(a+)+$`, "a", 21}, {`^(a|aa)+$`, "a", 29}, {`^(a*)*$`, "a", 20}, {`^(a|[ab])+$`, "a", 20},
		{`^(\d+)*$`, "1", 21}, {`^((a|aa)+b)+$`, "a", 29}, {`^(\w+ ?)*$`, "a", 21}, {`^(a|aa){1,30}$`, "a", 30},
		{`^([^\n]*a){12}$`, "a", 22}, {`^(a{1,10}){1,10}$`, "a", 22}, {`^(a+b?)+$`, "a", 21},
	}
	accepted := []attack{
		{`^[^@]+@[^@]+$`, "@", 10000}, {`^[a-z0-9-]+$`, "a", 10000}, {`^(ab)+$`, "ab", 10000}, {`^(a|ab)+$`, "a", 10000},
		{`^([a-z]+\.)+[a-z]+$`, "a.", 5000}, {`^(\d{3})+$`, "1", 10000}, {`^(?:[a-z0-9]+(?:-[a-z0-9]+)*)$`, "a-", 5000},
		{`^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,}$`, "a", 10000}, {`^(\d{3}-){2,5}\d{4}$`, "123-", 5000},
		{`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`, "a", 10000}, {`^(a?)*$`, "a", 10000},
	}
	for _, a := range refused {
		if problems := patternProblems(a.Pattern); len(problems) != 1 || !strings.Contains(problems[0], "exponentially many ways") {
			t.Errorf("%s: want refused for backtracking, got %v", a.Pattern, problems)
		}
	}
	for _, a := range accepted {
		if problems := patternProblems(a.Pattern); problems != nil {
			t.Errorf("%s: want accepted, got %v", a.Pattern, problems)
		}
	}
	// The fastest of three runs, in milliseconds, for each attack.
	js := `const attacks = JSON.parse(require("fs").readFileSync(0, "utf8"));
process.stdout.write(JSON.stringify(attacks.map(a => {
  const re = new RegExp(a.Pattern), s = a.Unit.repeat(a.Count) + "!";
  let best = Infinity;
  for (let i = 0; i < (a.Count > 100 ? 3 : 1); i++) {
    const t = process.hrtime.bigint();
    if (re.test(s)) return -1;
    best = Math.min(best, Number(process.hrtime.bigint() - t) / 1e6);
  }
  return best;
})));`
	in, _ := json.Marshal(append(append([]attack{}, refused...), accepted...))
	cmd := exec.Command(node, "-e", js)
	cmd.Stdin = bytes.NewReader(in)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v", err)
	}
	var ms []float64
	if err := json.Unmarshal(out, &ms); err != nil {
		t.Fatal(err)
	}
	for i, a := range append(append([]attack{}, refused...), accepted...) {
		switch {
		case ms[i] < 0:
			t.Errorf("%s matched its attack string", a.Pattern)
		case i < len(refused) && ms[i] < 20:
			t.Errorf("%s is refused, but node answered %d characters in %.1fms", a.Pattern, a.Count+1, ms[i])
		case i >= len(refused) && ms[i] > 20:
			t.Errorf("%s is accepted, but node took %.1fms on %d characters", a.Pattern, ms[i], a.Count*len(a.Unit)+1)
		}
	}
}
