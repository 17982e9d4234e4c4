// Package syncjob runs Beacon's two background jobs against Salesforce: the
// field sync, which describes each synced object and stores its fields, and
// the record sync, which pulls every record once and then, periodically, the
// records changed or deleted since the last pull.
//
// The record sync saves a cursor per object with every page of records, in
// the same transaction, so that it can stop at any moment and go on later
// (see store.Cursor): a pull cut short goes on from the saved
// nextRecordsUrl while Salesforce keeps its query locator, and otherwise
// queries again from the newest LastModifiedDate it stored, which is sound
// because its queries are ordered by LastModifiedDate. Records are stored
// by Id, and never replaced by an older version, so a page read twice
// changes nothing.
//
// Changes are pulled by LastModifiedDate from the queryAll resource, whose
// results include deleted records (IsDeleted). Where Salesforce serves the
// sObject replication resources (deleted and updated), the sync also asks
// them, every ReplicationEvery, for deletions and for updates that the
// LastModifiedDate cursor may have missed (a transaction that committed
// after a pull with an older LastModifiedDate). If they answer 404, the
// sync does without them.
package syncjob

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"regexp"
	"slices"
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
	Query(ctx context.Context, soql string, page func(salesforce.Page) error) error
	QueryAll(ctx context.Context, soql string, page func(salesforce.Page) error) error
	QueryMore(ctx context.Context, nextRecordsURL string, page func(salesforce.Page) error) error
	Deleted(ctx context.Context, object string, start, end time.Time) (*salesforce.DeletedResult, error)
	Updated(ctx context.Context, object string, start, end time.Time) (*salesforce.UpdatedResult, error)
}

// SyncFields describes each of Objects in turn and stores its fields,
// recording progress in st. A temporary failure (network, 5xx, API limit)
// is shown as the object's failure and retried with exponential backoff
// until ctx ends; any other failure stops the field sync. It is FieldSync
// with the default waits.
func SyncFields(ctx context.Context, api API, st *store.Store, logger *slog.Logger) error {
	return (&FieldSync{API: api, Store: st, Logger: logger}).Run(ctx)
}

// FieldSync describes the synced objects and stores their fields.
type FieldSync struct {
	// API is the org's REST API.
	API API
	// Store receives the fields and the field sync's progress.
	Store *store.Store
	// Logger gets progress and errors; never tokens.
	Logger *slog.Logger
	// RetryBase sets the waits after temporary failures (network, 5xx,
	// API limit) in a row: RetryBase doubled once per failure (2×, 4×, …),
	// at most MaxBackoff, plus up to 20% of jitter; zero means 1s.
	RetryBase time.Duration
	// MaxBackoff caps those waits; zero means 5 minutes.
	MaxBackoff time.Duration
}

// Run describes each of Objects in turn and stores its fields, as
// SyncFields does.
func (fs *FieldSync) Run(ctx context.Context) error {
	for _, object := range Objects {
		d, err := fs.describe(ctx, object)
		if err != nil {
			return fmt.Errorf("syncjob: fields: %w", err)
		}
		fields := make([]store.Field, len(d.Fields))
		for i, f := range d.Fields {
			fields[i] = store.Field{Name: f.Name, Type: f.Type}
		}
		if err := fs.Store.SetFields(object, fields); err != nil {
			return fmt.Errorf("syncjob: fields: %w", err)
		}
		fs.Logger.Info("field sync done", "object", object, "fields", len(fields))
	}
	return nil
}

// describe describes object, retrying temporary failures.
func (fs *FieldSync) describe(ctx context.Context, object string) (*salesforce.SObjectDescribe, error) {
	st, logger := fs.Store, fs.Logger
	base, limit := fs.RetryBase, fs.MaxBackoff
	if base <= 0 {
		base = fieldRetryBase
	}
	if limit <= 0 {
		limit = defaultMaxBackoff
	}
	for failures := 1; ; failures++ {
		if err := st.SetFieldPhase(object, store.PhaseRunning, nil); err != nil {
			return nil, err
		}
		d, err := fs.API.Describe(ctx, object)
		if err == nil {
			return d, nil
		}
		if ctx.Err() != nil {
			// Stopped, not failed: a restart describes the object again.
			return nil, ctx.Err()
		}
		if serr := st.SetFieldPhase(object, store.PhaseFailed, err); serr != nil {
			logger.Error("cannot record the field sync failure", "object", object, "err", serr)
		}
		if !salesforce.IsTemporary(err) {
			logger.Warn("field sync failed", "object", object, "err", err)
			return nil, err
		}
		wait := backoff(base, failures, limit)
		logger.Warn("field sync will retry", "object", object, "err", err, "in", wait.Round(time.Millisecond))
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
	}
}

// fieldRetryBase is FieldSync.RetryBase's default.
const fieldRetryBase = time.Second

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

// SelectQuery returns the SOQL that reads fields of object in
// LastModifiedDate order: all records when after is zero, else those
// modified after it, or at or after it when inclusive.
func SelectQuery(object string, fields []string, after time.Time, inclusive bool) string {
	q := "SELECT " + strings.Join(fields, ", ") + " FROM " + object
	if !after.IsZero() {
		// The literal drops sub-second digits, so records of that second come
		// again; storing by Id makes that harmless.
		op := " > "
		if inclusive {
			op = " >= "
		}
		q += " WHERE LastModifiedDate" + op + SOQLDateTime(after)
	}
	return q + " ORDER BY LastModifiedDate"
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

// Defaults of RecordSync.
const (
	defaultInterval    = 5 * time.Second
	defaultReplication = 2 * time.Minute
	defaultMaxBackoff  = 5 * time.Minute
	defaultSettleTime  = 10 * time.Second
	// minReplication keeps replication windows over a minute long, as
	// Salesforce wants (it counts whole minutes).
	minReplication = 61 * time.Second
	// replicationSkew starts the first replication window this much before
	// the full pull, for clocks that disagree.
	replicationSkew = time.Minute
	// idsPerQuery bounds the ids of one "WHERE Id IN (...)" query, so that
	// its URL stays short.
	idsPerQuery = 100
)

// RecordSync pulls records from Salesforce into a store.
type RecordSync struct {
	// API is the org's REST API.
	API API
	// Store receives the records, the cursors and the sync state.
	Store *store.Store
	// Interval is the time between two pulls of changes; zero means 5s.
	Interval time.Duration
	// ReplicationEvery is how often the replication resources (sObject
	// deleted and updated) are asked, and so the least window they are
	// asked about (Salesforce wants more than a minute: shorter values
	// count as 61s); zero means two minutes, negative never.
	ReplicationEvery time.Duration
	// SettleTime is how long after the newest LastModifiedDate pulled the
	// sync asks for that second again, since changes may still land in it
	// (LastModifiedDate has whole seconds) and clocks differ a little;
	// zero means 10s. Changes that commit later still come from the
	// replication resources.
	SettleTime time.Duration
	// MaxBackoff caps the wait after repeated temporary failures (network,
	// 5xx, API limit): it doubles from Interval up to this; zero means 5
	// minutes.
	MaxBackoff time.Duration
	// Logger gets progress and errors; never tokens.
	Logger *slog.Logger
	// Now returns the current time; nil means time.Now.
	Now func() time.Time

	// noReplication marks the objects whose replication resources
	// Salesforce does not serve, for the rest of this run.
	noReplication map[string]bool
}

// Run pulls all records of Objects, then every Interval the ones changed
// since, until ctx is done (it then returns nil) or an error that needs the
// admin happens (it then records it in the store and returns it). Errors
// worth retrying are recorded as the last error and retried with
// exponential backoff. The store's record sync must have been started with
// StartRecordSync; a sync that was running when the program stopped is
// resumed by calling Run again: it goes on from the stored cursors.
func (rs *RecordSync) Run(ctx context.Context) error {
	rs.noReplication = map[string]bool{}
	interval := rs.interval()
	maxBackoff := rs.MaxBackoff
	if maxBackoff <= 0 {
		maxBackoff = defaultMaxBackoff
	}
	failures := 0
	initial := rs.Store.RecordSync().State != store.SyncRunning
	for {
		err := rs.pullAll(ctx)
		switch {
		case ctx.Err() != nil:
			return nil
		case err == nil:
			if initial {
				rs.Logger.Info("initial record sync done")
			}
			initial, failures = false, 0
			if err := rs.Store.RecordSyncRunning(rs.now()); err != nil {
				rs.Logger.Error("cannot record the sync state", "err", err)
			}
		case salesforce.IsTemporary(err):
			failures++
			wait := backoff(interval, failures, maxBackoff)
			rs.Logger.Warn("record sync will retry", "err", err, "in", wait.Round(time.Millisecond))
			if err := rs.Store.RecordSyncError(err); err != nil {
				rs.Logger.Error("cannot record the sync error", "err", err)
			}
		default:
			rs.Logger.Error("record sync failed", "err", err)
			if err := rs.Store.RecordSyncFailed(err); err != nil {
				rs.Logger.Error("cannot record the sync failure", "err", err)
			}
			return err
		}
		wait := interval
		if failures > 0 {
			wait = backoff(interval, failures, maxBackoff)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
}

// backoff is the wait after the n-th temporary failure in a row: base
// doubled n times, at most limit, with up to 20% of jitter.
func backoff(base time.Duration, n int, limit time.Duration) time.Duration {
	d := base
	for i := 0; i < n && d < limit; i++ {
		d *= 2
	}
	d = min(d, limit)
	return d + time.Duration(rand.Int64N(int64(d)/5+1))
}

func (rs *RecordSync) interval() time.Duration {
	if rs.Interval <= 0 {
		return defaultInterval
	}
	return rs.Interval
}

func (rs *RecordSync) settleTime() time.Duration {
	if rs.SettleTime <= 0 {
		return defaultSettleTime
	}
	return rs.SettleTime
}

func (rs *RecordSync) now() time.Time {
	if rs.Now == nil {
		return time.Now()
	}
	return rs.Now()
}

// pullAll pulls each object's records changed since its last pull.
func (rs *RecordSync) pullAll(ctx context.Context) error {
	for _, object := range Objects {
		cur, err := rs.pull(ctx, object)
		if err != nil {
			return err
		}
		if err := rs.replicate(ctx, object, cur); err != nil {
			return err
		}
	}
	return nil
}

// pull runs (or goes on with) one pull of object and returns its cursor
// after it.
func (rs *RecordSync) pull(ctx context.Context, object string) (store.Cursor, error) {
	described, ok := rs.Store.Fields(object)
	if !ok {
		return store.Cursor{}, fmt.Errorf("syncjob: records %s: %w", object, errNoFields)
	}
	cur, err := rs.Store.Cursor(object)
	if err != nil {
		return cur, fmt.Errorf("syncjob: records %s: %w", object, err)
	}
	incremental := cur.FullDone
	fields := SelectFields(object, described)
	if incremental && slices.ContainsFunc(described, func(f store.Field) bool { return f.Name == "IsDeleted" }) {
		fields = append(fields, "IsDeleted")
	}
	if !cur.Pulling {
		cur.Pulling, cur.PullFrom, cur.NextRecordsURL = true, time.Time{}, ""
		if !cur.FullDone && cur.ReplicatedTo.IsZero() {
			cur.ReplicatedTo = rs.now().Add(-replicationSkew)
		}
	}
	var pulled, added, removed int
	page := func(p salesforce.Page) error {
		versions := make([]store.RecordVersion, 0, len(p.Records))
		newest := cur.PullFrom
		for _, r := range p.Records {
			v := version(r)
			if v.LastModified.After(newest) {
				newest = v.LastModified
			}
			versions = append(versions, v)
		}
		next := cur
		next.PullFrom, next.NextRecordsURL = newest, p.NextRecordsURL
		if p.NextRecordsURL == "" {
			next.Pulling, next.FullDone = false, true
			if newest.After(next.Since) {
				next.Since = newest
			}
			next.PullFrom = time.Time{}
		}
		a, d, err := rs.Store.SavePage(object, versions, &next)
		if err != nil {
			return err
		}
		cur = next
		pulled, added, removed = pulled+len(versions), added+a, removed+d
		return nil
	}

	resumed := false
	if cur.NextRecordsURL != "" {
		err = rs.API.QueryMore(ctx, cur.NextRecordsURL, page)
		resumed = true
		if salesforce.IsInvalidLocator(err) {
			rs.Logger.Info("the saved query locator expired; querying again from the cursor", "object", object)
			cur.NextRecordsURL, err, resumed = "", nil, false
		}
	}
	// A locator can also expire between two pages of this very query
	// (Salesforce forgets it after 15 minutes of inactivity, or when the
	// org's clock moves past that): the pages stored so far moved PullFrom
	// on, so the query goes on from there, a bounded number of times.
	for retries := 0; !resumed; retries++ {
		// LastModifiedDate counts whole seconds: until the second of Since
		// is surely over, a change may still land in it after this pull,
		// so ask for it again (">="); storing by Id makes the repeats
		// harmless. Later, ">" spares reading that second's records again.
		after, inclusive := cur.Since, rs.now().Sub(cur.Since) < rs.settleTime()
		if !cur.PullFrom.IsZero() {
			// Going on with a pull that was cut short: ordered by
			// LastModifiedDate, it stored everything before PullFrom.
			after, inclusive = cur.PullFrom, true
		}
		soql := SelectQuery(object, fields, after, inclusive)
		if incremental {
			err = rs.API.QueryAll(ctx, soql, page)
		} else {
			err = rs.API.Query(ctx, soql, page)
		}
		if !salesforce.IsInvalidLocator(err) || retries == maxLocatorRetries {
			break
		}
		rs.Logger.Info("the query locator expired between two pages; querying again from the last page stored", "object", object)
		cur.NextRecordsURL, err = "", nil
	}
	if err != nil {
		return cur, fmt.Errorf("syncjob: records %s: %w", object, err)
	}
	if added > 0 || removed > 0 || !incremental {
		rs.Logger.Info("records pulled", "object", object, "pulled", pulled, "new", added, "deleted", removed, "full", !incremental, "resumed", resumed)
	}
	return cur, nil
}

// maxLocatorRetries bounds the queries run again in one pull after a
// locator expired between pages: each goes on from the last page stored,
// so a second expiry in a row means something else is wrong.
const maxLocatorRetries = 2

// version turns a query record into what the store keeps.
func version(r salesforce.Record) store.RecordVersion {
	v := store.RecordVersion{Fields: store.Record(r)}
	v.ID, _ = r["Id"].(string)
	if s, ok := r["LastModifiedDate"].(string); ok {
		v.LastModified, _ = ParseDateTime(s)
	}
	if deleted, _ := r["IsDeleted"].(bool); deleted {
		v.Deleted, v.Fields = true, nil
	}
	delete(r, "IsDeleted")
	return v
}

// validID matches a Salesforce record id, which is all that goes into a
// SOQL literal here.
var validID = regexp.MustCompile(`^[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?$`)

// replicate asks the replication resources of object about the window
// since cur.ReplicatedTo, when it is long enough: it removes the records
// deleted in it, and reads again the records updated in it.
func (rs *RecordSync) replicate(ctx context.Context, object string, cur store.Cursor) error {
	every := rs.ReplicationEvery
	if every == 0 {
		every = defaultReplication
	}
	if every > 0 && every < minReplication {
		every = minReplication
	}
	if every < 0 || rs.noReplication[object] || !cur.FullDone || cur.Pulling {
		return nil
	}
	start, end := cur.ReplicatedTo, rs.now()
	if start.IsZero() {
		start = end.Add(-every)
	}
	if end.Sub(start) < every {
		return nil
	}
	// handled deals with a replication resource that is not served (404:
	// do without it for this run) or refuses the window (400, such as a
	// start older than Salesforce keeps: skip the window). Deletions still
	// come from queryAll either way.
	handled := func(resource string, err error) (bool, error) {
		var apiErr *salesforce.APIError
		switch {
		case !salesforce.IsNotAvailable(err) || !errors.As(err, &apiErr):
			return false, err
		case apiErr.StatusCode == http.StatusBadRequest:
			rs.Logger.Warn("Salesforce refused the replication window; skipping it", "object", object, "resource", resource, "err", err)
			cur.ReplicatedTo = end
			return true, rs.Store.SaveCursor(object, cur)
		default:
			rs.noReplication[object] = true
			rs.Logger.Info("Salesforce does not serve the replication resource; deletions come from queryAll", "object", object, "resource", resource, "err", err)
			return true, nil
		}
	}
	deleted, err := rs.API.Deleted(ctx, object, start, end)
	if err != nil {
		if ok, err := handled("deleted", err); ok {
			return err
		}
		return fmt.Errorf("syncjob: replication %s: %w", object, err)
	}
	updated, err := rs.API.Updated(ctx, object, start, end)
	if err != nil {
		if ok, err := handled("updated", err); ok {
			return err
		}
		return fmt.Errorf("syncjob: replication %s: %w", object, err)
	}

	var versions []store.RecordVersion
	for _, d := range deleted.DeletedRecords {
		at, _ := ParseDateTime(d.DeletedDate)
		versions = append(versions, store.RecordVersion{ID: d.ID, LastModified: at, Deleted: true})
	}
	// The LastModifiedDate polls pulled most of these already, but cannot
	// tell which: read them all again (an equal or older version changes
	// nothing).
	ids := slices.DeleteFunc(slices.Clone(updated.IDs), func(id string) bool { return !validID.MatchString(id) })
	if len(ids) > 0 {
		described, _ := rs.Store.Fields(object)
		fields := SelectFields(object, described)
		for chunk := range slices.Chunk(ids, idsPerQuery) {
			soql := "SELECT " + strings.Join(fields, ", ") + " FROM " + object + " WHERE Id IN ('" + strings.Join(chunk, "', '") + "')"
			err := rs.API.Query(ctx, soql, func(p salesforce.Page) error {
				for _, r := range p.Records {
					versions = append(versions, version(r))
				}
				return nil
			})
			if err != nil {
				return fmt.Errorf("syncjob: replication %s: %w", object, err)
			}
		}
	}
	// The next window starts where both answers ended.
	covered := end
	for _, s := range []string{deleted.LatestDateCovered, updated.LatestDateCovered} {
		if t, err := ParseDateTime(s); err == nil && t.Before(covered) {
			covered = t
		}
	}
	if covered.Before(start) {
		covered = start
	}
	cur.ReplicatedTo = covered
	added, removed, err := rs.Store.SavePage(object, versions, &cur)
	if err != nil {
		return fmt.Errorf("syncjob: replication %s: %w", object, err)
	}
	rs.Logger.Info("replication window applied", "object", object, "deletedInWindow", len(deleted.DeletedRecords),
		"updatedInWindow", len(updated.IDs), "new", added, "deleted", removed, "to", covered)
	return nil
}

// errNoFields means the record sync started before the field sync finished.
var errNoFields = errors.New("field sync has not finished")
