package store

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// KeySize is the length of the encryption key: AES-256.
const KeySize = 32

// ErrWrongKey reports that the database was written with another key, so
// its secrets cannot be read.
var ErrWrongKey = errors.New("store: the database was encrypted with another key")

// sealVersion is the first byte of every sealed value, so that the format
// can change without guessing.
const sealVersion = 1

// sealer encrypts values at rest with AES-256-GCM. Each value gets a random
// 96-bit nonce, and its place in the database (such as
// "connections/active/token") is authenticated as additional data, so that
// a sealed value copied to another place does not open.
type sealer struct {
	aead cipher.AEAD
}

func newSealer(key []byte) (*sealer, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("store: encryption key is %d bytes; want %d", len(key), KeySize)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	return &sealer{aead: aead}, nil
}

// seal returns version || nonce || ciphertext+tag of plaintext bound to place.
func (s *sealer) seal(place string, plaintext []byte) []byte {
	nonce := make([]byte, s.aead.NonceSize(), 1+s.aead.NonceSize()+len(plaintext)+s.aead.Overhead())
	rand.Read(nonce) // crypto/rand.Read never fails
	out := append([]byte{sealVersion}, nonce...)
	return s.aead.Seal(out, nonce, plaintext, []byte(place))
}

// open reverses seal; it fails with ErrCorrupt when the value is damaged,
// was sealed for another place, or with another key. Only the key check
// (Store.checkKey) tells the last apart: it opens first, so a value that
// fails after it is damage, not the key.
func (s *sealer) open(place string, sealed []byte) ([]byte, error) {
	n := s.aead.NonceSize()
	if len(sealed) < 1+n+s.aead.Overhead() || sealed[0] != sealVersion {
		return nil, fmt.Errorf("%w: %s is not a sealed value (%d bytes); restore the database from a backup", ErrCorrupt, place, len(sealed))
	}
	plain, err := s.aead.Open(nil, sealed[1:1+n], sealed[1+n:], []byte(place))
	if err != nil {
		return nil, fmt.Errorf("%w: %s does not decrypt, although the key is the database's (the key check opened); restore the database from a backup", ErrCorrupt, place)
	}
	return plain, nil
}

// ParseKey decodes a key given as standard or URL-safe base64 (padded or
// not) of 32 bytes, such as the BEACON_KEY environment variable.
// Generate one with: head -c 32 /dev/urandom | base64
func ParseKey(text string) ([]byte, error) {
	text = strings.TrimSpace(text)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if key, err := enc.DecodeString(text); err == nil {
			if len(key) != KeySize {
				return nil, fmt.Errorf("store: key is %d bytes; want %d (base64 of 32 random bytes)", len(key), KeySize)
			}
			return key, nil
		}
	}
	return nil, errors.New("store: key is not base64")
}

// KeyFilePath is where LoadOrCreateKeyFile keeps the key of the database
// at dbPath: beside it, with ".key" appended.
func KeyFilePath(dbPath string) string { return dbPath + ".key" }

// LoadOrCreateKeyFile reads the base64 key in the file at path, or, when
// there is no such file, generates a random key and writes it there with
// mode 0600. It refuses a key file that other users may read.
func LoadOrCreateKeyFile(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return createKeyFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("store: key file: %w", err)
	}
	if info, err := os.Stat(path); err == nil && info.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("store: key file %s may be read by other users (mode %#o): run chmod 600 on it", path, info.Mode().Perm())
	}
	key, err := ParseKey(string(data))
	if err != nil {
		return nil, fmt.Errorf("store: key file %s: %w", path, err)
	}
	return key, nil
}

func createKeyFile(path string) ([]byte, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("store: key file: %w", err)
	}
	key := make([]byte, KeySize)
	rand.Read(key)
	// O_EXCL: if another process created the file meanwhile, use its key.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return LoadOrCreateKeyFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("store: key file: %w", err)
	}
	_, err = f.WriteString(base64.StdEncoding.EncodeToString(key) + "\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return nil, fmt.Errorf("store: key file: %w", err)
	}
	return key, nil
}
