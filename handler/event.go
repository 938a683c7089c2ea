package handler

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"
)

// EventName is what happened to the item: INSERT, MODIFY or REMOVE.
type EventName string

const (
	Insert EventName = "INSERT"
	Modify EventName = "MODIFY"
	Remove EventName = "REMOVE"
)

// rawRecord is one record of a stream event, its images still DynamoDB JSON.
// The whole event is read into rawRecords before any image is decoded, so a
// record that cannot be decoded is known by its sequence number.
type rawRecord struct {
	eventID   string
	eventName EventName
	seq       string
	created   time.Time
	sizeBytes int64
	keys      []byte
	newImage  []byte // nil when absent
	oldImage  []byte // nil when absent
}

// readEvent reads a DynamoDB stream event ({"Records":[...]}) into recs[:0].
// Any error here leaves no record identifiable, so the whole batch fails.
func readEvent(r *Reader, payload []byte, recs []rawRecord) ([]rawRecord, error) {
	r.Reset(payload)
	recs = recs[:0]
	for i := 0; r.Member(i); i++ {
		if string(r.Key()) != "Records" {
			r.Skip()
			continue
		}
		for j := 0; r.Element(j); j++ {
			recs = append(recs, rawRecord{})
			readRecord(r, &recs[len(recs)-1])
		}
	}
	r.End()
	if err := r.Err(); err != nil {
		return nil, fmt.Errorf("stream event is not valid JSON: %w", err)
	}
	for i := range recs {
		if recs[i].seq == "" {
			return nil, fmt.Errorf("record %d has no dynamodb.SequenceNumber", i)
		}
	}
	return recs, nil
}

func readRecord(r *Reader, rec *rawRecord) {
	for i := 0; r.Member(i); i++ {
		switch string(r.Key()) {
		case "eventID":
			rec.eventID = string(r.str("eventID"))
		case "eventName":
			rec.eventName = eventName(r.str("eventName"))
		case "dynamodb":
			readChange(r, rec)
		default:
			r.Skip()
		}
	}
}

// eventName returns the constant for b, so the common names cost no allocation.
func eventName(b []byte) EventName {
	switch EventName(b) {
	case Insert:
		return Insert
	case Modify:
		return Modify
	case Remove:
		return Remove
	}
	return EventName(b)
}

func readChange(r *Reader, rec *rawRecord) {
	for i := 0; r.Member(i); i++ {
		switch string(r.Key()) {
		case "SequenceNumber":
			rec.seq = string(r.str("dynamodb.SequenceNumber"))
		case "ApproximateCreationDateTime":
			rec.created = epochSeconds(r, r.number("dynamodb.ApproximateCreationDateTime"))
		case "SizeBytes":
			n := r.number("dynamodb.SizeBytes")
			rec.sizeBytes, _ = strconv.ParseInt(string(n), 10, 64)
		case "Keys":
			rec.keys = r.Raw()
		case "NewImage":
			rec.newImage = r.Raw()
		case "OldImage":
			rec.oldImage = r.Raw()
		default:
			r.Skip()
		}
	}
}

// epochSeconds turns epoch seconds, possibly fractional, into a time.
func epochSeconds(r *Reader, text []byte) time.Time {
	if r.Err() != nil {
		return time.Time{}
	}
	if sec, ok := parseInt(text); ok {
		return time.Unix(sec, 0).UTC()
	}
	f, err := strconv.ParseFloat(string(text), 64)
	if err != nil || math.IsInf(f, 0) {
		r.fail("dynamodb.ApproximateCreationDateTime", "%s is not epoch seconds", text)
		return time.Time{}
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC()
}

// errNoKeys is returned for a record that carries no dynamodb.Keys.
var errNoKeys = errors.New("record has no dynamodb.Keys")
