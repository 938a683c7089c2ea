package local

import (
	"sync"

	bolt "go.etcd.io/bbolt"
)

// committer runs the store's item writes in group commits: the writes that
// wait while one transaction syncs to disk are committed together in the
// next, so a burst pays one sync rather than one each, and a lone write
// waits for nothing but its own. A write returns once its transaction is
// synced: every answered request is durable. bbolt's DB.Batch groups too,
// but only the writes that arrive within a fixed delay (10 ms by default),
// which a lone request would wait for.
type committer struct {
	db      *bolt.DB
	writes  chan write // unbuffered: a write is taken only by a group about to run
	closed  chan struct{}
	stopped chan struct{}
	once    sync.Once
}

type write struct {
	fn   func(*bolt.Tx) error
	done chan error
}

// maxGroup bounds the writes of one transaction.
const maxGroup = 256

func newCommitter(db *bolt.DB) *committer {
	c := &committer{db: db, writes: make(chan write), closed: make(chan struct{}), stopped: make(chan struct{})}
	go c.run()
	return c
}

// update runs fn in a write transaction, perhaps shared with other writes,
// and returns once it is committed. fn may run more than once (in a group
// that another write made fail, then again): it must only act on tx.
func (c *committer) update(fn func(*bolt.Tx) error) error {
	w := write{fn: fn, done: make(chan error, 1)}
	select {
	case c.writes <- w:
		return <-w.done
	case <-c.closed:
		return bolt.ErrDatabaseNotOpen
	}
}

// stop waits for the group being committed, if any, and refuses later writes.
func (c *committer) stop() {
	c.once.Do(func() { close(c.closed) })
	<-c.stopped
}

func (c *committer) run() {
	defer close(c.stopped)
	for {
		select {
		case w := <-c.writes:
			c.commit(c.gather(w))
		case <-c.closed:
			return
		}
	}
}

// gather is first and the writes waiting now.
func (c *committer) gather(first write) []write {
	group := []write{first}
	for len(group) < maxGroup {
		select {
		case w := <-c.writes:
			group = append(group, w)
		default:
			return group
		}
	}
	return group
}

// commit runs group in one transaction. When a write fails, the transaction
// is rolled back, that write is run alone for its own answer and the others
// are committed without it, as DB.Batch does: no write loses its effect
// for another's error.
func (c *committer) commit(group []write) {
	for len(group) > 0 {
		failed := -1
		err := c.db.Update(func(tx *bolt.Tx) error {
			for i, w := range group {
				if err := w.fn(tx); err != nil {
					failed = i
					return err
				}
			}
			return nil
		})
		if failed < 0 {
			for _, w := range group {
				w.done <- err
			}
			return
		}
		alone := group[failed]
		alone.done <- c.db.Update(alone.fn)
		group = append(group[:failed:failed], group[failed+1:]...)
	}
}
