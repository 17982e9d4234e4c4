package store_test

import (
	"errors"
	"reflect"
	"regexp"
	"testing"
	"time"

	"github.com/sfharness/sfharness/mocksf/sfid"
	"github.com/sfharness/sfharness/mocksf/store"
)

var (
	consumerKeyPattern    = regexp.MustCompile(`^3MVG9[A-Za-z0-9._]{80}$`)
	consumerSecretPattern = regexp.MustCompile(`^[0-9A-F]{64}$`)
)

func TestNewConsumerKeyAndSecret(t *testing.T) {
	t.Parallel()
	keys, secrets := map[string]bool{}, map[string]bool{}
	for i := 0; i < 200; i++ {
		key, secret := store.NewConsumerKey(), store.NewConsumerSecret()
		if len(key) != 85 || !consumerKeyPattern.MatchString(key) {
			t.Fatalf("NewConsumerKey() = %q (%d characters); want 85 characters matching %s", key, len(key), consumerKeyPattern)
		}
		if !consumerSecretPattern.MatchString(secret) {
			t.Fatalf("NewConsumerSecret() = %q; want it to match %s", secret, consumerSecretPattern)
		}
		if keys[key] || secrets[secret] {
			t.Fatalf("NewConsumerKey/Secret repeated %q / %q", key, secret)
		}
		keys[key], secrets[secret] = true, true
	}
}

func TestCreateApp(t *testing.T) {
	t.Parallel()
	s := newSeeded(t)
	now := s.clock.Advance(time.Minute)
	in := store.ConnectedApp{
		OrgID: s.acme.ID, Name: "Beacon Reports", APIName: "Beacon_Reports", ContactEmail: "ops@acme.test",
		Description: "Reports", OAuthEnabled: true,
		CallbackURLs: []string{"https://reports.example/cb", "http://localhost:1717/cb"},
		Scopes:       []string{"api", "refresh_token"},
	}
	got, err := s.store.CreateApp(in)
	if err != nil {
		t.Fatalf("CreateApp error = %v; want nil", err)
	}
	if !consumerKeyPattern.MatchString(got.ConsumerKey) {
		t.Errorf("ConsumerKey = %q; want 85 characters matching %s", got.ConsumerKey, consumerKeyPattern)
	}
	if !consumerSecretPattern.MatchString(got.ConsumerSecret) {
		t.Errorf("ConsumerSecret = %q; want 64 upper-case hex characters", got.ConsumerSecret)
	}
	if prefix, err := sfid.Prefix(got.ID); err != nil || prefix != "0H4" || len(got.ID) != 18 {
		t.Errorf("ID = %q; want an 18-character 0H4 id", got.ID)
	}
	if !got.CreatedAt.Equal(now) {
		t.Errorf("CreatedAt = %v; want the clock's %v", got.CreatedAt, now)
	}
	want := in
	want.ID, want.ConsumerKey, want.ConsumerSecret, want.CreatedAt = got.ID, got.ConsumerKey, got.ConsumerSecret, got.CreatedAt
	want.Policy = got.Policy // default policies are not this test's concern
	if !reflect.DeepEqual(got, want) {
		t.Errorf("CreateApp = %+v; want %+v", got, want)
	}
	if byKey, err := s.store.AppByKey(got.ConsumerKey); err != nil || !reflect.DeepEqual(byKey, got) {
		t.Errorf("AppByKey = %+v, %v; want %+v, nil", byKey, err, got)
	}
	if byID, err := s.store.AppByID(s.acme.ID, got.ID); err != nil || !reflect.DeepEqual(byID, got) {
		t.Errorf("AppByID = %+v, %v; want %+v, nil", byID, err, got)
	}
	if _, err := s.store.AppByID(s.globex.ID, got.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("AppByID(another org) error = %v; want ErrNotFound", err)
	}
	if _, err := s.store.AppByKey("3MVG9nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("AppByKey(unknown) error = %v; want ErrNotFound", err)
	}

	// Two generated apps never share credentials.
	other, err := s.store.CreateApp(store.ConnectedApp{OrgID: s.acme.ID, Name: "Other", APIName: "Other"})
	if err != nil {
		t.Fatalf("CreateApp(Other) error = %v; want nil", err)
	}
	if other.ConsumerKey == got.ConsumerKey || other.ConsumerSecret == got.ConsumerSecret || other.ID == got.ID {
		t.Errorf("two apps share a key, secret or ID: %+v and %+v", other, got)
	}
}

func TestCreateAppKeepsGivenValues(t *testing.T) {
	t.Parallel()
	s := newSeeded(t)
	created := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	got, err := s.store.CreateApp(store.ConnectedApp{
		OrgID: s.acme.ID, Name: "Fixed", APIName: "Fixed",
		ConsumerKey: "my-key", ConsumerSecret: "my-secret", CreatedAt: created,
	})
	if err != nil {
		t.Fatalf("CreateApp error = %v; want nil", err)
	}
	if got.ConsumerKey != "my-key" || got.ConsumerSecret != "my-secret" || !got.CreatedAt.Equal(created) {
		t.Errorf("CreateApp = key %q, secret %q, created %v; want my-key, my-secret, %v", got.ConsumerKey, got.ConsumerSecret, got.CreatedAt, created)
	}
}

func TestCreateAppConflicts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		app     func(s *seeded) store.ConnectedApp
		wantErr error
	}{
		{
			name: "same name in the org",
			app: func(s *seeded) store.ConnectedApp {
				return store.ConnectedApp{OrgID: s.acme.ID, Name: "Beacon Sync", APIName: "Other"}
			},
			wantErr: store.ErrConflict,
		},
		{
			name: "same name in another case",
			app: func(s *seeded) store.ConnectedApp {
				return store.ConnectedApp{OrgID: s.acme.ID, Name: "BEACON sync", APIName: "Other"}
			},
			wantErr: store.ErrConflict,
		},
		{
			name: "same API name in the org",
			app: func(s *seeded) store.ConnectedApp {
				return store.ConnectedApp{OrgID: s.acme.ID, Name: "Other", APIName: "beacon_sync"}
			},
			wantErr: store.ErrConflict,
		},
		{
			name: "same consumer key in another org",
			app: func(s *seeded) store.ConnectedApp {
				return store.ConnectedApp{OrgID: s.globex.ID, Name: "Other", APIName: "Other", ConsumerKey: s.beacon.ConsumerKey}
			},
			wantErr: store.ErrConflict,
		},
		{
			name: "unknown org",
			app: func(s *seeded) store.ConnectedApp {
				return store.ConnectedApp{OrgID: "00D5g0000000zzzAAA", Name: "Other", APIName: "Other"}
			},
			wantErr: store.ErrNotFound,
		},
		{
			name: "org by its 15-character id",
			app: func(s *seeded) store.ConnectedApp {
				return store.ConnectedApp{OrgID: sfid.To15(s.acme.ID), Name: "Other", APIName: "Other"}
			},
			wantErr: store.ErrNotFound,
		},
		{
			name: "same name and API name in another org",
			app: func(s *seeded) store.ConnectedApp {
				return store.ConnectedApp{OrgID: s.globex.ID, Name: "Beacon Sync", APIName: "Beacon_Sync"}
			},
			wantErr: nil,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newSeeded(t)
			before := takeSnapshot(s.store)
			app := tc.app(s)
			got, err := s.store.CreateApp(app)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("CreateApp(%+v) error = %v; want %v", app, err, tc.wantErr)
			}
			if tc.wantErr != nil {
				if !reflect.DeepEqual(got, store.ConnectedApp{}) {
					t.Errorf("CreateApp returned %+v with an error; want the zero ConnectedApp", got)
				}
				if after := takeSnapshot(s.store); !reflect.DeepEqual(after, before) {
					t.Errorf("store changed by a failed CreateApp")
				}
				return
			}
			if apps := s.store.Apps(app.OrgID); len(apps) != 1 || apps[0].ID != got.ID {
				t.Errorf("Apps(other org) = %+v; want just the new app", apps)
			}
			if apps := s.store.Apps(s.acme.ID); len(apps) != 1 || apps[0].ID != s.beacon.ID {
				t.Errorf("Apps(Acme) = %+v; want just Beacon Sync", apps)
			}
		})
	}
}

func TestAppsOrderedByName(t *testing.T) {
	t.Parallel()
	s := newSeeded(t)
	for _, name := range []string{"zeta", "Alpha", "beta", "Gamma"} {
		if _, err := s.store.CreateApp(store.ConnectedApp{OrgID: s.acme.ID, Name: name, APIName: name}); err != nil {
			t.Fatalf("CreateApp(%q) error = %v", name, err)
		}
	}
	var got []string
	for _, a := range s.store.Apps(s.acme.ID) {
		got = append(got, a.Name)
	}
	want := []string{"Alpha", "Beacon Sync", "beta", "Gamma", "zeta"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Apps names = %q; want %q (case-insensitive order)", got, want)
	}
	if got := s.store.Apps(s.globex.ID); len(got) != 0 {
		t.Errorf("Apps(Globex) = %+v; want none", got)
	}
}

// What CreateApp and the getters return is the caller's own: changing it
// does not change the store, nor does changing the slices CreateApp was
// given.
func TestAppCopies(t *testing.T) {
	t.Parallel()
	s := newSeeded(t)
	callbacks := []string{"https://a.example/cb"}
	scopes := []string{"api"}
	created, err := s.store.CreateApp(store.ConnectedApp{
		OrgID: s.acme.ID, Name: "Copies", APIName: "Copies", CallbackURLs: callbacks, Scopes: scopes,
	})
	if err != nil {
		t.Fatal(err)
	}
	want := created
	want.CallbackURLs = []string{"https://a.example/cb"}
	want.Scopes = []string{"api"}

	mutate := func(a store.ConnectedApp) {
		a.CallbackURLs[0] = "https://evil.example/cb"
		a.Scopes[0] = "full"
	}
	mutate(store.ConnectedApp{CallbackURLs: callbacks, Scopes: scopes})
	mutate(created)
	byKey, _ := s.store.AppByKey(created.ConsumerKey)
	mutate(byKey)
	byID, _ := s.store.AppByID(s.acme.ID, created.ID)
	mutate(byID)
	for _, a := range s.store.Apps(s.acme.ID) {
		mutate(a)
	}

	if got, _ := s.store.AppByKey(created.ConsumerKey); !reflect.DeepEqual(got, want) {
		t.Errorf("AppByKey after changing returned copies = %+v; want %+v", got, want)
	}
}

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
