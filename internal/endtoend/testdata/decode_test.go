package main

// Copied next to a generated handler by internal/endtoend's TestEndToEnd:
// runs the generated decoders (through the handler runtime's Decode) on
// records.json and writes what the handler sees to decoded.json.

import (
	"encoding/json"
	"os"
	"testing"

	"example.com/user/internal/handler"
)

func TestDecodeStream(t *testing.T) {
	payload, err := os.ReadFile("records.json")
	if err != nil {
		t.Fatal(err)
	}
	type seen struct {
		EventName string
		Keys      Keys
		NewImage  *Item
		OldImage  *Item
	}
	var out struct {
		Error   string
		Records []seen
	}
	h := &handler.Handler[Item, Keys]{DecodeItem: decodeItem, DecodeKeys: decodeKeys}
	recs, err := h.Decode(payload)
	if err != nil {
		out.Error = err.Error()
	}
	for _, r := range recs {
		out.Records = append(out.Records, seen{string(r.EventName), r.Keys, r.NewImage, r.OldImage})
	}
	data, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile("decoded.json", data, 0o644); err != nil {
		t.Fatal(err)
	}
}
