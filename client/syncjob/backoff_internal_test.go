package syncjob

import (
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	t.Parallel()
	tests := []struct {
		n    int
		want time.Duration // before jitter
	}{
		{1, 2 * time.Second},
		{2, 4 * time.Second},
		{5, 32 * time.Second},
		{10, time.Minute},
	}
	for _, tc := range tests {
		for range 20 {
			got := backoff(time.Second, tc.n, time.Minute)
			if got < tc.want || got > tc.want+tc.want/5 {
				t.Errorf("backoff(1s, %d, 1m) = %v; want %v plus at most 20%%", tc.n, got, tc.want)
			}
		}
	}
}
