package defaults

import (
	"testing"
	"time"
)

func TestZeroKeepsNegativesAndPositiveDoesNot(t *testing.T) {
	tests := []struct {
		in, wantZero, wantPositive int
	}{{0, 7, 7}, {-1, -1, 7}, {3, 3, 3}}
	for _, tc := range tests {
		z, p := tc.in, tc.in
		Zero(&z, 7)
		Positive(&p, 7)
		if z != tc.wantZero || p != tc.wantPositive {
			t.Errorf("%d: Zero gave %d, Positive %d; want %d and %d", tc.in, z, p, tc.wantZero, tc.wantPositive)
		}
	}
	s, d := "", time.Duration(0)
	Zero(&s, "x")
	Positive(&d, time.Second)
	if s != "x" || d != time.Second {
		t.Errorf("Zero(\"\") = %q, Positive(0s) = %v; want x and 1s", s, d)
	}
}
