package spec

import (
	"fmt"
	"regexp/syntax"
	"strconv"
	"strings"
)

// API Gateway's request validator matches patterns with a backtracking
// ECMA 262 engine, which tries every way a pattern can match a string before
// it answers "no". A pattern that can match some string in exponentially
// many ways (exponential degree of ambiguity: (a+)+, (a|aa)+, (a*)*) makes
// it run for ages on a body that almost matches, so such patterns are
// refused. The check is exact for the pattern's automaton: it is
// exponentially ambiguous if and only if some state has two different paths
// back to itself reading the same string, which shows in the product of the
// automaton with itself as a strongly connected component that holds a pair
// (p, p) and also a pair (q, r) with q != r, or two parallel paths between
// diagonal pairs (Allauzen, Mohri and Rastogi, "General algorithms for
// testing the ambiguity of finite automata", 2008).
//
// The automaton is built here from the pattern's own structure, not from
// regexp/syntax: RE2's parser merges a|a into a and a|[ab] into [ab], which
// an ECMA 262 engine does not. An iteration that matches nothing ends the
// loop in ECMA 262 (RepeatMatcher), so paths that go around a loop without
// reading a character are not counted.

// nfaLoop is a quantified part of the pattern that can repeat without bound.
type nfaLoop struct {
	start, end int // its characters in the pattern, quantifier included
	parent     int // the enclosing loop, or -1
}

// nfaNode is a node of the pattern's automaton: it reads one character of
// set and goes to next, or (set == nil) goes to any of eps without reading.
type nfaNode struct {
	set  []rune // pairs of inclusive bounds, as in regexp/syntax
	next int
	eps  []int
	loop int // innermost loop around a reading node, or -1
	// isLoop marks the node where a loop decides: eps[0] enters its body
	// for one more iteration, eps[1] leaves it.
	isLoop bool
}

// nfaBuilder turns a portable pattern into an automaton.
type nfaBuilder struct {
	rs    []rune
	i     int
	nodes []nfaNode
	loops []nfaLoop
	loop  int // the loop being built, or -1
}

// checkBudget bounds the work of one check (about a second), maxNodes the
// automaton's size; patterns in specs are far below both.
const (
	checkBudget = 2000000
	maxNodes    = 20000
)

// exactCopies is the largest {n} built copy by copy.
const exactCopies = 100

// backtrackProblem explains why a portable pattern backtracks
// catastrophically, or returns "".
func backtrackProblem(pattern string) string {
	b := &nfaBuilder{rs: []rune(pattern), loop: -1}
	start, end := b.alternation()
	b.nodes[end].eps = nil // the match
	if len(b.loops) == 0 {
		return "" // without a loop, the ways to match are finite
	}
	if len(b.nodes) > maxNodes {
		return "is too long to check for exponential backtracking; shorten it"
	}
	loop, ok := b.ambiguousLoop(start)
	switch {
	case !ok:
		return "is too complex to check for exponential backtracking; simplify it (fewer alternatives inside a repeated group)"
	case loop < 0:
		return ""
	}
	l := b.loops[loop]
	return fmt.Sprintf("character %d: %s can match one string in exponentially many ways, and ECMA 262 engines (API Gateway's request validator) try them all on a body that almost matches; write it so each character can be matched only one way, e.g. a+ for (a+)+ or (a|aa)+", l.start+1, string(b.rs[l.start:l.end]))
}

func (b *nfaBuilder) node(n nfaNode) int {
	n.loop = b.loop
	b.nodes = append(b.nodes, n)
	return len(b.nodes) - 1
}

func (b *nfaBuilder) epsilon() int { return b.node(nfaNode{next: -1}) }

func (b *nfaBuilder) link(from, to int) { b.nodes[from].eps = append(b.nodes[from].eps, to) }

func (b *nfaBuilder) peek() rune {
	if b.i < len(b.rs) {
		return b.rs[b.i]
	}
	return 0
}

// alternation builds a|b|... up to a ")" or the end; it returns the entry
// and exit nodes.
func (b *nfaBuilder) alternation() (int, int) {
	in, out := b.epsilon(), b.epsilon()
	for {
		s, e := b.sequence()
		b.link(in, s)
		b.link(e, out)
		if b.peek() != '|' {
			return in, out
		}
		b.i++
	}
}

// sequence builds quantified atoms up to a "|", a ")" or the end.
func (b *nfaBuilder) sequence() (int, int) {
	in := b.epsilon()
	last := in
	for b.i < len(b.rs) && b.peek() != '|' && b.peek() != ')' {
		atomStart := b.i
		atomEnd := b.skipAtom()
		s, e := b.quantified(atomStart, atomEnd)
		b.link(last, s)
		last = e
	}
	return in, last
}

// skipAtom moves past one atom and returns where it ends.
func (b *nfaBuilder) skipAtom() int {
	switch c := b.peek(); c {
	case '(':
		depth := 0
		for ; b.i < len(b.rs); b.i++ {
			switch b.rs[b.i] {
			case '\\':
				b.i++
			case '[':
				b.i = b.classEnd(b.i) - 1
			case '(':
				depth++
			case ')':
				if depth--; depth == 0 {
					b.i++
					return b.i
				}
			}
		}
	case '[':
		b.i = b.classEnd(b.i)
	case '\\':
		b.i += 2
		if b.i-1 < len(b.rs) && b.rs[b.i-1] == 'x' {
			b.i += 2 // \xHH
		}
	default:
		b.i++
	}
	b.i = min(b.i, len(b.rs))
	return b.i
}

// classEnd is the index just past the class that starts at i.
func (b *nfaBuilder) classEnd(i int) int {
	i++
	if i < len(b.rs) && b.rs[i] == '^' {
		i++
	}
	for ; i < len(b.rs); i++ {
		switch b.rs[i] {
		case '\\':
			i++
		case ']':
			return i + 1
		}
	}
	return len(b.rs)
}

// quantified builds the atom rs[start:end] with the quantifier after it.
func (b *nfaBuilder) quantified(start, end int) (int, int) {
	lo, hi, ok := b.quantifier()
	if !ok {
		return b.atom(start, end)
	}
	if hi == 1 || hi == 0 {
		in, out := b.epsilon(), b.epsilon()
		if hi == 1 {
			s, e := b.atom(start, end)
			b.link(in, s)
			b.link(e, out)
		}
		if lo == 0 {
			b.link(in, out)
		}
		return in, out
	}
	in := b.epsilon()
	last := in
	if lo == hi && lo <= exactCopies && b.fixedWidth(start, end) {
		// n copies of a fixed-width part, such as (\d{3})+, are read one way.
		for range lo {
			s, e := b.atom(start, end)
			b.link(last, s)
			last = e
		}
		return in, last
	}
	// Any other count is checked as a loop, which can only find more
	// ambiguity: (a|aa){1,30} backtracks as badly as (a|aa)+ in practice.
	if lo > 0 {
		s, e := b.atom(start, end)
		b.link(last, s)
		last = e
	}
	b.loops = append(b.loops, nfaLoop{start: start, end: b.i, parent: b.loop})
	outer := b.loop
	b.loop = len(b.loops) - 1
	loop := b.node(nfaNode{next: -1, isLoop: true})
	s, e := b.atom(start, end)
	b.loop = outer
	out := b.epsilon()
	b.link(last, loop)
	b.link(loop, s)
	b.link(e, loop)
	b.link(loop, out)
	return in, out
}

// quantifier reads the quantifier at b.i, if any: the counts lo and hi
// (hi -1 for no bound), its lazy "?" skipped.
func (b *nfaBuilder) quantifier() (lo, hi int, ok bool) {
	switch b.peek() {
	case '*':
		lo, hi = 0, -1
		b.i++
	case '+':
		lo, hi = 1, -1
		b.i++
	case '?':
		lo, hi = 0, 1
		b.i++
	case '{':
		n := quantifierLen(b.rs[b.i:])
		if n == 0 {
			return 0, 0, false
		}
		body := string(b.rs[b.i+1 : b.i+n-1])
		b.i += n
		if l, h, found := strings.Cut(body, ","); found {
			lo, _ = strconv.Atoi(l)
			hi = -1
			if h != "" {
				hi, _ = strconv.Atoi(h)
			}
		} else {
			lo, _ = strconv.Atoi(body)
			hi = lo
		}
	default:
		return 0, 0, false
	}
	if b.peek() == '?' {
		b.i++
	}
	return lo, hi, true
}

// fixedWidth reports whether every string the atom rs[start:end] matches
// has the same length.
func (b *nfaBuilder) fixedWidth(start, end int) bool {
	after, nodes, loops := b.i, len(b.nodes), len(b.loops)
	s, e := b.atom(start, end)
	defer func() { b.i, b.nodes, b.loops = after, b.nodes[:nodes], b.loops[:loops] }()
	width := map[int]int{} // characters from a node to e
	const visiting = -1
	var walk func(n int) (int, bool)
	walk = func(n int) (int, bool) {
		if n == e {
			return 0, true
		}
		if w, seen := width[n]; seen {
			return w, w != visiting
		}
		width[n] = visiting
		node := b.nodes[n]
		next, reads := node.eps, 0
		if node.set != nil {
			next, reads = []int{node.next}, 1
		}
		w := -1
		for _, m := range next {
			mw, ok := walk(m)
			if !ok || (w >= 0 && mw+reads != w) {
				return 0, false
			}
			w = mw + reads
		}
		width[n] = w
		return w, w >= 0
	}
	_, ok := walk(s)
	return ok
}

// atom builds one copy of the atom rs[start:end].
func (b *nfaBuilder) atom(start, end int) (int, int) {
	text := string(b.rs[start:end])
	switch b.rs[start] {
	case '(':
		inner := start + 1
		if end-start >= 3 && b.rs[start+1] == '?' {
			inner += 2 // (?:
		}
		after := b.i
		b.i = inner
		s, e := b.alternation() // it stops at the group's ")"
		b.i = after
		return s, e
	case '^', '$':
		n := b.epsilon()
		return n, n
	}
	re, err := syntax.Parse(text, syntax.Perl)
	if err != nil {
		n := b.epsilon() // cannot happen: the whole pattern compiled
		return n, n
	}
	var set []rune
	switch re.Op {
	case syntax.OpLiteral:
		for _, r := range re.Rune {
			set = append(set, r, r)
		}
	case syntax.OpCharClass:
		set = re.Rune
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		set = []rune{0, 0x10FFFF}
	default: // \b, \B: they read nothing
		n := b.epsilon()
		return n, n
	}
	in := b.node(nfaNode{set: set})
	out := b.epsilon()
	b.nodes[in].next = out
	return in, out
}

// ambiguousLoop finds an exponentially ambiguous part of the automaton
// that starts at start and returns the loop to blame, or -1 when there is
// none; ok is false when the check ran out of budget.
func (b *nfaBuilder) ambiguousLoop(start int) (loop int, ok bool) {
	budget := checkBudget
	// succ[p] is where reading node p leads: the reading nodes reachable
	// without reading, each with how many ways (1, or 2 for several).
	succ := map[int]map[int]int{}
	closure := func(from int) map[int]int {
		found := map[int]int{}
		// iterating holds the loops whose body this path entered: coming
		// back to one without reading would be an empty iteration.
		iterating := map[int]bool{}
		var walk func(n int)
		walk = func(n int) {
			node := &b.nodes[n]
			switch {
			case budget <= 0:
				return
			case node.set != nil:
				found[n] = min(found[n]+1, 2)
				return
			case node.isLoop && iterating[n]:
				return
			case node.isLoop:
				budget--
				iterating[n] = true
				walk(node.eps[0])
				iterating[n] = false
				walk(node.eps[1])
				return
			}
			budget--
			for _, m := range node.eps {
				walk(m)
			}
		}
		walk(from)
		return found
	}
	var readers []int
	queue := []int{}
	for n := range closure(start) {
		queue = append(queue, n)
	}
	seen := map[int]bool{}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		if seen[p] {
			continue
		}
		seen[p] = true
		readers = append(readers, p)
		succ[p] = closure(b.nodes[p].next)
		for q := range succ[p] {
			queue = append(queue, q)
		}
	}
	if budget <= 0 {
		return -1, false
	}

	// The product graph over pairs p <= q, searched with Tarjan's algorithm.
	edges := func(x pair) []pair {
		if budget -= len(succ[x.p]) * len(succ[x.q]); budget <= 0 {
			return nil
		}
		var out []pair
		for p2 := range succ[x.p] {
			for q2 := range succ[x.q] {
				// A pair ends there if it cannot read one character
				// together, or if a node is in no loop, so on no cycle.
				n2, m2 := &b.nodes[p2], &b.nodes[q2]
				if n2.loop >= 0 && m2.loop >= 0 && overlap(n2.set, m2.set) {
					out = append(out, pair{min(p2, q2), max(p2, q2)})
				}
			}
		}
		return out
	}
	index := map[pair]int{}
	low := map[pair]int{}
	onStack := map[pair]bool{}
	var stack []pair
	blame := -1
	var connect func(x pair)
	connect = func(x pair) {
		if budget <= 0 || blame >= 0 {
			return
		}
		budget--
		index[x] = len(index)
		low[x] = index[x]
		stack = append(stack, x)
		onStack[x] = true
		out := edges(x)
		for _, y := range out {
			if _, visited := index[y]; !visited {
				connect(y)
				if budget <= 0 || blame >= 0 {
					return
				}
				low[x] = min(low[x], low[y])
			} else if onStack[y] {
				low[x] = min(low[x], index[y])
			}
		}
		if low[x] != index[x] {
			return
		}
		var component []pair
		in := map[pair]bool{}
		for {
			y := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			onStack[y] = false
			component = append(component, y)
			in[y] = true
			if y == x {
				break
			}
		}
		diagonal, offDiagonal, parallel := false, false, false
		for _, y := range component {
			if y.p == y.q {
				diagonal = true
				// two ways from p to q, both inside the component
				for q, ways := range succ[y.p] {
					parallel = parallel || ways > 1 && in[pair{q, q}]
				}
			} else {
				offDiagonal = offDiagonal || len(component) > 1
			}
		}
		if diagonal && (offDiagonal || parallel) {
			blame = b.blame(component, !offDiagonal)
		}
	}
	for _, p := range readers {
		if _, visited := index[pair{p, p}]; !visited && b.nodes[p].loop >= 0 {
			connect(pair{p, p})
		}
	}
	if budget <= 0 {
		return -1, false
	}
	return blame, true
}

// blame is the innermost loop around every node of an ambiguous component;
// when the ambiguity comes from parallel paths (two loops that both repeat
// the same characters, as in (a*)*), the loop around that one.
func (b *nfaBuilder) blame(component []pair, parallel bool) int {
	chain := func(loop int) []int {
		var c []int
		for ; loop >= 0; loop = b.loops[loop].parent {
			c = append([]int{loop}, c...)
		}
		return c
	}
	common := chain(b.nodes[component[0].p].loop)
	for _, x := range component {
		for _, n := range []int{x.p, x.q} {
			c := chain(b.nodes[n].loop)
			k := 0
			for k < len(common) && k < len(c) && common[k] == c[k] {
				k++
			}
			common = common[:k]
		}
	}
	switch {
	case len(common) == 0:
		return 0 // cannot happen: ambiguity without a loop is finite
	case parallel && len(common) > 1:
		return common[len(common)-2]
	}
	return common[len(common)-1]
}

// pair is a node of the automaton's product with itself: two paths reading
// the same string are at nodes p and q (p <= q).
type pair struct{ p, q int }

// overlap reports whether two sets of range pairs share a character.
func overlap(a, b []rune) bool {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i+1] < b[j]:
			i += 2
		case b[j+1] < a[i]:
			j += 2
		default:
			return true
		}
	}
	return false
}
