// Package defaults fills in a setting its caller left unset, so that each
// package's settings read as one line each: the field and its default.
package defaults

import "time"

// Zero sets *v to def when it is the zero value; a negative number keeps
// its meaning (no limit, never, until an admin acts).
func Zero[T comparable](v *T, def T) {
	var zero T
	if *v == zero {
		*v = def
	}
}

// Positive sets *v to def unless it is positive.
func Positive[T int | int64 | time.Duration](v *T, def T) {
	if *v <= 0 {
		*v = def
	}
}
