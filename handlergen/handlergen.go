// Package handlergen generates the Go code of a spec's stream handler: the
// item's types and their decoders (handler/item_gen.go, regenerated every
// time) and the user's process function (handler/main.go, written only when
// absent). (Not "gocode", the name of a well-known Go tool.)
// The generated code runs on the runtime library in package handler, of
// which gen writes a copy into the handler's own module (RuntimeDir), so the
// handler builds wherever its folder is.
package handlergen

import (
	"bytes"
	"fmt"
	"go/format"
	"sync"
	"text/template"

	"github.com/streamgen/streamgen/genfile"
	"github.com/streamgen/streamgen/item"
	"github.com/streamgen/streamgen/spec"
	"github.com/streamgen/streamgen/templates"
)

// tmpl is parsed when first used: only the commands that generate pay for it.
var tmpl = sync.OnceValue(func() *template.Template {
	return template.Must(template.ParseFS(templates.FS, "item_gen.go.tmpl", "handler_main.go.tmpl"))
})

// RuntimeDir is where in the handler's module the copy of the runtime
// library (package handler) goes; being internal, it is the handler's alone.
const RuntimeDir = "internal/handler"

// ItemFile is the file of the handler folder that Generate writes every
// time: the item types, importing the runtime copy.
const ItemFile = "item_gen.go"

// ModulePath is the module path of s's handler (handler/go.mod), from the
// stack's name so that the handlers of two stacks can share a go.work.
func ModulePath(s *spec.Spec) string { return s.Name + "-handler" }

// RuntimeImport is the import path of the runtime copy in s's handler.
func RuntimeImport(s *spec.Spec) string { return ModulePath(s) + "/" + RuntimeDir }

// Generate returns handler/item_gen.go and handler/main.go for it.
func Generate(it *item.Item) ([]genfile.File, error) {
	itemGen, err := Item(it, "main", RuntimeImport(it.Spec), true)
	if err != nil {
		return nil, err
	}
	main, err := render("handler_main.go.tmpl", newMainFile(it.Spec))
	if err != nil {
		return nil, err
	}
	return []genfile.File{
		{Path: "handler/" + ItemFile, Data: itemGen},
		{Path: "handler/main.go", Data: main, UserOwned: true},
	}, nil
}

// Item returns the item_gen.go source for it in package pkg, importing the
// runtime library from runtime; withMain adds the func main that starts the
// Lambda handler. Without it the package only decodes, as benchmarks and
// tests of other packages need.
func Item(it *item.Item, pkg, runtime string, withMain bool) ([]byte, error) {
	f, err := newItemFile(it, pkg, runtime, withMain)
	if err != nil {
		return nil, err
	}
	return render("item_gen.go.tmpl", f)
}

// mainFile is what handler_main.go.tmpl needs.
type mainFile struct {
	Name                         string
	LogMessage, LogKey, LogValue string // Go literals and expression
}

// newMainFile logs what the stream view carries: the new item as the seed
// does, else the old item, else the keys.
func newMainFile(s *spec.Spec) mainFile {
	m := mainFile{Name: s.Name, LogMessage: `"item saved"`, LogKey: `"item"`, LogValue: "rec.NewImage"}
	switch s.Stream.View {
	case spec.OldImage:
		m.LogMessage, m.LogValue = `"item changed"`, "rec.OldImage"
	case spec.KeysOnly:
		m.LogMessage, m.LogKey, m.LogValue = `"item changed"`, `"keys"`, "rec.Keys"
	}
	return m
}

func render(name string, data any) ([]byte, error) {
	var buf bytes.Buffer
	if err := tmpl().ExecuteTemplate(&buf, name, data); err != nil {
		return nil, fmt.Errorf("handlergen: %s: %w", name, err)
	}
	src, err := format.Source(buf.Bytes())
	if err != nil {
		return nil, fmt.Errorf("handlergen: %s: generated code does not parse: %w\n%s", name, err, buf.Bytes())
	}
	return src, nil
}
