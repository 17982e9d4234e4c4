package store

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/sfharness/sfharness/mocksf/sfid"
)

// ErrBulkLimit is returned when a Bulk API job would take an org past its
// cap on jobs or on the bytes its jobs keep.
var ErrBulkLimit = errors.New("bulk job limit exceeded")

// bulkJobPrefix is the key prefix of Bulk API job IDs (AsyncApexJob's, as
// Salesforce's 750... job IDs show).
const bulkJobPrefix = "750"

// BulkJob is one Bulk API 2.0 job of an org. The store keeps its ID,
// owner and size; what the job is (its info, uploaded data and results)
// is Data, a value the REST API package defines and never modifies once
// stored: an update stores a new value, so a BulkJob read from the store
// shares nothing that can change.
type BulkJob struct {
	ID    string // 18-character ID, key prefix 750
	OrgID string
	// Kind tells ingest jobs from query jobs, which Salesforce lists
	// apart.
	Kind string
	// Size is the bytes Data keeps, counted against the org's cap.
	Size int64
	Data any
}

// bulkJobs is the jobs of one org.
type bulkJobs struct {
	byID  map[string]*BulkJob
	bytes int64
}

// BulkLimits caps what an org's Bulk API jobs keep: how many jobs
// (MaxJobs) and the bytes of their data and results (MaxBytes). Zero
// means no cap.
type BulkLimits struct {
	MaxJobs  int
	MaxBytes int64
}

// CreateBulkJob stores a new job of an org. data is called with the job's
// fresh ID, under the store's lock, and returns what the job keeps and
// its size. It fails with ErrNotFound for an unknown org and ErrBulkLimit
// when the org is at its cap.
func (s *Store) CreateBulkJob(orgID, kind string, limits BulkLimits, data func(id string) (any, int64)) (BulkJob, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orgs[orgID]
	if !ok {
		return BulkJob{}, fmt.Errorf("store: bulk job: org %s: %w", orgID, ErrNotFound)
	}
	b := &o.bulk
	if limits.MaxJobs > 0 && len(b.byID) >= limits.MaxJobs {
		return BulkJob{}, fmt.Errorf("store: bulk job: org %s has %d jobs: %w", orgID, len(b.byID), ErrBulkLimit)
	}
	s.serial++
	j := &BulkJob{ID: sfid.New(bulkJobPrefix, s.serial), OrgID: orgID, Kind: kind}
	j.Data, j.Size = data(j.ID)
	if limits.MaxBytes > 0 && b.bytes+j.Size > limits.MaxBytes {
		return BulkJob{}, fmt.Errorf("store: bulk job: org %s: %w", orgID, ErrBulkLimit)
	}
	b.byID[j.ID] = j
	b.bytes += j.Size
	return *j, nil
}

// BulkJob returns one job of an org by its 15- or 18-character ID.
func (s *Store) BulkJob(orgID, id string) (BulkJob, error) {
	id = sfid.To18(id)
	s.mu.RLock()
	defer s.mu.RUnlock()
	if j, ok := s.orgLocked(orgID).bulk.byID[id]; ok {
		return *j, nil
	}
	return BulkJob{}, fmt.Errorf("store: bulk job %s: %w", id, ErrNotFound)
}

// BulkJobs returns an org's jobs of a kind ("" for all) in ID (creation)
// order.
func (s *Store) BulkJobs(orgID, kind string) []BulkJob {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []BulkJob
	for _, j := range s.orgLocked(orgID).bulk.byID {
		if kind == "" || j.Kind == kind {
			out = append(out, *j)
		}
	}
	slices.SortFunc(out, func(a, b BulkJob) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// UpdateBulkJob replaces a job's data with what fn returns for the
// current data, atomically: fn runs under the store's lock and must not
// call the store. When fn fails, or the new size would take the org past
// limits.MaxBytes (ErrBulkLimit), the job stays as it was.
func (s *Store) UpdateBulkJob(orgID, id string, limits BulkLimits, fn func(data any) (any, int64, error)) (BulkJob, error) {
	id = sfid.To18(id)
	s.mu.Lock()
	defer s.mu.Unlock()
	b := &s.orgLocked(orgID).bulk
	if b.byID[id] == nil {
		return BulkJob{}, fmt.Errorf("store: bulk job %s: %w", id, ErrNotFound)
	}
	j := b.byID[id]
	data, size, err := fn(j.Data)
	if err != nil {
		return BulkJob{}, err
	}
	if limits.MaxBytes > 0 && size > j.Size && b.bytes-j.Size+size > limits.MaxBytes {
		return BulkJob{}, fmt.Errorf("store: bulk job %s: %w", id, ErrBulkLimit)
	}
	b.bytes += size - j.Size
	next := *j
	next.Data, next.Size = data, size
	b.byID[j.ID] = &next
	return next, nil
}

// DeleteBulkJob removes a job. When check is not nil it runs first,
// under the store's lock, on the job's data: an error keeps the job.
func (s *Store) DeleteBulkJob(orgID, id string, check func(data any) error) error {
	id = sfid.To18(id)
	s.mu.Lock()
	defer s.mu.Unlock()
	b := &s.orgLocked(orgID).bulk
	if b.byID[id] == nil {
		return fmt.Errorf("store: delete bulk job %s: %w", id, ErrNotFound)
	}
	j := b.byID[id]
	if check != nil {
		if err := check(j.Data); err != nil {
			return err
		}
	}
	b.bytes -= j.Size
	delete(b.byID, j.ID)
	return nil
}
