// Package syncjob runs Beacon's two background jobs against Salesforce: the
// field sync, which describes each synced object and stores its fields, and
// the record sync, which pulls every record once and then, periodically, the
// records changed since the last pull.
package syncjob

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/sfharness/sfharness/client/salesforce"
	"github.com/sfharness/sfharness/client/store"
)

// Objects are the Salesforce objects Beacon syncs, in sync order.
var Objects = []string{"Lead", "Contact", "Account"}

// mappedFields are the fields Beacon maps for each object, besides Id and
// LastModifiedDate; only those the describe reports are queried.
var mappedFields = map[string][]string{
	"Lead":    {"FirstName", "LastName", "Company", "Email"},
	"Contact": {"FirstName", "LastName", "Email"},
	"Account": {"Name"},
}

// API is the part of the Salesforce REST API the jobs use;
// *salesforce.Client implements it.
type API interface {
	Describe(ctx context.Context, object string) (*salesforce.SObjectDescribe, error)
	Query(ctx context.Context, soql string, page func([]salesforce.Record) error) error
}

// SyncFields describes each of Objects in turn and stores its fields,
// recording progress in st. It stops at the first failure.
func SyncFields(ctx context.Context, api API, st *store.Store, logger *slog.Logger) error {
	for _, object := range Objects {
		st.SetFieldPhase(object, store.PhaseRunning, nil)
		d, err := api.Describe(ctx, object)
		if err != nil {
			st.SetFieldPhase(object, store.PhaseFailed, err)
			logger.Warn("field sync failed", "object", object, "err", err)
			return fmt.Errorf("syncjob: fields: %w", err)
		}
		fields := make([]store.Field, len(d.Fields))
		for i, f := range d.Fields {
			fields[i] = store.Field{Name: f.Name, Type: f.Type}
		}
		st.SetFields(object, fields)
		logger.Info("field sync done", "object", object, "fields", len(fields))
	}
	return nil
}

// SelectFields returns the fields the record sync queries for object: Id,
// LastModifiedDate, then the mapped fields that described contains.
func SelectFields(object string, described []store.Field) []string {
	have := make(map[string]bool, len(described))
	for _, f := range described {
		have[f.Name] = true
	}
	out := []string{"Id", "LastModifiedDate"}
	for _, name := range mappedFields[object] {
		if have[name] {
			out = append(out, name)
		}
	}
	return out
}

// SOQLDateTime formats t as a SOQL datetime literal, in UTC to the second.
func SOQLDateTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05Z")
}

// SelectQuery returns the SOQL that reads fields of object, limited to
// records changed after since unless since is zero.
func SelectQuery(object string, fields []string, since time.Time) string {
	q := "SELECT " + strings.Join(fields, ", ") + " FROM " + object
	if !since.IsZero() {
		// The literal drops sub-second digits, so records of that second come
		// again; the upsert by Id makes that harmless.
		q += " WHERE LastModifiedDate > " + SOQLDateTime(since)
	}
	return q
}

// ParseDateTime parses a datetime as the REST API writes it
// (2026-01-02T03:04:05.000+0000) or as RFC 3339.
func ParseDateTime(s string) (time.Time, error) {
	for _, layout := range []string{"2006-01-02T15:04:05.000-0700", "2006-01-02T15:04:05-0700", time.RFC3339Nano} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("syncjob: bad datetime %q", s)
}

// RecordSync pulls records from Salesforce into a store.
type RecordSync struct {
	// API is the org's REST API.
	API API
	// Store receives the records and the sync state.
	Store *store.Store
	// Interval is the time between two pulls of changes.
	Interval time.Duration
	// Logger gets progress and errors; never tokens.
	Logger *slog.Logger
	// Now returns the current time; nil means time.Now.
	Now func() time.Time

	// since is, per object, the newest LastModifiedDate seen; zero means a
	// full pull is still needed.
	since map[string]time.Time
}

// Run pulls all records of Objects, then every Interval the ones changed
// since, until ctx is done (it then returns nil) or an error that needs the
// admin happens (it then records it in the store and returns it). Errors
// worth retrying are recorded as the last error and retried next time.
// The store's record sync must have been started with StartRecordSync.
func (rs *RecordSync) Run(ctx context.Context) error {
	if rs.since == nil {
		rs.since = map[string]time.Time{}
	}
	now := rs.Now
	if now == nil {
		now = time.Now
	}
	interval := rs.Interval
	if interval <= 0 {
		interval = 5 * time.Second
	}
	initial := true
	for {
		err := rs.pullAll(ctx)
		switch {
		case ctx.Err() != nil:
			return nil
		case err == nil:
			if initial {
				rs.Logger.Info("initial record sync done")
			}
			initial = false
			rs.Store.RecordSyncRunning(now())
		case salesforce.IsTemporary(err):
			rs.Logger.Warn("record sync will retry", "err", err)
			rs.Store.RecordSyncError(err)
		default:
			rs.Logger.Error("record sync failed", "err", err)
			rs.Store.RecordSyncFailed(err)
			return err
		}
		t := time.NewTimer(interval)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
}

// pullAll pulls each object's records changed since its last pull.
func (rs *RecordSync) pullAll(ctx context.Context) error {
	for _, object := range Objects {
		if err := rs.pull(ctx, object); err != nil {
			return err
		}
	}
	return nil
}

func (rs *RecordSync) pull(ctx context.Context, object string) error {
	described, ok := rs.Store.Fields(object)
	if !ok {
		return fmt.Errorf("syncjob: records %s: %w", object, errNoFields)
	}
	since := rs.since[object]
	newest := since
	soql := SelectQuery(object, SelectFields(object, described), since)
	var pulled, added int
	err := rs.API.Query(ctx, soql, func(records []salesforce.Record) error {
		batch := make([]store.Record, len(records))
		for i, r := range records {
			batch[i] = store.Record(r)
			if s, ok := r["LastModifiedDate"].(string); ok {
				if t, err := ParseDateTime(s); err == nil && t.After(newest) {
					newest = t
				}
			}
		}
		pulled += len(records)
		added += rs.Store.UpsertRecords(object, batch)
		return nil
	})
	if err != nil {
		return fmt.Errorf("syncjob: records %s: %w", object, err)
	}
	// With no records yet newest stays zero, so the next pull is a full one
	// again rather than a guess at a start time on Salesforce's clock.
	rs.since[object] = newest
	if pulled > 0 {
		rs.Logger.Info("records pulled", "object", object, "pulled", pulled, "new", added, "full", since.IsZero())
	}
	return nil
}

// errNoFields means the record sync started before the field sync finished.
var errNoFields = errors.New("field sync has not finished")
