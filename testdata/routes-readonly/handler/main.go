package main

import "context"

// process handles one record of the readings table's stream; records come in
// shard order. Return an error (or panic) and this record and the later ones
// of the batch are retried; after the retries they go to the failure queue.
// Set up clients once, in package variables or func init, not here.
func process(ctx context.Context, rec *Record) error {
	rec.Logger().Info("item saved", "item", rec.NewImage)
	return nil
}
