package store

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sfharness/sfharness/mocksf/sfid"
)

// ErrRequestLimitExceeded is returned by CountAPIRequest once an org has
// used its daily API allocation.
var ErrRequestLimitExceeded = errors.New("TotalRequests Limit exceeded")

// API allocations Salesforce gives by edition when the seed sets none:
// Developer Edition orgs get a flat 15,000 requests a day; the other
// editions 100,000 plus 1,000 per user license.
const (
	developerDailyLimit = 15000
	baseDailyLimit      = 100000
	perUserDailyLimit   = 1000
)

// usageWindow counts an org's API requests over the last 24 hours, by
// minute.
type usageWindow struct {
	mu      sync.Mutex
	minutes []usageMinute // oldest first
	total   int
}

type usageMinute struct {
	minute int64 // Unix minute
	n      int
}

// expire drops the minutes that left the rolling 24 hours; w.mu must be
// held.
func (w *usageWindow) expire(now time.Time) {
	oldest := now.Unix()/60 - 24*60
	i := 0
	for i < len(w.minutes) && w.minutes[i].minute <= oldest {
		w.total -= w.minutes[i].n
		i++
	}
	w.minutes = w.minutes[i:]
}

func (w *usageWindow) add(now time.Time) {
	m := now.Unix() / 60
	if n := len(w.minutes); n > 0 && w.minutes[n-1].minute == m {
		w.minutes[n-1].n++
	} else {
		w.minutes = append(w.minutes, usageMinute{minute: m, n: 1})
	}
	w.total++
}

// APIUsage is an org's API requests in the rolling 24 hours and its daily
// allocation, as Sforce-Limit-Info and /limits report them.
type APIUsage struct {
	Used int
	Max  int
}

// CountAPIRequest counts one API request of the org, unless the org has
// used its allocation already: then it fails with ErrRequestLimitExceeded
// and does not count. Either way it returns the usage after the call.
func (s *Store) CountAPIRequest(orgID string) (APIUsage, error) {
	w, max, err := s.usage(orgID)
	if err != nil {
		return APIUsage{}, err
	}
	now := s.NowIn(orgID)
	w.mu.Lock()
	defer w.mu.Unlock()
	w.expire(now)
	if w.total >= max {
		return APIUsage{Used: w.total, Max: max}, ErrRequestLimitExceeded
	}
	w.add(now)
	return APIUsage{Used: w.total, Max: max}, nil
}

// APIUsageOf returns the org's usage without counting a request.
func (s *Store) APIUsageOf(orgID string) (APIUsage, error) {
	w, max, err := s.usage(orgID)
	if err != nil {
		return APIUsage{}, err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.expire(s.NowIn(orgID))
	return APIUsage{Used: w.total, Max: max}, nil
}

// usage returns the org's usage window and daily allocation.
func (s *Store) usage(orgID string) (*usageWindow, int, error) {
	orgID = sfid.To18(orgID)
	s.mu.RLock()
	defer s.mu.RUnlock()
	org, ok := s.orgs[orgID]
	if !ok {
		return nil, 0, fmt.Errorf("store: org %s: %w", orgID, ErrNotFound)
	}
	max := org.dailyLimit
	if max == 0 {
		max = developerDailyLimit
		if !strings.EqualFold(org.Edition, "Developer") {
			max = baseDailyLimit
			for _, u := range s.users {
				if u.OrgID == orgID {
					max += perUserDailyLimit
				}
			}
		}
	}
	return &org.usage, max, nil
}

// NewestAPIVersion returns the newest REST API version the org serves,
// such as "66.0", or "" when the seed set none (the server's setting
// applies).
func (s *Store) NewestAPIVersion(orgID string) string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.orgLocked(sfid.To18(orgID)).newestVersion
}

// apiVersionPattern is a REST API version as the seed gives it: "66.0".
var apiVersionPattern = regexp.MustCompile(`^[0-9]{2}\.0$`)

// validateAPISettings checks an org's apiDailyLimit and newestApiVersion.
func validateAPISettings(where string, o OrgSpec) []error {
	var errs []error
	if _, err := sessionTimeout(where, o.SessionTimeout); err != nil {
		errs = append(errs, err)
	}
	if o.APIDailyLimit < 0 {
		errs = append(errs, fmt.Errorf("%s.apiDailyLimit %d: want a positive number of requests, or 0 for the edition's default", where, o.APIDailyLimit))
	}
	if v := o.NewestAPIVersion; v != "" {
		major, _ := strconv.Atoi(strings.TrimSuffix(v, ".0"))
		if !apiVersionPattern.MatchString(v) || major < 20 {
			errs = append(errs, fmt.Errorf("%s.newestApiVersion %q: want a version like \"66.0\", 20.0 or later", where, v))
		}
	}
	return errs
}

// sessionTimeout reads an org's sessionTimeout: empty is 0 (the default),
// anything else a positive Go duration.
func sessionTimeout(where, s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%s.sessionTimeout %q: want a duration like 15m or 2h", where, s)
	}
	return d, nil
}
