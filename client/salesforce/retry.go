package salesforce

import (
	"context"
	"math/rand/v2"
	"time"
)

// Retry settings of the calls made outside a Client (identity, revoke).
const (
	defaultRetries = 3
	defaultBackoff = 500 * time.Millisecond
)

// retryWait returns the wait before retry number attempt (0-based) from
// base, doubled each time, with up to 20% of jitter so that many clients
// that failed together do not retry together.
func retryWait(base time.Duration, attempt int) time.Duration {
	d := base << attempt
	return d + time.Duration(rand.Int64N(int64(d)/5+1))
}

// withRetries calls f until it reports nothing worth retrying, has been
// retried retries times, or ctx ends, and returns f's last error. f
// reports whether its outcome is worth retrying (a network failure, 502,
// 503, 504), which it may be without an error: an answer with a retryable
// status that the caller reads itself.
func withRetries(ctx context.Context, retries int, base time.Duration, f func(attempt int) (retry bool, err error)) error {
	for attempt := 0; ; attempt++ {
		retry, err := f(attempt)
		if !retry || attempt >= retries {
			return err
		}
		t := time.NewTimer(retryWait(base, attempt))
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
	}
}
