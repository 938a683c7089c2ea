package spec

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"regexp"
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
