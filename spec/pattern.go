package spec

import (
	"fmt"
	"regexp"
	"strings"
)

// A pattern is checked by Go (RE2, the handler and `gen local`) and by
// ECMA 262 (API Gateway's request validator and JSON Schema tools). The
// portable subset accepted here means the same in both: literals, escaped
// punctuation, classes of literal characters and ranges, \d \D \w \W \b \B
// (ASCII in both), \t \n \r \f \v, \xHH, groups (...) and (?:...), |, ^, $
// and the quantifiers * + ? {n} {n,} {n,m} with their lazy forms.
//
// The check is lexical on purpose: regexp/syntax normalises the parse tree
// (\s becomes a class, [^\n] becomes "."), so the tree can no longer tell a
// portable spelling from a non-portable one.

// patternProblems reports why pattern is not portable, one message per
// construct, or nil when it is.
func patternProblems(pattern string) []string {
	if pattern == "" {
		return []string{"is empty; remove the pattern or write one that matches something specific"}
	}
	if _, err := regexp.Compile(pattern); err != nil {
		return []string{goRegexpError(err)}
	}
	var problems []string
	seen := map[string]bool{}
	report := func(key string, at int, format string, args ...any) {
		if !seen[key] {
			seen[key] = true
			problems = append(problems, fmt.Sprintf("character %d: ", at+1)+fmt.Sprintf(format, args...))
		}
	}
	rs := []rune(pattern)
	next := func(i int) rune {
		if i < len(rs) {
			return rs[i]
		}
		return 0
	}
	inClass, classStart := false, false
	for i := 0; i < len(rs); i++ {
		c := rs[i]
		if c > 0xFFFF {
			report("astral", i, "%q is above U+FFFF: ECMA 262 sees it as two UTF-16 units, Go as one character; match it outside the pattern or with a broader class", c)
			continue
		}
		if c == '\\' {
			e := next(i + 1)
			i++
			switch {
			case e == 's' || e == 'S':
				report(`\s`, i-1, `\%c is ASCII whitespace in Go but Unicode whitespace in ECMA 262; write [ \t\n\r\f\v] (or [^ \t\n\r\f\v] for \S)`, e)
			case e == 'A' || e == 'z':
				report(`\A`, i-1, `\%c is not ECMA 262; write ^ (start) or $ (end)`, e)
			case e == 'Q':
				report(`\Q`, i-1, `\Q...\E is not ECMA 262; escape each special character with \ instead`)
				return problems // the rest is literal text in Go: scanning on would mislead
			case e == 'p' || e == 'P':
				report(`\p`, i-1, `Unicode classes \%c are not ECMA 262 (without the u flag); write an explicit class such as [A-Za-z]`, e)
				if next(i+1) == '{' {
					for i < len(rs) && rs[i] != '}' {
						i++
					}
				}
			case e == 'a':
				report(`\a`, i-1, `\a is not ECMA 262; write \x07`)
			case e == 'x' && next(i+1) == '{':
				report(`\x{`, i-1, `\x{...} is not ECMA 262; write \xHH for up to \xFF, or the character itself`)
			case e >= '0' && e <= '9':
				report(`\0`, i-1, `\%c: octal escapes are read differently by ECMA 262 engines; write \xHH`, e)
			case e == 'b' && inClass:
				report(`[\b]`, i-1, `\b inside [...] is a backspace in ECMA 262 but not in Go; write \x08`)
			}
			classStart = false
			continue
		}
		if inClass {
			switch {
			case c == '[' && next(i+1) == ':':
				report("[:", i, "POSIX classes like [[:alpha:]] are not ECMA 262; write an explicit class such as [A-Za-z] (or \\[ for a literal [)")
			case c == ']' && classStart:
				report("[]", i, `"]" first in a class is a literal in Go but ends an empty class in ECMA 262; write \]`)
			case c == ']':
				inClass = false
			}
			classStart = false
			continue
		}
		switch c {
		case '[':
			inClass, classStart = true, true
			if next(i+1) == '^' {
				i++
			}
		case '(':
			if next(i+1) != '?' {
				break
			}
			switch next(i + 2) {
			case ':':
			case 'P', '<':
				report("(?P<", i, "named groups are not supported by every ECMA 262 engine; write a plain group (...)")
			default:
				if seen["(?i"] {
					break
				}
				flags := string(rs[i:])
				if end := strings.IndexAny(flags, ":)"); end >= 0 {
					flags = flags[:end] + ")"
				}
				report("(?i", i, "inline flags %s are not ECMA 262; spell the pattern out, e.g. [Aa] for a case-insensitive a", flags)
			}
		case '.':
			report(".", i, `"." matches \r, U+2028 and U+2029 in Go but not in ECMA 262; write [^\n] (any character but a newline) or an explicit class`)
		case '{':
			if n := quantifierLen(rs[i:]); n > 0 {
				i += n - 1
			} else {
				report("{", i, `a "{" that starts no {n}, {n,} or {n,m} is read differently by ECMA 262 engines; write \{`)
			}
		case '}':
			report("}", i, `a literal "}" is read differently by ECMA 262 engines; write \}`)
		}
	}
	if problems == nil {
		if msg := backtrackProblem(pattern); msg != "" {
			problems = []string{msg}
		}
	}
	return problems
}

// quantifierLen is the length of the {n}, {n,} or {n,m} at the start of rs, or 0.
func quantifierLen(rs []rune) int {
	i, digits := 1, 0
	for i < len(rs) && rs[i] >= '0' && rs[i] <= '9' {
		i, digits = i+1, digits+1
	}
	if digits == 0 || i >= len(rs) {
		return 0
	}
	if rs[i] == ',' {
		i++
		for i < len(rs) && rs[i] >= '0' && rs[i] <= '9' {
			i++
		}
	}
	if i < len(rs) && rs[i] == '}' {
		return i + 1
	}
	return 0
}

// goRegexpError explains a pattern Go's RE2 does not accept.
func goRegexpError(err error) string {
	msg := err.Error()
	var hint string
	switch {
	case strings.Contains(msg, "(?=") || strings.Contains(msg, "(?!") || strings.Contains(msg, "(?<=") || strings.Contains(msg, "(?<!"):
		hint = "; look-ahead and look-behind are not supported by RE2"
	case strings.Contains(msg, "`\\1") || strings.Contains(msg, "`\\2") || strings.Contains(msg, "`\\3"):
		hint = "; back-references are not supported by RE2"
	case strings.Contains(msg, `\u`):
		hint = "; write the character itself instead of \\u"
	}
	return "does not compile in Go (RE2): " + strings.TrimPrefix(msg, "error parsing regexp: ") + hint
}
