package store_test

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/sfharness/sfharness/mocksf/sfid"
	"github.com/sfharness/sfharness/mocksf/store"
)

func TestInsertRecord(t *testing.T) {
	t.Parallel()
	tests := []struct {
		object     string
		wantPrefix string
	}{
		{"Lead", "00Q"},
		{"Account", "001"},
		{"Opportunity", "006"},
		{"Widget__c", "a00"},
	}
	for _, tc := range tests {
		t.Run(tc.object, func(t *testing.T) {
			t.Parallel()
			s := newSeeded(t)
			now := s.clock.Advance(time.Hour)
			fields := map[string]any{"Name": "One", "Amount": 12.5, "Nested": map[string]any{"a": 1}}
			got, err := s.store.InsertRecord(s.globex.ID, tc.object, s.ceo.ID, fields)
			if err != nil {
				t.Fatalf("InsertRecord error = %v; want nil", err)
			}
			if prefix, err := sfid.Prefix(got.ID); err != nil || prefix != tc.wantPrefix || len(got.ID) != 18 {
				t.Errorf("ID = %q; want an 18-character id with prefix %q", got.ID, tc.wantPrefix)
			}
			if got.Object != tc.object || got.CreatedByID != s.ceo.ID || got.IsDeleted {
				t.Errorf("InsertRecord = %+v; want a live %s created by %s", got, tc.object, s.ceo.ID)
			}
			if !got.CreatedDate.Equal(now) || !got.LastModifiedDate.Equal(now) {
				t.Errorf("CreatedDate, LastModifiedDate = %v, %v; want the clock's %v", got.CreatedDate, got.LastModifiedDate, now)
			}
			if got.CreatedDate.Location() != time.UTC || got.LastModifiedDate.Location() != time.UTC {
				t.Errorf("dates in %v, %v; want UTC", got.CreatedDate.Location(), got.LastModifiedDate.Location())
			}
			want := map[string]any{"Name": "One", "Amount": 12.5, "Nested": map[string]any{"a": 1}}
			if !reflect.DeepEqual(got.Fields, want) {
				t.Errorf("Fields = %v; want %v", got.Fields, want)
			}
			// Changing the caller's map afterwards does not change the record.
			fields["Name"] = "Changed"
			delete(fields, "Amount")
			stored, err := s.store.Record(s.globex.ID, tc.object, got.ID)
			if err != nil {
				t.Fatalf("Record error = %v; want nil", err)
			}
			if !reflect.DeepEqual(stored, got) {
				t.Errorf("Record = %+v; want %+v", stored, got)
			}
			if objects := s.store.Objects(s.globex.ID); !slices.Equal(objects, []string{tc.object}) {
				t.Errorf("Objects(Globex) = %q; want [%s]", objects, tc.object)
			}
		})
	}
}

func TestInsertRecordNilFields(t *testing.T) {
	t.Parallel()
	s := newSeeded(t)
	got, err := s.store.InsertRecord(s.globex.ID, "Lead", "", nil)
	if err != nil {
		t.Fatalf("InsertRecord(nil fields) error = %v; want nil", err)
	}
	if got.Fields == nil || len(got.Fields) != 0 || got.CreatedByID != "" {
		t.Errorf("InsertRecord(nil fields) = %+v; want an empty, non-nil Fields and no creator", got)
	}
}

func TestInsertRecordUnknownOrg(t *testing.T) {
	t.Parallel()
	s := newSeeded(t)
	for _, org := range []string{"", "00D5g0000000zzzAAA", sfid.To15(s.acme.ID)} {
		if _, err := s.store.InsertRecord(org, "Lead", "", map[string]any{"LastName": "X"}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("InsertRecord(org %q) error = %v; want ErrNotFound", org, err)
		}
	}
	if got := len(s.store.Records(s.acme.ID, "Lead")); got != 4 {
		t.Errorf("len(Records(Acme, Lead)) = %d; want the seeded 4", got)
	}
}

func TestRecordsOrder(t *testing.T) {
	t.Parallel()
	s := newSeeded(t)
	const n = 150
	var want []string
	for i := 0; i < n; i++ {
		// Interleave another object so IDs of one object are not consecutive.
		if _, err := s.store.InsertRecord(s.globex.ID, "Contact", "", nil); err != nil {
			t.Fatal(err)
		}
		r, err := s.store.InsertRecord(s.globex.ID, "Account", "", map[string]any{"Name": fmt.Sprint(i)})
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, r.ID)
	}
	var got []string
	for i, r := range s.store.Records(s.globex.ID, "Account") {
		got = append(got, r.ID)
		if r.Fields["Name"] != fmt.Sprint(i) {
			t.Errorf("Records[%d].Name = %v; want %d", i, r.Fields["Name"], i)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("Records ids = %q; want creation order %q", got, want)
	}
	if got := s.store.Records(s.globex.ID, "Nothing"); got == nil || len(got) != 0 {
		t.Errorf("Records(no such object) = %#v; want an empty slice", got)
	}
	if got := s.store.Records("nope", "Account"); len(got) != 0 {
		t.Errorf("Records(unknown org) = %d records; want none", len(got))
	}
	if got, want := s.store.Objects(s.globex.ID), []string{"Account", "Contact"}; !slices.Equal(got, want) {
		t.Errorf("Objects(Globex) = %q; want %q", got, want)
	}
}

func TestRecord(t *testing.T) {
	t.Parallel()
	s := newSeeded(t)
	r, err := s.store.InsertRecord(s.acme.ID, "Account", s.admin.ID, map[string]any{"Name": "Acme"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, org, object, id string
		wantErr               error
	}{
		{"18 characters", s.acme.ID, "Account", r.ID, nil},
		{"15 characters", s.acme.ID, "Account", sfid.To15(r.ID), nil},
		{"15 characters in the wrong case", s.acme.ID, "Account", strToggleCase(sfid.To15(r.ID)), store.ErrNotFound},
		{"wrong object", s.acme.ID, "Contact", r.ID, store.ErrNotFound},
		{"wrong org", s.globex.ID, "Account", r.ID, store.ErrNotFound},
		{"unknown id", s.acme.ID, "Account", sfid.New("001", 999999), store.ErrNotFound},
		{"empty id", s.acme.ID, "Account", "", store.ErrNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := s.store.Record(tc.org, tc.object, tc.id)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("Record(%q) error = %v; want %v", tc.id, err, tc.wantErr)
			}
			if tc.wantErr == nil && !reflect.DeepEqual(got, r) {
				t.Errorf("Record(%q) = %+v; want %+v", tc.id, got, r)
			}
		})
	}
}

// strToggleCase swaps the case of every letter.
func strToggleCase(s string) string {
	b := []byte(s)
	for i, c := range b {
		switch {
		case c >= 'a' && c <= 'z':
			b[i] = c - 'a' + 'A'
		case c >= 'A' && c <= 'Z':
			b[i] = c - 'A' + 'a'
		}
	}
	return string(b)
}

func TestUpdateRecord(t *testing.T) {
	t.Parallel()
	s := newSeeded(t)
	created := s.clock.Now()
	r, err := s.store.InsertRecord(s.acme.ID, "Lead", s.admin.ID, map[string]any{"LastName": "Hopper", "Company": "Navy", "Status": "Open"})
	if err != nil {
		t.Fatal(err)
	}
	later := s.clock.Advance(90 * time.Minute)
	got, err := s.store.UpdateRecord(s.acme.ID, "Lead", sfid.To15(r.ID), map[string]any{"Company": "Cobol Systems", "Status": nil, "Email": "grace@example.com"})
	if err != nil {
		t.Fatalf("UpdateRecord error = %v; want nil", err)
	}
	wantFields := map[string]any{"LastName": "Hopper", "Company": "Cobol Systems", "Email": "grace@example.com"}
	if !reflect.DeepEqual(got.Fields, wantFields) {
		t.Errorf("Fields = %v; want %v (nil clears a field)", got.Fields, wantFields)
	}
	if !got.LastModifiedDate.Equal(later) || got.LastModifiedDate.Location() != time.UTC {
		t.Errorf("LastModifiedDate = %v; want the clock's %v in UTC", got.LastModifiedDate, later)
	}
	if !got.CreatedDate.Equal(created) || got.CreatedByID != s.admin.ID || got.ID != r.ID {
		t.Errorf("UpdateRecord = %+v; want ID, CreatedDate and CreatedByID unchanged", got)
	}
	if stored, _ := s.store.Record(s.acme.ID, "Lead", r.ID); !reflect.DeepEqual(stored, got) {
		t.Errorf("Record after update = %+v; want %+v", stored, got)
	}

	tests := []struct {
		name, org, object, id string
	}{
		{"wrong object", s.acme.ID, "Contact", r.ID},
		{"wrong org", s.globex.ID, "Lead", r.ID},
		{"unknown id", s.acme.ID, "Lead", sfid.New("00Q", 999999)},
	}
	for _, tc := range tests {
		if _, err := s.store.UpdateRecord(tc.org, tc.object, tc.id, map[string]any{"Company": "X"}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s: UpdateRecord error = %v; want ErrNotFound", tc.name, err)
		}
	}
}

func TestDeleteRecord(t *testing.T) {
	t.Parallel()
	s := newSeeded(t)
	r, err := s.store.InsertRecord(s.acme.ID, "Lead", "", map[string]any{"LastName": "Turing"})
	if err != nil {
		t.Fatal(err)
	}
	later := s.clock.Advance(time.Minute)
	if err := s.store.DeleteRecord(s.acme.ID, "Lead", sfid.To15(r.ID)); err != nil {
		t.Fatalf("DeleteRecord error = %v; want nil", err)
	}
	got, err := s.store.Record(s.acme.ID, "Lead", r.ID)
	if err != nil {
		t.Fatalf("Record of a deleted record error = %v; want it still there", err)
	}
	if !got.IsDeleted || !got.LastModifiedDate.Equal(later) || got.Fields["LastName"] != "Turing" {
		t.Errorf("deleted record = %+v; want IsDeleted, LastModifiedDate %v, fields kept", got, later)
	}
	var inRecords bool
	for _, rec := range s.store.Records(s.acme.ID, "Lead") {
		if rec.ID == r.ID {
			inRecords = rec.IsDeleted
		}
	}
	if !inRecords {
		t.Errorf("Records does not list the deleted record with IsDeleted; want it listed")
	}
	if err := s.store.DeleteRecord(s.acme.ID, "Lead", r.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("second DeleteRecord error = %v; want ErrNotFound", err)
	}
	if _, err := s.store.UpdateRecord(s.acme.ID, "Lead", r.ID, map[string]any{"LastName": "X"}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("UpdateRecord of a deleted record error = %v; want ErrNotFound", err)
	}
	if err := s.store.DeleteRecord(s.acme.ID, "Lead", sfid.New("00Q", 999999)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("DeleteRecord(unknown) error = %v; want ErrNotFound", err)
	}
}

// Records handed out are copies: changing their Fields changes nothing.
func TestRecordCopies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		get  func(s *seeded, id string) store.Record
	}{
		{"InsertRecord", nil},
		{"Record", func(s *seeded, id string) store.Record {
			r, _ := s.store.Record(s.acme.ID, "Account", id)
			return r
		}},
		{"Records", func(s *seeded, id string) store.Record {
			rs := s.store.Records(s.acme.ID, "Account")
			return rs[len(rs)-1]
		}},
		{"UpdateRecord", func(s *seeded, id string) store.Record {
			r, _ := s.store.UpdateRecord(s.acme.ID, "Account", id, nil)
			return r
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newSeeded(t)
			r, err := s.store.InsertRecord(s.acme.ID, "Account", "", map[string]any{"Name": "Original"})
			if err != nil {
				t.Fatal(err)
			}
			if tc.get != nil {
				r = tc.get(s, r.ID)
			}
			r.Fields["Name"] = "Changed"
			r.Fields["Extra"] = true
			stored, _ := s.store.Record(s.acme.ID, "Account", r.ID)
			if want := map[string]any{"Name": "Original"}; !reflect.DeepEqual(stored.Fields, want) {
				t.Errorf("stored Fields after changing a copy = %v; want %v", stored.Fields, want)
			}
		})
	}
}

func TestGeneratedFields(t *testing.T) {
	t.Parallel()
	tests := []struct {
		object string
		n      int
		want   map[string]any
	}{
		{"Lead", 0, map[string]any{
			"FirstName": "Ada", "LastName": "Lovelace 1", "Company": "Analytical Engines 1",
			"Email": "lead1@example.com", "Status": "Open - Not Contacted",
		}},
		{"Lead", 12, map[string]any{
			"FirstName": "Ada", "LastName": "Hopper 13", "Company": "Abstraction Inc 2",
			"Email": "lead13@example.com", "Status": "Open - Not Contacted",
		}},
		{"Lead", 143, map[string]any{
			"FirstName": "Tim", "LastName": "Berners-Lee 144", "Company": "Unix Labs 18",
			"Email": "lead144@example.com", "Status": "Open - Not Contacted",
		}},
		{"Lead", 144, map[string]any{
			"FirstName": "Ada", "LastName": "Lovelace 145", "Company": "Analytical Engines 19",
			"Email": "lead145@example.com", "Status": "Open - Not Contacted",
		}},
		{"Contact", 1, map[string]any{"FirstName": "Grace", "LastName": "Lovelace 2", "Email": "contact2@example.com"}},
		{"Account", 0, map[string]any{"Name": "Analytical Engines 1", "Industry": "Technology"}},
		{"Account", 7, map[string]any{"Name": "Unix Labs 1", "Industry": "Manufacturing"}},
		{"Account", 8, map[string]any{"Name": "Analytical Engines 2", "Industry": "Finance"}},
		{"Opportunity", 4, map[string]any{"Name": "Opportunity 5"}},
		{"Widget__c", 0, map[string]any{"Name": "Widget__c 1"}},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%s %d", tc.object, tc.n), func(t *testing.T) {
			t.Parallel()
			got := store.GeneratedFields(tc.object, tc.n)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("GeneratedFields(%q, %d) = %v; want %v", tc.object, tc.n, got, tc.want)
			}
			// Same input, same output, in a map of its own.
			got["Name"] = "Changed"
			if again := store.GeneratedFields(tc.object, tc.n); !reflect.DeepEqual(again, tc.want) {
				t.Errorf("GeneratedFields(%q, %d) second call = %v; want %v", tc.object, tc.n, again, tc.want)
			}
		})
	}
}

// Generated records of one seed are distinct people and companies.
func TestGeneratedFieldsDistinct(t *testing.T) {
	t.Parallel()
	for _, object := range []string{"Lead", "Contact"} {
		seen := map[string]int{}
		for n := 0; n < 3000; n++ {
			f := store.GeneratedFields(object, n)
			key := fmt.Sprint(f["FirstName"], " ", f["LastName"])
			if prev, ok := seen[key]; ok {
				t.Fatalf("GeneratedFields(%s, %d) and (%s, %d) are both %q", object, n, object, prev, key)
			}
			seen[key] = n
		}
	}
}
