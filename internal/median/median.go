// Package median is the middle of a set of measurements, as the
// programs that time and weigh things report it (cmd/flowcompare's rounds,
// cmd/sfload's start-up times and memory figures).
package median

import "slices"

// Of is the middle of xs (the mean of the two middle ones for an even
// count), 0 for none; xs is left as it is.
func Of[T ~int64 | ~uint64 | ~float64](xs []T) T {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
