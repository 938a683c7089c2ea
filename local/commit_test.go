package local

import (
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// putAll runs n Puts at once, item i made by item(i), and returns their errors.
func putAll(s *Store, n int, reject bool, item func(int) Item) []error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, errs[i] = s.Put(item(i), reject, time.UnixMilli(1700000000000))
		}()
	}
	close(start)
	wg.Wait()
	return errs
}

func TestConcurrentPutsAreEachStoredOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "local.db")
	s := openTestStore(t, path, "NEW_IMAGE")
	const n = 300
	for i, err := range putAll(s, n, true, func(i int) Item { return testItem(fmt.Sprint(i), "m") }) {
		if err != nil {
			t.Fatalf("put %d: %v", i, err)
		}
	}
	recs, err := s.Records(0, 2*n)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != n {
		t.Fatalf("%d records, want %d", len(recs), n)
	}
	seen := map[string]bool{}
	for i, r := range recs {
		if r.Seq != uint64(i+1) || r.EventName != "INSERT" || seen[string(r.Keys["id"])] {
			t.Fatalf("record %d: seq %d, %s %s (seen before: %v)", i, r.Seq, r.EventName, r.Keys["id"], seen[string(r.Keys["id"])])
		}
		seen[string(r.Keys["id"])] = true
		if _, err := s.Get(r.Keys); err != nil {
			t.Fatalf("item %s: %v", r.Keys["id"], err)
		}
	}
	// Every Put returned after its commit: they are all there after a reopen.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	reopened := openTestStore(t, path, "NEW_IMAGE")
	if recs, err := reopened.Records(0, 2*n); err != nil || len(recs) != n {
		t.Fatalf("after reopening: %d records, %v; want %d", len(recs), err, n)
	}
}

// A duplicate fails its group's transaction: the others of the group must
// still be stored, and only the first Put of the key.
func TestConcurrentDuplicatesAreRefusedAlone(t *testing.T) {
	s := openTestStore(t, filepath.Join(t.TempDir(), "local.db"), "NEW_IMAGE")
	const n = 200
	errs := putAll(s, n, true, func(i int) Item {
		if i%2 == 0 {
			return testItem("same", fmt.Sprint(i))
		}
		return testItem(fmt.Sprint(i), "m")
	})
	stored, refused := 0, 0
	for i, err := range errs {
		switch {
		case err == nil:
			stored++
		case errors.Is(err, ErrDuplicate) && i%2 == 0:
			refused++
		default:
			t.Fatalf("put %d: %v", i, err)
		}
	}
	if stored != n/2+1 || refused != n/2-1 {
		t.Fatalf("stored %d, refused %d; want %d and %d", stored, refused, n/2+1, n/2-1)
	}
	recs, err := s.Records(0, 2*n)
	if err != nil || len(recs) != n/2+1 {
		t.Fatalf("%d records, %v; want %d", len(recs), err, n/2+1)
	}
}

func TestPutAfterCloseFails(t *testing.T) {
	s := openTestStore(t, filepath.Join(t.TempDir(), "local.db"), "NEW_IMAGE")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Put(testItem("a", "m"), false, time.Now()); err == nil {
		t.Fatal("a Put after Close: no error")
	}
}
