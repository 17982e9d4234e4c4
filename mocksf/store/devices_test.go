package store_test

import (
	"testing"

	"github.com/sfharness/sfharness/mocksf/store"
)

func TestDeviceKnown(t *testing.T) {
	t.Parallel()
	s := newSeeded(t)
	adminToken := s.store.RememberDevice(s.admin.ID)
	syncToken := s.store.RememberDevice(s.sync.ID)
	if adminToken == syncToken || len(adminToken) != 40 {
		t.Fatalf("tokens %q and %q; want two different 40-character tokens", adminToken, syncToken)
	}
	tests := []struct {
		name          string
		userID, token string
		want          bool
	}{
		{"the user's own browser", s.admin.ID, adminToken, true},
		{"another user's browser", s.admin.ID, syncToken, false},
		{"a user with no browsers", s.ceo.ID, adminToken, false},
		{"a made-up token", s.admin.ID, adminToken[:39] + "!", false},
		{"no token", s.admin.ID, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := s.store.DeviceKnown(tt.userID, tt.token); got != tt.want {
				t.Errorf("got DeviceKnown %v; want %v", got, tt.want)
			}
		})
	}
}

func TestRememberDeviceIsBoundedPerUser(t *testing.T) {
	t.Parallel()
	s := newSeeded(t)
	first := s.store.RememberDevice(s.admin.ID)
	var last string
	for range store.MaxDevicesPerUser {
		last = s.store.RememberDevice(s.admin.ID)
	}
	if got := s.store.DeviceKnown(s.admin.ID, first); got {
		t.Errorf("got the oldest browser known after %d more; want it forgotten", store.MaxDevicesPerUser)
	}
	if got := s.store.DeviceKnown(s.admin.ID, last); !got {
		t.Errorf("got the newest browser unknown; want it known")
	}
}

func TestResetForgetsDevices(t *testing.T) {
	t.Parallel()
	s := newSeeded(t)
	token := s.store.RememberDevice(s.admin.ID)
	s.store.Reset()
	if s.store.DeviceKnown(s.admin.ID, token) {
		t.Errorf("got the browser known after Reset; want it forgotten")
	}
}
