package local

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/streamgen/streamgen/spec"
)

// Item is a DynamoDB item in the JSON form DynamoDB and the stream use:
// attribute name -> attribute value, e.g. {"S":"hello"} or {"N":"1.50"}.
// Values stay raw JSON so numbers keep their exact decimal text.
type Item map[string]json.RawMessage

// Record is one entry of the stream log: what a DynamoDB stream record holds.
type Record struct {
	Seq       uint64 `json:"seq"`
	EventID   string `json:"eventID"`
	EventName string `json:"eventName"` // INSERT, MODIFY or REMOVE
	Created   int64  `json:"created"`   // unix milliseconds of the write
	View      string `json:"view"`
	Keys      Item   `json:"keys"`
	NewImage  Item   `json:"newImage,omitempty"`
	OldImage  Item   `json:"oldImage,omitempty"`
	SizeBytes int    `json:"sizeBytes"`
	ByTTL     bool   `json:"byTTL,omitempty"` // a removal by Time to Live
}

// ErrDuplicate is the conditional check failure of onDuplicate: reject.
var ErrDuplicate = errors.New("an item with this key already exists")

var (
	itemsBucket  = []byte("items")
	streamBucket = []byte("stream")
	metaBucket   = []byte("meta")

	checkpointKey = []byte("checkpoint")
)

// Store is the local table: items by key and the ordered stream log, in one
// bbolt file. Every write commits the item and its stream record in the same
// transaction, so a crash keeps both or neither.
type Store struct {
	db      *bolt.DB
	items   *committer // the writes of Put, in group commits
	keys    []string   // partition key name, then sort key name if any
	view    spec.View
	written chan struct{} // signalled (never blocks) after each committed write
}

// OpenStore opens (or creates) the store file. keys are the table's key
// attribute names; view is the stream view type records are written with.
func OpenStore(path string, keys []string, view spec.View) (*Store, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		if errors.Is(err, bolt.ErrTimeout) {
			return nil, fmt.Errorf("%s is in use by another gen local", path)
		}
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{itemsBucket, streamBucket, metaBucket} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return &Store{db: db, items: newCommitter(db), keys: keys, view: view, written: make(chan struct{}, 1)}, nil
}

// Close waits for the writes being committed and closes the file.
func (s *Store) Close() error {
	s.items.stop()
	return s.db.Close()
}

// Written is signalled after each committed write, for the stream to wake up.
func (s *Store) Written() <-chan struct{} { return s.written }

// Put stores item. With reject, an existing item of the same key is left
// unchanged and Put returns ErrDuplicate. The stream record (INSERT, or MODIFY
// when an item was replaced) is appended in the same transaction, which
// concurrent Puts may share (group commit); Put returns once it is synced.
// Replacing an item by the same data writes nothing and returns no record.
func (s *Store) Put(item Item, reject bool, now time.Time) (*Record, error) {
	key, keys, err := s.keyOf(item)
	if err != nil {
		return nil, err
	}
	newJSON, err := json.Marshal(item)
	if err != nil {
		return nil, err
	}
	var rec *Record
	err = s.items.update(func(tx *bolt.Tx) error {
		old, err := storedItem(tx, key)
		if err != nil {
			return err
		}
		if old != nil && reject {
			return ErrDuplicate
		}
		if old != nil && sameItem(old, item) {
			return nil
		}
		if err := tx.Bucket(itemsBucket).Put(key, newJSON); err != nil {
			return err
		}
		rec, err = s.appendRecord(tx, keys, item, old, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.signal()
	return rec, nil
}

func (s *Store) signal() {
	select {
	case s.written <- struct{}{}:
	default:
	}
}

// ttlHorizon is how far in the past a TTL value may be and still expire
// its item: DynamoDB ignores older values (five years).
const ttlHorizon = 5 * 365 * 24 * time.Hour

// Expire deletes the items whose TTL attribute attr (a number of epoch
// seconds) is at or before now, each with its REMOVE stream record marked as
// Time to Live's, as DynamoDB's TTL does (there within days, here at once).
// It returns how many it deleted.
func (s *Store) Expire(attr string, now time.Time) (int, error) {
	var expired [][]byte
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(itemsBucket).ForEach(func(k, v []byte) error {
			var item map[string]struct{ N *string }
			if json.Unmarshal(v, &item) != nil || item[attr].N == nil {
				return nil
			}
			if at, ok := epochSeconds(*item[attr].N); ok && !at.After(now) && now.Sub(at) <= ttlHorizon {
				expired = append(expired, append([]byte(nil), k...))
			}
			return nil
		})
	})
	if err != nil || len(expired) == 0 {
		return 0, err
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		items, stream := tx.Bucket(itemsBucket), tx.Bucket(streamBucket)
		for _, k := range expired {
			old, err := storedItem(tx, k)
			if err != nil {
				return err
			}
			if old == nil {
				continue // deleted since the scan: nothing expires
			}
			_, keys, err := s.keyOf(old)
			if err != nil {
				return err
			}
			seq, err := stream.NextSequence()
			if err != nil {
				return err
			}
			rec := s.record(seq, keys, nil, old, now)
			rec.ByTTL = true
			data, err := json.Marshal(rec)
			if err != nil {
				return err
			}
			if err := stream.Put(seqKey(seq), data); err != nil {
				return err
			}
			if err := items.Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	s.signal()
	return len(expired), nil
}

// epochSeconds reads a TTL value: a number of seconds, maybe with a fraction.
func epochSeconds(text string) (time.Time, bool) {
	r, ok := new(big.Rat).SetString(text)
	if !ok {
		return time.Time{}, false
	}
	f, _ := r.Float64()
	if f < 0 || f > 1<<40 {
		return time.Time{}, false
	}
	return time.Unix(int64(f), 0), true
}

// record builds the stream record of a write, holding what the view asks for.
func (s *Store) record(seq uint64, keys, item, old Item, now time.Time) *Record {
	rec := &Record{
		Seq:       seq,
		EventID:   eventID(seq, now),
		EventName: "INSERT",
		Created:   now.UnixMilli(),
		View:      string(s.view),
		Keys:      keys,
	}
	switch {
	case item == nil:
		rec.EventName = "REMOVE"
	case old != nil:
		rec.EventName = "MODIFY"
	}
	if s.view.HasNewImage() {
		rec.NewImage = item
	}
	if s.view.HasOldImage() {
		rec.OldImage = old
	}
	rec.SizeBytes = itemSize(rec.Keys) + itemSize(rec.NewImage) + itemSize(rec.OldImage)
	return rec
}

// Get returns the stored item with the given key attributes, or nil.
func (s *Store) Get(keys Item) (Item, error) {
	key, _, err := s.keyOf(keys)
	if err != nil {
		return nil, err
	}
	var item Item
	err = s.db.View(func(tx *bolt.Tx) error {
		item, err = storedItem(tx, key)
		return err
	})
	return item, err
}

// Records returns up to max stream records after sequence number after, in order.
func (s *Store) Records(after uint64, max int) ([]*Record, error) {
	var recs []*Record
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(streamBucket).Cursor()
		for k, v := c.Seek(seqKey(after + 1)); k != nil && len(recs) < max; k, v = c.Next() {
			var rec Record
			if err := json.Unmarshal(v, &rec); err != nil {
				return fmt.Errorf("stream record %d: %w", binary.BigEndian.Uint64(k), err)
			}
			recs = append(recs, &rec)
		}
		return nil
	})
	return recs, err
}

// Checkpoint is the sequence number of the last record the stream is done with
// (delivered, filtered out or sent to the DLQ); 0 before the first.
func (s *Store) Checkpoint() (uint64, error) {
	var seq uint64
	err := s.db.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket(metaBucket).Get(checkpointKey); v != nil {
			seq = binary.BigEndian.Uint64(v)
		}
		return nil
	})
	return seq, err
}

// SetCheckpoint records that the stream is done with every record up to
// seq, and drops those records: nothing reads them again, and the file
// stays the size of the items.
func (s *Store) SetCheckpoint(seq uint64) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		var done [][]byte
		c := tx.Bucket(streamBucket).Cursor()
		for k, _ := c.First(); k != nil && binary.BigEndian.Uint64(k) <= seq; k, _ = c.Next() {
			done = append(done, k)
		}
		for _, k := range done {
			if err := tx.Bucket(streamBucket).Delete(k); err != nil {
				return err
			}
		}
		return tx.Bucket(metaBucket).Put(checkpointKey, seqKey(seq))
	})
}

// Setting returns the stored setting name, storing make() the first time,
// so that the API key and the stream label survive restarts.
func (s *Store) Setting(name string, make func() string) (string, error) {
	var value string
	err := s.db.Update(func(tx *bolt.Tx) error {
		meta := tx.Bucket(metaBucket)
		if v := meta.Get([]byte("setting/" + name)); v != nil {
			value = string(v)
			return nil
		}
		value = make()
		return meta.Put([]byte("setting/"+name), []byte(value))
	})
	return value, err
}

// keyOf returns the bucket key of item and its key attributes. Numbers are
// compared by value as DynamoDB does: "1" and "1.0" are the same key.
func (s *Store) keyOf(item Item) ([]byte, Item, error) {
	keys := Item{}
	var parts []string
	for _, name := range s.keys {
		raw, ok := item[name]
		if !ok {
			return nil, nil, fmt.Errorf("item has no key attribute %q", name)
		}
		var av struct {
			S *string
			N *string
		}
		if err := json.Unmarshal(raw, &av); err != nil {
			return nil, nil, fmt.Errorf("key attribute %q: %w", name, err)
		}
		switch {
		case av.S != nil:
			parts = append(parts, "S", *av.S)
		case av.N != nil:
			n, ok := new(big.Rat).SetString(*av.N)
			if !ok {
				return nil, nil, fmt.Errorf("key attribute %q: bad number %q", name, *av.N)
			}
			parts = append(parts, "N", n.RatString())
		default:
			return nil, nil, fmt.Errorf("key attribute %q is neither S nor N: %s", name, raw)
		}
		keys[name] = raw
	}
	key, err := json.Marshal(parts)
	return key, keys, err
}

func seqKey(seq uint64) []byte {
	return binary.BigEndian.AppendUint64(nil, seq)
}

// eventID is unique per record like DynamoDB's: 32 hex digits.
func eventID(seq uint64, now time.Time) string {
	return fmt.Sprintf("%016x%016x", uint64(now.UnixNano()), seq)
}

// itemSize approximates DynamoDB's size of an item: names plus values.
func itemSize(item Item) int {
	n := 0
	for name, v := range item {
		n += len(name) + len(v)
	}
	return n
}

// ErrNotFound is the failed condition of an update or delete of a key with
// no item (attribute_exists on the partition key).
var ErrNotFound = errors.New("no item has this key")

// Update replaces the item with the given key attributes by change(old),
// with its MODIFY stream record (none when change(old) is the same data),
// in one group-committed transaction, and returns the new item once it is synced. With no item it changes nothing
// and returns ErrNotFound; an error of change (an item DynamoDB would
// refuse) changes nothing either. change may run more than once.
func (s *Store) Update(keys Item, change func(old Item) (Item, error), now time.Time) (Item, error) {
	key, keyAttrs, err := s.keyOf(keys)
	if err != nil {
		return nil, err
	}
	var item Item
	err = s.items.update(func(tx *bolt.Tx) error {
		old, err := storedItem(tx, key)
		if err != nil {
			return err
		}
		if old == nil {
			return ErrNotFound
		}
		if item, err = change(old); err != nil {
			return err
		}
		if sameItem(old, item) {
			item = old // nothing written, no stream record (see sameItem)
			return nil
		}
		data, err := json.Marshal(item)
		if err != nil {
			return err
		}
		if err := tx.Bucket(itemsBucket).Put(key, data); err != nil {
			return err
		}
		_, err = s.appendRecord(tx, keyAttrs, item, old, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.signal()
	return item, nil
}

// Delete removes the item with the given key attributes, with its REMOVE
// stream record, in one group-committed transaction, and returns the old
// item once it is synced; ErrNotFound when there is none.
func (s *Store) Delete(keys Item, now time.Time) (Item, error) {
	key, keyAttrs, err := s.keyOf(keys)
	if err != nil {
		return nil, err
	}
	var old Item
	err = s.items.update(func(tx *bolt.Tx) error {
		var err error
		if old, err = storedItem(tx, key); err != nil {
			return err
		}
		if old == nil {
			return ErrNotFound
		}
		if err := tx.Bucket(itemsBucket).Delete(key); err != nil {
			return err
		}
		_, err = s.appendRecord(tx, keyAttrs, nil, old, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.signal()
	return old, nil
}

// storedItem is the item at key in tx, or nil.
func storedItem(tx *bolt.Tx, key []byte) (Item, error) {
	data := tx.Bucket(itemsBucket).Get(key)
	if data == nil {
		return nil, nil
	}
	var item Item
	if err := json.Unmarshal(data, &item); err != nil {
		return nil, fmt.Errorf("stored item %s: %w", key, err)
	}
	return item, nil
}

// appendRecord appends the stream record of a write of item over old (nil:
// none) to tx's stream log.
func (s *Store) appendRecord(tx *bolt.Tx, keys, item, old Item, now time.Time) (*Record, error) {
	stream := tx.Bucket(streamBucket)
	seq, err := stream.NextSequence()
	if err != nil {
		return nil, err
	}
	rec := s.record(seq, keys, item, old, now)
	data, err := json.Marshal(rec)
	if err != nil {
		return nil, err
	}
	return rec, stream.Put(seqKey(seq), data)
}

// maxPage is the most item data one Query reads: "A single Query operation
// can retrieve a maximum of 1 MB of data" (Query.KeyConditionExpressions.html).
const maxPage = 1 << 20

// Query returns the items of partition pk (the partition key's attribute
// value) in sort-key order as DynamoDB's Query does ("If the data type of
// the sort key is Number, the results are returned in numeric order.
// Otherwise, the results are returned in order of UTF-8 bytes",
// Query.KeyConditionExpressions.html): reversed unless forward, after the
// sort key value start (nil: from the first), at most limit items or 1 MB.
// last is the key of the last item returned when the page stopped at one
// of these limits (DynamoDB's LastEvaluatedKey: then even if no item
// follows), else nil.
func (s *Store) Query(pk json.RawMessage, start json.RawMessage, forward bool, limit int) (items []Item, last Item, err error) {
	if len(s.keys) != 2 {
		return nil, nil, errors.New("query: the table has no sort key")
	}
	prefix, _, err := s.keyOf(Item{s.keys[0]: pk, s.keys[1]: json.RawMessage(`{"S":""}`)})
	if err != nil {
		return nil, nil, err
	}
	// The bucket key is ["S",pk,"S",sk]: the partition's keys start with ["S",pk,
	prefix = prefix[:len(prefix)-len(`"S",""]`)]
	type entry struct {
		sk   sortValue
		item Item
	}
	var part []entry
	err = s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(itemsBucket).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			var item Item
			if err := json.Unmarshal(v, &item); err != nil {
				return fmt.Errorf("stored item %s: %w", k, err)
			}
			sk, err := sortValueOf(item[s.keys[1]])
			if err != nil {
				return fmt.Errorf("stored item %s: %w", k, err)
			}
			part = append(part, entry{sk, item})
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	sort.Slice(part, func(i, j int) bool { return part[i].sk.less(part[j].sk) })
	if !forward {
		slices.Reverse(part)
	}
	var after *sortValue
	if start != nil {
		v, err := sortValueOf(start)
		if err != nil {
			return nil, nil, err
		}
		after = &v
	}
	size := 0
	for _, e := range part {
		if after != nil && !(forward && after.less(e.sk) || !forward && e.sk.less(*after)) {
			continue
		}
		items = append(items, e.item)
		size += itemSize(e.item)
		if len(items) == limit || size >= maxPage {
			_, last, err = s.keyOf(e.item)
			return items, last, err
		}
	}
	return items, nil, nil
}

// sortValue is a sort key value, ordered as DynamoDB orders it.
type sortValue struct {
	s string   // an S key: compared by UTF-8 bytes
	n *big.Rat // an N key: compared numerically
}

func sortValueOf(raw json.RawMessage) (sortValue, error) {
	var av struct{ S, N *string }
	if err := json.Unmarshal(raw, &av); err != nil {
		return sortValue{}, err
	}
	switch {
	case av.S != nil:
		return sortValue{s: *av.S}, nil
	case av.N != nil:
		n, ok := new(big.Rat).SetString(*av.N)
		if !ok {
			return sortValue{}, fmt.Errorf("bad number %q", *av.N)
		}
		return sortValue{n: n}, nil
	}
	return sortValue{}, fmt.Errorf("sort key %s is neither S nor N", raw)
}

func (a sortValue) less(b sortValue) bool {
	if a.n != nil && b.n != nil {
		return a.n.Cmp(b.n) < 0
	}
	return a.s < b.s // Go compares strings by their bytes
}
