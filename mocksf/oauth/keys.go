package oauth

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"math/big"
	"net/http"
	"sync"

	"github.com/go-jose/go-jose/v4"
)

// signingKey is an RSA key mocksf signs ID tokens with. Its public half is
// published at /id/keys under its kid, a numeric string as Salesforce's
// are ("244", "246", "248", reference §9).
type signingKey struct {
	kid string
	key *rsa.PrivateKey
	// signer signs with key, RS256, kid and typ JWT in the header. It is
	// made once: a go-jose Signer only reads itself to sign, so ID tokens
	// signed at once share it, and a refresh with openid no longer builds
	// one (about 1% of its CPU, the signature being 89%).
	signer jose.Signer
}

// signingKeyIDs are the kids of the published keys, oldest first; the
// last one signs. An older key stays published, as Salesforce keeps
// several, so clients must pick a key by kid rather than take the first.
var signingKeyIDs = []string{"246", "248"}

var (
	keysOnce      sync.Once
	signingKeySet []signingKey
)

// signingKeys returns the published keys, the signing key last. They are
// 2048-bit RSA keys generated once per process, on first use, and shared
// by every Server in it: a test binary that starts many servers pays for
// key generation once, and a server that never issues an ID token not at
// all. They live only in memory, so a restarted mocksf has new keys.
func signingKeys() []signingKey {
	keysOnce.Do(func() {
		for _, kid := range signingKeyIDs {
			k, err := rsa.GenerateKey(rand.Reader, 2048)
			if err != nil {
				panic("mocksf: oauth: generate signing key: " + err.Error())
			}
			signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: k, KeyID: kid}},
				(&jose.SignerOptions{}).WithType("JWT"))
			if err != nil {
				panic("mocksf: oauth: signer of key " + kid + ": " + err.Error())
			}
			signingKeySet = append(signingKeySet, signingKey{kid: kid, key: k, signer: signer})
		}
	})
	return signingKeySet
}

// currentKey is the key that signs new ID tokens.
func currentKey() signingKey {
	ks := signingKeys()
	return ks[len(ks)-1]
}

// jwk is one key of /id/keys, fields in Salesforce's order.
type jwk struct {
	Kty string `json:"kty"`
	N   string `json:"n"`
	E   string `json:"e"`
	Alg string `json:"alg"`
	Use string `json:"use"`
	Kid string `json:"kid"`
}

// HandleKeys is GET /id/keys: the public keys that verify ID tokens, as a
// JSON Web Key Set (RFC 7517; reference §9).
func HandleKeys() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		set := struct {
			Keys []jwk `json:"keys"`
		}{}
		for _, k := range signingKeys() {
			pub := k.key.PublicKey
			set.Keys = append(set.Keys, jwk{
				Kty: "RSA",
				N:   base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
				E:   base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
				Alg: "RS256", Use: "sig", Kid: k.kid,
			})
		}
		writeDocument(w, set)
	})
}
