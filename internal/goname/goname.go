// Package goname names spec fields in Go, for the handler's code (handlergen)
// and for the spec's checks of goName keys (spec), so that both agree.
package goname

import (
	"strings"
	"unicode"
)

// Sibling is what the Go name of a field depends on: its spec name and its
// goName key ("" when absent).
type Sibling struct {
	Name, GoName string
}

// Of gives the Go name of each of sibling fields, in their order: its goName
// when set; else its Ident, unless siblings share that (msg and Msg, user_id
// and userId, whether or not the others have a goName); then each is its
// Ident, "_" and its exact spec name (Msg_msg, Msg_Msg). A Go name thus
// depends only on the spec name and which siblings collide with it, never on
// the fields' order; and a sibling added next to a field never gets the
// field's Go name: code that used it stops compiling rather than silently
// read another attribute. Ident and a goName have no "_", so a spelt-out
// name never meets either.
func Of(fields []Sibling) []string {
	shared := map[string]int{}
	for _, f := range fields {
		shared[Ident(f.Name)]++
	}
	names := make([]string, len(fields))
	for i, f := range fields {
		switch name := Ident(f.Name); {
		case f.GoName != "":
			names[i] = f.GoName
		case shared[name] > 1:
			names[i] = name + "_" + f.Name
		default:
			names[i] = name
		}
	}
	return names
}

// SpeltOut reports whether Of spells the name of fields[i] out.
func SpeltOut(fields []Sibling, i int) bool {
	if fields[i].GoName != "" {
		return false
	}
	name := Ident(fields[i].Name)
	for j, f := range fields {
		if j != i && Ident(f.Name) == name {
			return true
		}
	}
	return false
}

// initialisms are written in capitals in Go names, as Go's style has it.
var initialisms = map[string]bool{
	"api": true, "arn": true, "id": true, "ip": true, "json": true, "sku": true,
	"ttl": true, "uri": true, "url": true, "uuid": true, "http": true, "https": true,
}

// Ident turns a spec field name ([A-Za-z_][A-Za-z0-9_]*) into an exported
// Go name: words split at "_" and at lower-to-upper case changes, each
// capitalised ("created_at" and "createdAt" -> CreatedAt, "userId" -> UserID).
func Ident(name string) string {
	var sb strings.Builder
	for _, part := range strings.Split(name, "_") {
		for _, word := range splitHumps(part) {
			if initialisms[strings.ToLower(word)] {
				sb.WriteString(strings.ToUpper(word))
				continue
			}
			sb.WriteString(strings.ToUpper(word[:1]) + word[1:])
		}
	}
	id := sb.String()
	if id == "" || !unicode.IsLetter(rune(id[0])) {
		id = "X" + id
	}
	return id
}

func splitHumps(s string) []string {
	var words []string
	start := 0
	for i := 1; i < len(s); i++ {
		if unicode.IsLower(rune(s[i-1])) && unicode.IsUpper(rune(s[i])) {
			words = append(words, s[start:i])
			start = i
		}
	}
	if start < len(s) {
		words = append(words, s[start:])
	}
	return words
}
