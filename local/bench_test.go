package local

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// BenchmarkAPIPost is one stored request of the seed through the local API:
// validation, mapping, and the store's transaction (item + stream record,
// synced to disk).
func BenchmarkAPIPost(b *testing.B) {
	a, _ := newTestAPI(b, parseSpec(b, "../testdata/seed/spec.yaml", nil))
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		a.ServeHTTP(rec, httptest.NewRequest("POST", "/InsertItem", strings.NewReader(`{"message":"hello"}`)))
		if rec.Code != 200 {
			b.Fatalf("%d %s", rec.Code, rec.Body)
		}
	}
}
