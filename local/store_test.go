package local

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/streamgen/streamgen/spec"
)

func testItem(id, msg string) Item {
	s, _ := json.Marshal(msg)
	return Item{
		"id":      json.RawMessage(`{"S":"` + id + `"}`),
		"message": json.RawMessage(`{"S":` + string(s) + `}`),
	}
}

func openTestStore(t *testing.T, path string, view spec.View) *Store {
	t.Helper()
	s, err := OpenStore(path, []string{"id"}, view)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestStorePutRecordsAndReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "local.db")
	s := openTestStore(t, path, "NEW_AND_OLD_IMAGES")
	now := time.UnixMilli(1700000000123)
	if _, err := s.Put(testItem("a", "one"), false, now); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Put(testItem("b", "two"), false, now); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Put(testItem("a", "three"), false, now); err != nil {
		t.Fatal(err)
	}
	recs, err := s.Records(0, 10)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range recs {
		got = append(got, r.EventName+" "+string(r.Keys["id"])+" new="+string(r.NewImage["message"])+" old="+string(r.OldImage["message"]))
	}
	want := []string{
		`INSERT {"S":"a"} new={"S":"one"} old=`,
		`INSERT {"S":"b"} new={"S":"two"} old=`,
		`MODIFY {"S":"a"} new={"S":"three"} old={"S":"one"}`,
	}
	if len(got) != len(want) {
		t.Fatalf("records %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("record %d: %s, want %s", i, got[i], want[i])
		}
		if recs[i].Seq != uint64(i+1) {
			t.Errorf("record %d: seq %d", i, recs[i].Seq)
		}
	}
	if err := s.SetCheckpoint(2); err != nil {
		t.Fatal(err)
	}
	s.Close()

	s = openTestStore(t, path, "NEW_AND_OLD_IMAGES")
	if cp, err := s.Checkpoint(); err != nil || cp != 2 {
		t.Fatalf("checkpoint after reopen = %d, %v; want 2", cp, err)
	}
	recs, err = s.Records(0, 10)
	if err != nil || len(recs) != 1 || recs[0].Seq != 3 {
		t.Fatalf("records after checkpoint 2: %+v, %v; want only 3 (delivered ones dropped)", recs, err)
	}
	if rec, err := s.Put(testItem("c", "four"), false, now); err != nil || rec.Seq != 4 {
		t.Fatalf("next record %+v, %v; want sequence number 4", rec, err)
	}
	item, err := s.Get(Item{"id": json.RawMessage(`{"S":"a"}`)})
	if err != nil || string(item["message"]) != `{"S":"three"}` {
		t.Fatalf("item a = %s, %v", item["message"], err)
	}
}

func TestStoreRejectKeepsItem(t *testing.T) {
	s := openTestStore(t, filepath.Join(t.TempDir(), "local.db"), "NEW_IMAGE")
	now := time.Now()
	if _, err := s.Put(testItem("a", "first"), true, now); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Put(testItem("a", "second"), true, now); !errors.Is(err, ErrDuplicate) {
		t.Fatalf("second put: %v, want ErrDuplicate", err)
	}
	item, _ := s.Get(Item{"id": json.RawMessage(`{"S":"a"}`)})
	if string(item["message"]) != `{"S":"first"}` {
		t.Errorf("stored message %s after rejected write", item["message"])
	}
	recs, _ := s.Records(0, 10)
	if len(recs) != 1 {
		t.Errorf("%d stream records, want 1 (a rejected write writes none)", len(recs))
	}
}

func TestStoreNumberKeysCompareByValue(t *testing.T) {
	s, err := OpenStore(filepath.Join(t.TempDir(), "local.db"), []string{"n"}, "KEYS_ONLY")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Put(Item{"n": json.RawMessage(`{"N":"1.50"}`)}, true, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Put(Item{"n": json.RawMessage(`{"N":"1.5"}`)}, true, time.Now()); !errors.Is(err, ErrDuplicate) {
		t.Fatalf("1.5 after 1.50: %v, want ErrDuplicate", err)
	}
	recs, _ := s.Records(0, 10)
	if len(recs) != 1 || recs[0].NewImage != nil || string(recs[0].Keys["n"]) != `{"N":"1.50"}` {
		t.Fatalf("KEYS_ONLY record: %+v", recs)
	}
}

func TestStoreSameDataWritesNoRecord(t *testing.T) {
	s := openTestStore(t, filepath.Join(t.TempDir(), "local.db"), "NEW_AND_OLD_IMAGES")
	item := func(n, set, m string) Item {
		return Item{"id": json.RawMessage(`{"S":"a"}`), "n": json.RawMessage(n), "set": json.RawMessage(set), "m": json.RawMessage(m)}
	}
	first := item(`{"N":"1.50"}`, `{"NS":["1","2e1"]}`, `{"M":{"b":{"B":"AAE="},"l":{"L":[{"BOOL":true},{"NULL":true}]}}}`)
	if _, err := s.Put(first, false, time.Now()); err != nil {
		t.Fatal(err)
	}
	same := item(`{"N":"1.5"}`, `{"NS":["20","1.0"]}`, `{"M":{"l":{"L":[{"BOOL":true},{"NULL":true}]},"b":{"B":"AAE="}}}`)
	if rec, err := s.Put(same, false, time.Now()); err != nil || rec != nil {
		t.Fatalf("the same data: record %+v, err %v; want none", rec, err)
	}
	got, err := s.Update(Item{"id": first["id"]}, func(old Item) (Item, error) { return same, nil }, time.Now())
	if err != nil || string(got["n"]) != `{"N":"1.50"}` {
		t.Fatalf("update to the same data: %v, %v; want the stored item", got, err)
	}
	for _, changed := range []Item{
		item(`{"N":"1.5"}`, `{"NS":["20","1.0"]}`, `{"M":{"l":{"L":[{"NULL":true},{"BOOL":true}]},"b":{"B":"AAE="}}}`),
		item(`{"N":"1.5"}`, `{"SS":["20","1.0"]}`, `{"M":{"l":{"L":[{"NULL":true},{"BOOL":true}]},"b":{"B":"AAE="}}}`),
		item(`{"N":"1.5"}`, `{"SS":["20","1.0"]}`, `{"M":{"l":{"L":[{"NULL":true},{"BOOL":true}]},"b":{"B":"AAI="}}}`),
		item(`{"S":"1.5"}`, `{"SS":["20","1.0"]}`, `{"M":{"l":{"L":[{"NULL":true},{"BOOL":true}]},"b":{"B":"AAI="}}}`),
	} {
		if _, err := s.Update(Item{"id": first["id"]}, func(old Item) (Item, error) { return changed, nil }, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	recs, err := s.Records(0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 5 {
		t.Fatalf("%d records, want 5: INSERT and a MODIFY per change", len(recs))
	}
}

func TestStoreExpireRemovesByTTL(t *testing.T) {
	s := openTestStore(t, filepath.Join(t.TempDir(), "local.db"), "NEW_AND_OLD_IMAGES")
	now := time.Unix(1_800_000_000, 0)
	withTTL := func(id string, ttl string) Item {
		it := testItem(id, "m-"+id)
		if ttl != "" {
			it["expiresAt"] = json.RawMessage(`{"N":"` + ttl + `"}`)
		}
		return it
	}
	for _, it := range []Item{
		withTTL("past", "1799999999"),
		withTTL("now", "1800000000"),
		withTTL("future", "1800000001"),
		withTTL("none", ""),
		withTTL("ancient", "1000"), // over five years ago: DynamoDB ignores it
	} {
		if _, err := s.Put(it, false, now); err != nil {
			t.Fatal(err)
		}
	}
	n, err := s.Expire("expiresAt", now)
	if err != nil || n != 2 {
		t.Fatalf("Expire = %d, %v; want 2", n, err)
	}
	for id, want := range map[string]bool{"past": false, "now": false, "future": true, "none": true, "ancient": true} {
		item, _ := s.Get(Item{"id": json.RawMessage(`{"S":"` + id + `"}`)})
		if (item != nil) != want {
			t.Errorf("item %s present = %v, want %v", id, item != nil, want)
		}
	}
	recs, _ := s.Records(5, 10)
	if len(recs) != 2 {
		t.Fatalf("%d records after the writes, want 2 REMOVEs", len(recs))
	}
	for _, r := range recs {
		if r.EventName != "REMOVE" || !r.ByTTL || r.NewImage != nil || r.OldImage == nil {
			t.Errorf("record %+v, want a TTL REMOVE with the old image only", r)
		}
	}
	ev, _ := json.Marshal(recordOf(recs[0], "us-east-1", "arn"))
	if !strings.Contains(string(ev), `"userIdentity":{"type":"Service","principalId":"dynamodb.amazonaws.com"}`) {
		t.Errorf("event record %s without the TTL identity", ev)
	}
}
