// Package stackdiff compares two CloudFormation templates resource by
// resource, as CloudFormation would update one stack into the other: which
// resources are added, changed in place, replaced or removed, and which of
// those changes lose data (the table's items, the stream's records, the
// failed batches of the dead-letter queue or the failure bucket) or make the
// stored items unreadable (a field's new type, read from the API's model
// and, for server-set fields, the request template). The guard of regeneration is built on it.
package stackdiff

import (
	"bytes"
	"fmt"
	"reflect"
	"sort"
	"strings"
)

// Kind is what a stack update does to one resource.
type Kind int

const (
	Added Kind = iota
	Changed
	Replaced
	Removed
)

func (k Kind) String() string {
	return [...]string{"added", "changed", "replaced", "removed"}[k]
}

// Change is what an update does to one resource.
type Change struct {
	LogicalID string
	Type      string
	Kind      Kind
	// Properties are the changed property and resource attribute names
	// (e.g. "KeySchema", "DeletionPolicy"), sorted.
	Properties []string
	// Why says which changes force the replacement, e.g.
	// "partition key id (S) becomes pk (S)".
	Why []string
	// Loss says what the users of the deployed stack lose; "" when nothing.
	Loss string
	// Fix is the change to the spec that avoids the loss, when there is one.
	Fix string
}

// Destructive reports whether the change loses data or identity.
func (c Change) Destructive() bool { return c.Loss != "" }

// String is one line: "replaced  StreamerTable (AWS::DynamoDB::Table): KeySchema".
func (c Change) String() string {
	s := fmt.Sprintf("%-9s %s (%s)", c.Kind, c.LogicalID, c.Type)
	if len(c.Properties) > 0 {
		s += ": " + strings.Join(c.Properties, ", ")
	}
	return s
}

// Templates compares the template deployed from old with the template new.
// Changes are sorted by logical ID; unchanged resources are left out.
// Identical bytes have no changes and are not parsed: regenerating an
// unchanged spec is the common case, and parsing both was most of it.
func Templates(old, new []byte) ([]Change, error) {
	if bytes.Equal(old, new) {
		return nil, nil
	}
	before, err := parseResources(old)
	if err != nil {
		return nil, fmt.Errorf("reading the existing template: %w", err)
	}
	after, err := parseResources(new)
	if err != nil {
		return nil, fmt.Errorf("reading the new template: %w", err)
	}
	return compare(before, after), nil
}

// AllAdded lists every resource of a template as added: the changes of a first deployment.
func AllAdded(tmpl []byte) ([]Change, error) {
	after, err := parseResources(tmpl)
	if err != nil {
		return nil, err
	}
	return compare(nil, after), nil
}

func compare(before, after map[string]resource) []Change {
	var changes []Change
	for id, old := range before {
		new, ok := after[id]
		switch {
		case !ok:
			changes = append(changes, removed(id, old))
		case old.Type != new.Type:
			c := removed(id, old)
			c.Kind, c.Properties, c.Why = Replaced, []string{"Type"}, []string{"type " + old.Type + " becomes " + new.Type}
			changes = append(changes, c)
		default:
			if c, ok := changed(id, old, new); ok {
				changes = append(changes, c)
			}
		}
	}
	for id, new := range after {
		if _, ok := before[id]; !ok {
			changes = append(changes, Change{LogicalID: id, Type: new.Type, Kind: Added})
		}
	}
	sort.Slice(changes, func(i, j int) bool { return changes[i].LogicalID < changes[j].LogicalID })
	explainNewDestination(changes)
	explainItemBreaks(changes, before, after)
	return changes
}

// explainItemBreaks marks the fields whose new type cannot read the stored
// items on the change that makes them: the model's, or, when only
// server-set fields change, the method's with the request template.
func explainItemBreaks(changes []Change, before, after map[string]resource) {
	why := itemBreaks(before, after)
	if len(why) == 0 {
		return
	}
	var target *Change
	for i := range changes {
		c := &changes[i]
		if c.Kind == Changed && (c.Type == modelType || c.Type == methodType && target == nil) {
			target = c
		}
	}
	if target == nil {
		return
	}
	target.Why = append(target.Why, why...)
	target.Loss = "the items already stored keep the old types: the handler fails on every stream record of such an item " +
		"(retried, then given up on to the failure destination), and whatever reads the table with the new types fails on them too"
}

// explainNewDestination says why a failure destination is removed when the
// other kind is added: the spec's stream.onFailure changed, or, for a stack
// generated before the key existed, its default (s3) replaced the queue.
func explainNewDestination(changes []Change) {
	added := map[string]bool{}
	for _, c := range changes {
		if c.Kind == Added {
			added[c.Type] = true
		}
	}
	for i := range changes {
		c := &changes[i]
		switch {
		case c.Kind != Removed:
		case c.Type == queueType && added[bucketType]:
			c.Why = append(c.Why, "failed batches now go to an S3 bucket (stream.onFailure: s3, the default since the spec's additions to version 1)")
			c.Fix = "to keep the queue, add onFailure: sqs to the spec's stream block"
		case c.Type == bucketType && added[queueType]:
			c.Why = append(c.Why, "failed batches now go to an SQS queue (stream.onFailure: sqs)")
			c.Fix = "to keep the bucket, set onFailure: s3 (or remove onFailure) in the spec's stream block"
		}
	}
}

func removed(id string, old resource) Change {
	c := Change{LogicalID: id, Type: old.Type, Kind: Removed}
	switch old.Type {
	case tableType:
		if old.Attributes["DeletionPolicy"] == "Retain" {
			c.Loss = "CloudFormation keeps the table and its items (DeletionPolicy: Retain) but it leaves the stack: " +
				"orphaned, no longer written by the API nor read by the handler, and its stream is no longer processed"
		} else {
			c.Loss = "CloudFormation deletes the table and every item in it; records of its stream not yet processed are lost"
		}
	case queueType, bucketType:
		d := destinations[old.Type]
		if old.Attributes["DeletionPolicy"] == "Retain" {
			c.Loss = "CloudFormation keeps the " + d.name + " (DeletionPolicy: Retain) with " + d.holds +
				", but it leaves the stack: orphaned, and later failures go elsewhere"
		} else {
			c.Loss = "CloudFormation deletes the " + d.name + " and " + d.holds + d.deleteNote
		}
	}
	return c
}

// destinations describe the two kinds of failure destination in messages.
var destinations = map[string]struct{ name, holds, deleteNote string }{
	queueType:  {"dead-letter queue", "the failed stream records it holds", ""},
	bucketType: {"failure bucket", "the failed batches it holds", " (or, while the bucket is not empty, fails to delete it and leaves it outside the stack)"},
}

func changed(id string, old, new resource) (Change, bool) {
	c := Change{LogicalID: id, Type: new.Type, Kind: Changed}
	c.Properties = append(changedKeys(old.Properties, new.Properties), changedKeys(old.Attributes, new.Attributes)...)
	if len(c.Properties) == 0 {
		return c, false
	}
	sort.Strings(c.Properties)
	for _, name := range c.Properties {
		// A table's key schema is explained key by key in tableChange.
		if replaces(new.Type, name) && !(new.Type == tableType && name == "KeySchema") {
			c.Kind = Replaced
			c.Why = append(c.Why, name+" changes")
		}
	}
	switch new.Type {
	case tableType:
		tableChange(&c, old, new)
	case queueType, bucketType:
		if c.Kind == Replaced {
			d := destinations[new.Type]
			c.Loss = "CloudFormation creates a new, empty " + d.name + " and moves the stream's failures to it; "
			if old.Attributes["UpdateReplacePolicy"] == "Retain" {
				c.Loss += "the old one and " + d.holds + " are kept (UpdateReplacePolicy: Retain) but orphaned outside the stack"
			} else {
				c.Loss += "the old one is deleted with " + d.holds + d.deleteNote
			}
		}
	}
	return c, true
}

// tableChange explains a change of the table in terms of its data: the key
// schema and key types (DynamoDB cannot change them in place), the name,
// and the stream (a new view type is a new stream).
func tableChange(c *Change, old, new resource) {
	oldPartition, oldSort := tableKeys(old.Properties)
	newPartition, newSort := tableKeys(new.Properties)
	if why := keyChange("partition key", oldPartition, newPartition); why != "" {
		c.Kind = Replaced
		c.Why = append(c.Why, why)
	}
	if why := keyChange("sort key", oldSort, newSort); why != "" {
		c.Kind = Replaced
		c.Why = append(c.Why, why)
	}
	if c.Kind == Replaced {
		loss := "CloudFormation creates a new, empty table and moves the API and the handler to it; "
		if old.Attributes["UpdateReplacePolicy"] == "Retain" {
			loss += "the old table and its items are kept (UpdateReplacePolicy: Retain) but orphaned outside the stack"
		} else {
			loss += "the old table and every item in it are deleted"
		}
		loss += "; records of the old stream not yet processed are lost"
		name, hasName := new.Properties["TableName"]
		if hasName && reflect.DeepEqual(name, old.Properties["TableName"]) {
			loss += ". With an unchanged TableName CloudFormation cannot even create the replacement: the update fails and rolls back"
		}
		c.Loss = loss
		return
	}
	oldView, newView := streamView(old.Properties), streamView(new.Properties)
	switch {
	case oldView == "" || oldView == newView:
	case newView == "":
		c.Why = append(c.Why, "the stream is disabled")
		c.Loss = "DynamoDB deletes the stream (StreamSpecification removed): records not yet processed never reach the handler, " +
			"and later writes are not processed at all"
	default:
		c.Why = append(c.Why, "stream view "+oldView+" becomes "+newView)
		c.Loss = "DynamoDB replaces the stream: the new stream has a new ARN, the event source mapping is recreated on it, " +
			"and records of the old stream not yet processed (up to 24 hours of writes, including batches being retried) " +
			"never reach the handler"
	}
}

// key is one key attribute of a table: its name and DynamoDB type.
type key struct{ Name, Type string }

func (k key) String() string { return k.Name + " (" + k.Type + ")" }

// tableKeys returns the partition key and, if any, the sort key.
func tableKeys(props map[string]any) (partition, sort key) {
	types := map[string]string{}
	defs, _ := props["AttributeDefinitions"].([]any)
	for _, d := range defs {
		if m, ok := d.(map[string]any); ok {
			name, _ := m["AttributeName"].(string)
			types[name], _ = m["AttributeType"].(string)
		}
	}
	schema, _ := props["KeySchema"].([]any)
	for _, e := range schema {
		m, ok := e.(map[string]any)
		if !ok {
			continue
		}
		name, _ := m["AttributeName"].(string)
		k := key{name, types[name]}
		switch m["KeyType"] {
		case "HASH":
			partition = k
		case "RANGE":
			sort = k
		}
	}
	return partition, sort
}

// keyChange says how a key changes, or "" when it does not.
func keyChange(what string, old, new key) string {
	switch {
	case old == new:
		return ""
	case old.Name == "":
		return what + " " + new.String() + " is added"
	case new.Name == "":
		return what + " " + old.String() + " is removed"
	case old.Name == new.Name:
		return what + " " + old.Name + " changes type from " + old.Type + " to " + new.Type
	}
	return what + " " + old.String() + " becomes " + new.String()
}

func streamView(props map[string]any) string {
	spec, _ := props["StreamSpecification"].(map[string]any)
	view, _ := spec["StreamViewType"].(string)
	return view
}

// changedKeys lists the keys whose values differ between a and b, sorted.
func changedKeys(a, b map[string]any) []string {
	var keys []string
	for k, v := range a {
		if w, ok := b[k]; !ok || !reflect.DeepEqual(v, w) {
			keys = append(keys, k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}
