package median_test

import (
	"slices"
	"testing"
	"time"

	"github.com/sfharness/sfharness/internal/median"
)

func TestOf(t *testing.T) {
	t.Parallel()
	xs := []float64{3, 1, 2}
	if got := median.Of(xs); got != 2 || !slices.Equal(xs, []float64{3, 1, 2}) {
		t.Errorf("median of 3, 1, 2 = %v, leaving %v; want 2, and the figures as they were", got, xs)
	}
	if got := median.Of([]time.Duration{4, 1, 3, 2}); got != 2 {
		t.Errorf("median of 4, 1, 3, 2 = %v; want 2 (the mean of 2 and 3, in whole nanoseconds)", got)
	}
	if got := median.Of([]uint64{10, 30}); got != 20 {
		t.Errorf("median of 10, 30 = %v; want 20", got)
	}
	if got := median.Of[float64](nil); got != 0 {
		t.Errorf("median of none = %v; want 0", got)
	}
}
