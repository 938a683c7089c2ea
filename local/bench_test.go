package local

import (
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
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

// clients is how many requests BenchmarkAPIPostConcurrent keeps in flight.
const clients = 32

// BenchmarkAPIPostConcurrent is the seed's API over loopback HTTP with 32
// clients posting at once, each waiting for its answer before the next
// request: every 200 is a write synced to disk (in group commits). It
// reports requests/s and the 99th percentile latency.
func BenchmarkAPIPostConcurrent(b *testing.B) {
	a, _ := newTestAPI(b, parseSpec(b, "../testdata/seed/spec.yaml", nil))
	srv := httptest.NewServer(a)
	b.Cleanup(srv.Close)
	client := srv.Client()
	client.Transport.(*http.Transport).MaxIdleConnsPerHost = clients
	url := srv.URL + "/InsertItem"
	var mu sync.Mutex
	var latencies []time.Duration
	b.SetParallelism((clients + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		var mine []time.Duration
		for pb.Next() {
			t0 := time.Now()
			resp, err := client.Post(url, "application/json", strings.NewReader(`{"message":"hello"}`))
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
			mine = append(mine, time.Since(t0))
		}
		mu.Lock()
		latencies = append(latencies, mine...)
		mu.Unlock()
	})
	elapsed := time.Since(start)
	b.StopTimer()
	if len(latencies) == 0 {
		return
	}
	slices.Sort(latencies)
	b.ReportMetric(float64(len(latencies))/elapsed.Seconds(), "requests/s")
	b.ReportMetric(float64(latencies[len(latencies)*99/100].Microseconds())/1000, "p99-ms")
}
