package store_test

import (
	"errors"
	"testing"

	"github.com/sfharness/sfharness/mocksf/store"
)

func TestUpdateAppUnique(t *testing.T) {
	t.Parallel()
	s := newSeeded(t)
	other, err := s.store.CreateApp(store.ConnectedApp{OrgID: s.acme.ID, Name: "Other App", APIName: "Other_App"})
	if err != nil {
		t.Fatal(err)
	}
	// An app of another org may share the name.
	if _, err := s.store.CreateApp(store.ConnectedApp{OrgID: s.globex.ID, Name: "Globex App", APIName: "Globex_App"}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name          string
		key           string
		newName, api  string
		wantErr       error
		wantName      string
		wantUnchanged bool
	}{
		{"same name of another app", other.ConsumerKey, "beacon sync", "Other_App", store.ErrConflict, "Other App", true},
		{"same API name of another app", other.ConsumerKey, "Renamed", s.beacon.APIName, store.ErrConflict, "Other App", true},
		{"own name in other case", other.ConsumerKey, "OTHER APP", "Other_App", nil, "OTHER APP", false},
		{"name used in another org", other.ConsumerKey, "Globex App", "Globex_App", nil, "Globex App", false},
		{"unknown app", "3MVG9nope", "X", "X", store.ErrNotFound, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, _ := s.store.AppByKey(tt.key)
			got, err := s.store.UpdateAppUnique(tt.key, func(a *store.ConnectedApp) {
				a.Name, a.APIName = tt.newName, tt.api
				a.ConsumerKey, a.OrgID = "changed", "changed" // ignored
			})
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("got error %v; want %v", err, tt.wantErr)
			}
			after, _ := s.store.AppByKey(tt.key)
			if tt.wantUnchanged {
				if after.Name != before.Name || after.APIName != before.APIName {
					t.Errorf("got %q/%q after a refused update; want %q/%q", after.Name, after.APIName, before.Name, before.APIName)
				}
				return
			}
			if got.Name != tt.wantName || after.Name != tt.wantName || after.ConsumerKey != tt.key || after.OrgID != s.acme.ID {
				t.Errorf("got %+v (stored %+v); want name %q, key and org unchanged", got, after, tt.wantName)
			}
		})
	}
}
