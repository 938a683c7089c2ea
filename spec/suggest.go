package spec

import (
	"fmt"
	"strings"
)

// typeAliases maps names users carry over from other languages to our types.
var typeAliases = map[string]string{
	"str": "string", "text": "string",
	"int": "integer", "int64": "integer", "long": "integer",
	"float": "number", "double": "number", "decimal": "number",
	"bool":  "boolean",
	"array": "list", "map": "object", "dict": "object", "struct": "object",
	"set": "stringSet",
}

// suggest returns the candidate closest to word, or "" when none is close
// enough to be a likely misspelling.
func suggest(word string, candidates []string) string {
	if len(word) > 64 {
		return ""
	}
	lower := strings.ToLower(word)
	best, bestDist := "", len(word)+1
	for _, c := range candidates {
		lc := strings.ToLower(c)
		d := editDistance(lower, lc)
		if len(lower) >= 4 && strings.HasPrefix(lc, lower) {
			d = min(d, 1)
		}
		if d < bestDist {
			best, bestDist = c, d
		}
	}
	limit := 1
	if len(word) >= 6 {
		limit = 2
	}
	if len(word) >= 10 {
		limit = 3
	}
	if bestDist > limit {
		return ""
	}
	return best
}

// editDistance is the optimal string alignment distance between a and b, in
// bytes: insertions, deletions, substitutions and swaps of neighbours cost 1.
func editDistance(a, b string) int {
	rows := make([][]int, len(a)+1)
	for i := range rows {
		rows[i] = make([]int, len(b)+1)
		rows[i][0] = i
	}
	for j := range rows[0] {
		rows[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d := min(rows[i-1][j]+1, rows[i][j-1]+1, rows[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d = min(d, rows[i-2][j-2]+1)
			}
			rows[i][j] = d
		}
	}
	return rows[len(a)][len(b)]
}

// unknownKey is the message for a key the grammar does not have at this place.
func unknownKey(key string, known []string) string {
	if s := suggest(key, known); s != "" {
		return fmt.Sprintf("unknown key %q; did you mean %q?", key, s)
	}
	return fmt.Sprintf("unknown key %q; known keys: %s", key, strings.Join(known, ", "))
}

// notOneOf is the message for a value outside a fixed set, e.g. an unknown type.
func notOneOf(what, value string, allowed []string, aliases map[string]string) string {
	if s, ok := aliases[strings.ToLower(value)]; ok {
		return fmt.Sprintf("unknown %s %q; did you mean %q?", what, value, s)
	}
	if s := suggest(value, allowed); s != "" {
		return fmt.Sprintf("unknown %s %q; did you mean %q?", what, value, s)
	}
	return fmt.Sprintf("unknown %s %q; use one of %s", what, value, strings.Join(allowed, ", "))
}
