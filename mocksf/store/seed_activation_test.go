package store_test

import (
	"testing"
	"time"

	"github.com/sfharness/sfharness/mocksf/store"
)

// TestSeedActivationDelay checks when seeded apps count as created: long
// before the run, so they are active at once, unless the seed gives them
// an activation delay, which then runs from now.
func TestSeedActivationDelay(t *testing.T) {
	t.Parallel()
	clock := newTestClock()
	st := store.New(clock.Now)
	results := mustApply(t, st, `
orgs:
  - name: Acme
    users:
      - {username: admin@activation.test, password: pw}
    connectedApps:
      - {name: Old, consumerKey: KEY-OLD}
      - {name: Propagating, consumerKey: KEY-NEW, activationDelay: 10m}
      - {name: No Delay, consumerKey: KEY-ZERO, activationDelay: 0s}
`)
	now := clock.Now()
	tests := []struct {
		key         string
		wantCreated time.Time
		wantDelay   *time.Duration
	}{
		{"KEY-OLD", now.Add(-24 * time.Hour), nil},
		{"KEY-NEW", now, durationPtr(10 * time.Minute)},
		{"KEY-ZERO", now, durationPtr(0)},
	}
	for _, tc := range tests {
		t.Run(tc.key, func(t *testing.T) {
			app, err := st.AppByKey(tc.key)
			if err != nil {
				t.Fatal(err)
			}
			if !app.CreatedAt.Equal(tc.wantCreated) {
				t.Errorf("CreatedAt = %v; want %v", app.CreatedAt, tc.wantCreated)
			}
			switch got := app.Policy.ActivationDelay; {
			case (got == nil) != (tc.wantDelay == nil):
				t.Errorf("ActivationDelay = %v; want %v", got, tc.wantDelay)
			case got != nil && *got != *tc.wantDelay:
				t.Errorf("ActivationDelay = %v; want %v", *got, *tc.wantDelay)
			}
		})
	}
	if len(results) != 1 || len(results[0].Apps) != 3 || !results[0].Apps[1].CreatedAt.Equal(now) {
		t.Errorf("Apply's results = %+v; want the propagating app created now", results)
	}
}

func durationPtr(d time.Duration) *time.Duration { return &d }
