package oauth

import (
	"fmt"
	"sync"
	"testing"

	"github.com/go-jose/go-jose/v4"
)

// The signing key's one signer signs many ID tokens at once (the race
// detector watches it), each verifying with the key's public half under
// its own kid, RS256 and typ JWT.
func TestSignerSignsAtOnce(t *testing.T) {
	key := currentKey()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := range 8 {
		wg.Go(func() {
			payload := fmt.Sprintf(`{"sub":"%d"}`, i)
			jws, err := key.signer.Sign([]byte(payload))
			if err != nil {
				errs <- err
				return
			}
			compact, err := jws.CompactSerialize()
			if err != nil {
				errs <- err
				return
			}
			parsed, err := jose.ParseSignedCompact(compact, []jose.SignatureAlgorithm{jose.RS256})
			if err != nil {
				errs <- err
				return
			}
			h := parsed.Signatures[0].Header
			got, err := parsed.Verify(&key.key.PublicKey)
			switch {
			case err != nil:
				errs <- err
			case string(got) != payload || h.KeyID != key.kid || h.ExtraHeaders["typ"] != "JWT":
				errs <- fmt.Errorf("token %d: payload %s, kid %q, typ %v; want %s, %q, JWT", i, got, h.KeyID, h.ExtraHeaders["typ"], payload, key.kid)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
