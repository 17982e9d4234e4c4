package rest

import (
	"fmt"
	"testing"
	"time"
)

// Each user keeps PerUser cursors: an eleventh releases that user's
// oldest and nobody else's.
func TestCursorCacheEvictsOldestOfTheUser(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)
	cc := newCursorCache(CursorLimits{PerUser: 3})
	other := &cursor{orgID: "org2", userID: "u2"}
	cc.add(other, now)
	var ids []string
	for i := range 5 {
		c := &cursor{orgID: "org", userID: "u1", resource: fmt.Sprint(i)}
		cc.add(c, now)
		ids = append(ids, c.id)
	}
	for i, id := range ids {
		_, ok := cc.get(id, "org", now)
		if want := i >= 2; ok != want {
			t.Errorf("cursor %d found = %v; want %v", i, ok, want)
		}
	}
	if _, ok := cc.get(other.id, "org2", now); !ok {
		t.Error("the other user's cursor was released by u1's")
	}
	if n := cc.count(); n != 4 {
		t.Errorf("%d cursors kept; want 4", n)
	}
	if n := len(cc.byUser["u1"]); n != 3 {
		t.Errorf("u1's list holds %d IDs; want 3", n)
	}
}

// Cursors nobody asks for again are swept once they expire, with their
// users' lists, however many users made them.
func TestCursorCacheSweepsExpired(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)
	cc := newCursorCache(CursorLimits{})
	for i := range 1000 {
		cc.add(&cursor{orgID: "org", userID: fmt.Sprint("u", i)}, now.Add(time.Duration(i)*time.Minute))
	}
	// 1,000 minutes in, only the last 15 minutes' cursors are alive, and
	// a sweep comes at least every max(64, kept/2) adds.
	if n := cc.count(); n > 15+64 {
		t.Errorf("%d cursors kept after 1,000 minutes of one a minute; want at most %d", n, 15+64)
	}
	if len(cc.byUser) > 15+64 {
		t.Errorf("%d users' lists kept; want at most %d", len(cc.byUser), 15+64)
	}
	if _, ok := cc.get("01gnothere", "org", now); ok {
		t.Error("an unknown locator was found")
	}
}

func TestLocatorIDs(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for range 1000 {
		id := newLocatorID()
		if len(id) != 18 || id[:3] != "01g" || seen[id] {
			t.Fatalf("locator %q: want a fresh 18-character ID with prefix 01g", id)
		}
		seen[id] = true
	}
}

func TestReleaseLabel(t *testing.T) {
	t.Parallel()
	for major, want := range map[int]string{
		20: "Winter '11", 21: "Spring '11", 22: "Summer '11", 23: "Winter '12", 42: "Spring ’18",
		44: "Winter '19", 45: "Spring '19", 59: "Winter '24", 65: "Winter '26", 66: "Spring '26", 67: "Summer '26", 68: "Winter '27",
	} {
		if got := releaseLabel(major); got != want {
			t.Errorf("releaseLabel(%d) = %q; want %q", major, got, want)
		}
	}
}

func TestNewestVersionSetting(t *testing.T) {
	t.Parallel()
	for setting, want := range map[string]string{"": "67.0", "66.0": "66.0", "68.0": "68.0", "junk": "67.0", "66": "67.0"} {
		if got := (Deps{NewestVersion: setting}).newestVersion().String(); got != want {
			t.Errorf("NewestVersion %q serves up to %s; want %s", setting, got, want)
		}
	}
}

func TestBatchSize(t *testing.T) {
	t.Parallel()
	for header, want := range map[string]int{
		"": 2000, "batchSize=500": 500, "BATCHSIZE=300": 300, "batchSize=199": 200, "batchSize=2001": 2000,
		"batchSize=-5": 200, "foo=1, batchSize=700": 700, "batchSize=": 2000, "batchSize": 2000,
	} {
		if got := batchSize(header); got != want {
			t.Errorf("batchSize(%q) = %d; want %d", header, got, want)
		}
	}
}

func TestSchemaInvariants(t *testing.T) {
	t.Parallel()
	for _, o := range standardSchema.sorted {
		if o.keyPrefix == "" {
			t.Errorf("%s has no key prefix", o.name)
		}
		seen := map[string]bool{}
		for _, f := range o.fields {
			if seen[f.name] {
				t.Errorf("%s.%s is defined twice", o.name, f.name)
			}
			seen[f.name] = true
			if f.isText() && f.length == 0 {
				t.Errorf("%s.%s is text without a length", o.name, f.name)
			}
			if f.compoundFieldName != "" && !o.hasField(f.compoundFieldName) {
				t.Errorf("%s.%s belongs to missing compound field %s", o.name, f.name, f.compoundFieldName)
			}
			if f.typ == "reference" {
				for _, to := range f.referenceTo {
					if _, ok := standardSchema.object(to); !ok && to != "Group" {
						t.Errorf("%s.%s refers to unknown object %s", o.name, f.name, to)
					}
				}
			}
		}
		for _, name := range []string{"Id", "CreatedDate", "CreatedById", "LastModifiedDate", "LastModifiedById", "SystemModstamp"} {
			if !seen[name] {
				t.Errorf("%s lacks %s", o.name, name)
			}
		}
	}
}
