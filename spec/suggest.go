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

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
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
		return fmt.Sprintf("%q is not a %s; did you mean %q?", value, what, s)
	}
	if s := suggest(value, allowed); s != "" {
		return fmt.Sprintf("%q is not a %s; did you mean %q?", value, what, s)
	}
	return fmt.Sprintf("%q is not a %s; use one of %s", value, what, strings.Join(allowed, ", "))
}
