// Package store keeps Beacon's state in SQLite (modernc.org/sqlite, pure
// Go): the connected app's credentials, the Salesforce connection (pending
// and confirmed), the field maps from the field sync, the synced records
// and where both syncs stand, so that a restart goes on where it stopped.
//
// The Consumer Secret and the OAuth tokens are encrypted at rest with
// AES-256-GCM (see Options.Key); records and settings that are not secret
// are stored in the clear.
//
// A Store is safe for concurrent use. The small state the pages read
// (credentials, connections, field sync, sync state, record counts) is
// also kept in memory: every change is written to the database first and
// applied in memory only once committed, so reads never fail. What it
// returns are copies.
package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"golang.org/x/oauth2"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Options configure Open.
type Options struct {
	// Path is the SQLite database file, created with mode 0600 (and its
	// directory with 0700) if missing. Empty means a fresh database in a
	// temporary directory that Close removes.
	Path string
	// Key is the 32-byte AES-256 key that encrypts the secrets. Required;
	// see ParseKey and LoadOrCreateKeyFile. A database opened with another
	// key than it was written with fails with ErrWrongKey.
	Key []byte
	// Describe turns an error into the text stored for it; nil means
	// err.Error(). Errors read back after a restart are *PersistedError
	// with that text.
	Describe func(error) string
}

// Store is Beacon's state, in SQLite.
type Store struct {
	db       *sql.DB
	seal     *sealer
	describe func(error) string
	tempDir  string // removed by Close when Path was empty

	mu          sync.Mutex // guards the fields below and serializes writes
	credentials *Credentials
	pending     *Connection
	conn        *Connection
	fields      []ObjectFields
	counts      map[string]int
	sync        RecordSync
	// changed is closed, and replaced, by each write that may change what
	// Status returns (unlockChanged); see Changed.
	changed chan struct{}
	// version counts those writes (unlockChanged) from the time the store
	// opened, so that a snapshot of Status can be told from an older one
	// (Status.Version).
	version uint64
}

// Setting names.
const (
	settingConsumerKey    = "consumer_key"
	settingConsumerSecret = "consumer_secret"
	// settingKeyCheck holds a sealed constant, to tell a wrong key at Open
	// rather than at the first secret read.
	settingKeyCheck = "key_check"
	// settingRecordsOrg is the org id the stored records come from.
	settingRecordsOrg = "records_org"
)

const keyCheckPlaintext = "beacon key check"

// Open opens (creating it if needed) the database of opts, brings its
// schema up to date and loads the state.
func Open(opts Options) (*Store, error) {
	seal, err := newSealer(opts.Key)
	if err != nil {
		return nil, err
	}
	s := &Store{seal: seal, describe: opts.Describe, counts: map[string]int{}, changed: make(chan struct{}),
		// From the clock, in microseconds: a restarted Beacon's versions
		// start above the last one's (which would need a million writes a
		// second to catch up), so that a page still open across the
		// restart takes the new statuses, and a JavaScript number holds
		// them exactly (below 2^53 until the year 2255).
		version: uint64(time.Now().UnixMicro())}
	if s.describe == nil {
		s.describe = func(err error) string { return err.Error() }
	}
	path := opts.Path
	if path == "" {
		if s.tempDir, err = os.MkdirTemp("", "beacon-db-"); err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		path = filepath.Join(s.tempDir, "beacon.db")
	}
	if err := checkExisting(path); err != nil {
		s.removeTemp()
		return nil, err
	}
	if err := createPrivate(path); err != nil {
		s.removeTemp()
		return nil, unreadable(path, err)
	}
	// WAL keeps readers and the writer apart; synchronous=NORMAL in WAL
	// mode stays consistent after a crash, losing at most the last
	// transactions, which the sync pulls again. One connection: SQLite
	// writes one at a time anyway, and the store's mutex orders them.
	dsn := "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(1)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		s.removeTemp()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	s.db = db
	ctx := context.Background()
	for _, step := range []func(context.Context) error{
		func(ctx context.Context) error { return migrate(ctx, db) }, s.checkKey, s.load,
	} {
		if err := step(ctx); err != nil {
			s.Close()
			return nil, unreadable(path, err)
		}
	}
	return s, nil
}

// createPrivate creates the database file with mode 0600, and its
// directory with 0700, unless they exist: SQLite would make it 0644.
func createPrivate(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDONLY|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return f.Close()
}

// Close closes the database, and removes it if it was a temporary one.
func (s *Store) Close() error {
	var err error
	if s.db != nil {
		err = s.db.Close()
	}
	s.removeTemp()
	return err
}

func (s *Store) removeTemp() {
	if s.tempDir != "" {
		os.RemoveAll(s.tempDir)
	}
}

// checkKey verifies that the key opens what the database holds, storing
// the check value in a new database.
func (s *Store) checkKey(ctx context.Context) error {
	var sealed []byte
	err := s.db.QueryRowContext(ctx, "SELECT value FROM settings WHERE name = ?", settingKeyCheck).Scan(&sealed)
	if errors.Is(err, sql.ErrNoRows) {
		_, err = s.db.ExecContext(ctx, "INSERT INTO settings (name, value) VALUES (?, ?)",
			settingKeyCheck, s.seal.seal("settings/"+settingKeyCheck, []byte(keyCheckPlaintext)))
		if err != nil {
			return fmt.Errorf("store: key check: %w", writeFailed(err))
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	// The one value whose failure to open means the key: the others
	// opening wrong after it did are damage (ErrCorrupt).
	plain, err := s.seal.open("settings/"+settingKeyCheck, sealed)
	if err != nil || string(plain) != keyCheckPlaintext {
		return ErrWrongKey
	}
	return nil
}

// load reads the state the pages show into memory.
func (s *Store) load(ctx context.Context) error {
	creds, err := s.loadCredentials(ctx)
	if err != nil {
		return err
	}
	s.credentials = creds
	if s.pending, err = s.loadConnection(ctx, "pending"); err != nil {
		return err
	}
	if s.conn, err = s.loadConnection(ctx, "active"); err != nil {
		return err
	}
	if s.fields, err = s.loadFields(ctx); err != nil {
		return err
	}
	if err := s.loadRecordSync(ctx); err != nil {
		return err
	}
	rows, err := s.db.QueryContext(ctx, "SELECT object, COUNT(*) FROM records WHERE deleted = 0 GROUP BY object")
	if err != nil {
		return fmt.Errorf("store: load counts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var object string
		var n int
		if err := rows.Scan(&object, &n); err != nil {
			return fmt.Errorf("store: load counts: %w", err)
		}
		s.counts[object] = n
	}
	return rows.Err()
}

func (s *Store) loadCredentials(ctx context.Context) (*Credentials, error) {
	var key string
	var sealed []byte
	err := s.db.QueryRowContext(ctx, `SELECT k.value, sec.value FROM settings k JOIN settings sec
		ON k.name = ? AND sec.name = ?`, settingConsumerKey, settingConsumerSecret).Scan(&key, &sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: load credentials: %w", err)
	}
	secret, err := s.seal.open("settings/"+settingConsumerSecret, sealed)
	if err != nil {
		return nil, err
	}
	return &Credentials{ConsumerKey: key, ConsumerSecret: string(secret)}, nil
}

// tokenRecord is how a token is serialized before sealing: x/oauth2's own
// JSON drops the extra fields Salesforce sends.
type tokenRecord struct {
	AccessToken  string         `json:"access_token"`
	RefreshToken string         `json:"refresh_token,omitempty"`
	TokenType    string         `json:"token_type,omitempty"`
	Expiry       time.Time      `json:"expiry,omitzero"`
	Extra        map[string]any `json:"extra,omitempty"`
}

// tokenExtras are the extra fields of a Salesforce token response kept.
var tokenExtras = []string{"instance_url", "id", "issued_at", "signature", "scope", "token_type", "id_token"}

func (s *Store) sealToken(slot string, tok *oauth2.Token) ([]byte, error) {
	if tok == nil {
		tok = &oauth2.Token{}
	}
	rec := tokenRecord{AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken, TokenType: tok.TokenType, Expiry: tok.Expiry}
	for _, k := range tokenExtras {
		if v := tok.Extra(k); v != nil {
			if rec.Extra == nil {
				rec.Extra = map[string]any{}
			}
			rec.Extra[k] = v
		}
	}
	plain, err := json.Marshal(rec)
	if err != nil {
		return nil, fmt.Errorf("store: token: %w", err)
	}
	return s.seal.seal("connections/"+slot+"/token", plain), nil
}

func (s *Store) openToken(slot string, sealed []byte) (*oauth2.Token, error) {
	plain, err := s.seal.open("connections/"+slot+"/token", sealed)
	if err != nil {
		return nil, err
	}
	var rec tokenRecord
	if err := json.Unmarshal(plain, &rec); err != nil {
		return nil, fmt.Errorf("store: token: %w", err)
	}
	tok := &oauth2.Token{AccessToken: rec.AccessToken, RefreshToken: rec.RefreshToken, TokenType: rec.TokenType, Expiry: rec.Expiry}
	if rec.Extra != nil {
		tok = tok.WithExtra(rec.Extra)
	}
	return tok, nil
}

func (s *Store) loadConnection(ctx context.Context, slot string) (*Connection, error) {
	var (
		sealed                    []byte
		c                         Connection
		username, org, user, name sql.NullString
		connectedAt               string
	)
	err := s.db.QueryRowContext(ctx, `SELECT token, instance_url, identity_url, username, organization_id, user_id,
		display_name, connected_at, flow, my_domain_url FROM connections WHERE slot = ?`, slot).
		Scan(&sealed, &c.InstanceURL, &c.IdentityURL, &username, &org, &user, &name, &connectedAt, &c.Flow, &c.MyDomainURL)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: load %s connection: %w", slot, err)
	}
	if c.Token, err = s.openToken(slot, sealed); err != nil {
		return nil, err
	}
	if username.Valid {
		c.Identity = &Identity{Username: username.String, OrganizationID: org.String, UserID: user.String, DisplayName: name.String}
	}
	c.ConnectedAt = parseTime(connectedAt)
	return &c, nil
}

func (s *Store) loadFields(ctx context.Context) ([]ObjectFields, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT object, phase, error FROM field_sync ORDER BY position")
	if err != nil {
		return nil, fmt.Errorf("store: load field sync: %w", err)
	}
	var out []ObjectFields
	for rows.Next() {
		var of ObjectFields
		var msg string
		if err := rows.Scan(&of.Object, &of.Phase, &msg); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: load field sync: %w", err)
		}
		of.Err = persisted(msg)
		out = append(out, of)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: load field sync: %w", err)
	}
	for i := range out {
		frows, err := s.db.QueryContext(ctx, "SELECT name, type FROM fields WHERE object = ? ORDER BY position", out[i].Object)
		if err != nil {
			return nil, fmt.Errorf("store: load fields: %w", err)
		}
		for frows.Next() {
			var f Field
			if err := frows.Scan(&f.Name, &f.Type); err != nil {
				frows.Close()
				return nil, fmt.Errorf("store: load fields: %w", err)
			}
			out[i].Fields = append(out[i].Fields, f)
		}
		frows.Close()
		if err := frows.Err(); err != nil {
			return nil, fmt.Errorf("store: load fields: %w", err)
		}
	}
	return out, nil
}

func (s *Store) loadRecordSync(ctx context.Context) error {
	var state, msg, last, lastPull string
	err := s.db.QueryRowContext(ctx, "SELECT state, error, last_error, last_pull FROM record_sync WHERE id = 1").
		Scan(&state, &msg, &last, &lastPull)
	if err != nil {
		return fmt.Errorf("store: load record sync: %w", err)
	}
	s.sync = RecordSync{State: SyncState(state), Err: persisted(msg), LastError: persisted(last), LastPull: parseTime(lastPull)}
	return nil
}

// persisted is the error read back for a stored message, nil for "".
func persisted(msg string) error {
	if msg == "" {
		return nil
	}
	return &PersistedError{Message: msg}
}

// errorText is what is stored for err.
func (s *Store) errorText(err error) string {
	if err == nil {
		return ""
	}
	return s.describe(err)
}

// timeLayout writes times in UTC with a fixed width, so that they sort as
// text.
const timeLayout = "2006-01-02T15:04:05.000000000Z"

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeLayout)
}

func parseTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// inTx runs f in a transaction; a failure is a *WriteError.
func (s *Store) inTx(f func(tx *sql.Tx) error) error {
	tx, err := s.db.Begin()
	if err != nil {
		return writeFailed(err)
	}
	if err := f(tx); err != nil {
		tx.Rollback()
		return writeFailed(err)
	}
	return writeFailed(tx.Commit())
}

// SaveCredentials stores the connected app's credentials, the secret
// encrypted.
func (s *Store) SaveCredentials(c Credentials) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	err := s.inTx(func(tx *sql.Tx) error {
		const upsert = "INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value"
		if _, err := tx.Exec(upsert, settingConsumerKey, c.ConsumerKey); err != nil {
			return err
		}
		_, err := tx.Exec(upsert, settingConsumerSecret, s.seal.seal("settings/"+settingConsumerSecret, []byte(c.ConsumerSecret)))
		return err
	})
	if err != nil {
		return fmt.Errorf("store: save credentials: %w", err)
	}
	s.credentials = &c
	return nil
}

// Credentials returns the saved credentials, if any.
func (s *Store) Credentials() (Credentials, bool) { return held(s, &s.credentials) }

// held is a copy of what *p (credentials or a connection of s) points
// at, read under s's lock; false when there is none.
func held[T any](s *Store, p **T) (T, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if *p == nil {
		var none T
		return none, false
	}
	return **p, true
}

// writeConnection stores c in slot, replacing what was there.
func (s *Store) writeConnection(tx *sql.Tx, slot string, c *Connection) error {
	sealed, err := s.sealToken(slot, c.Token)
	if err != nil {
		return err
	}
	var username, org, user, name sql.NullString
	if c.Identity != nil {
		username = sql.NullString{String: c.Identity.Username, Valid: true}
		org = sql.NullString{String: c.Identity.OrganizationID, Valid: true}
		user = sql.NullString{String: c.Identity.UserID, Valid: true}
		name = sql.NullString{String: c.Identity.DisplayName, Valid: true}
	}
	flow := c.Flow
	if flow == "" {
		flow = FlowWebServer
	}
	_, err = tx.Exec(`INSERT OR REPLACE INTO connections (slot, token, instance_url, identity_url, username,
		organization_id, user_id, display_name, connected_at, flow, my_domain_url) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		slot, sealed, c.InstanceURL, c.IdentityURL, username, org, user, name, formatTime(c.ConnectedAt), flow, c.MyDomainURL)
	return err
}

// saveConnection writes c to slot and, once it is stored, makes *held
// point to it. what names the change in the error. s.mu must be held.
func (s *Store) saveConnection(slot string, held **Connection, c Connection, what string) error {
	if err := s.inTx(func(tx *sql.Tx) error { return s.writeConnection(tx, slot, &c) }); err != nil {
		return fmt.Errorf("store: save %s: %w", what, err)
	}
	*held = &c
	return nil
}

// SetPending stores c as the connection waiting for the admin to confirm
// it, replacing any earlier one, which it returns.
func (s *Store) SetPending(c Connection) (replaced *Connection, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	replaced = s.pending
	if err := s.saveConnection("pending", &s.pending, c, "pending connection"); err != nil {
		return nil, err
	}
	return replaced, nil
}

// Pending returns the connection waiting for confirmation, if any.
func (s *Store) Pending() (Connection, bool) { return held(s, &s.pending) }

// SetPendingIdentity records who the pending connection with the access
// token accessToken belongs to. It does nothing if that connection is no
// longer pending.
func (s *Store) SetPendingIdentity(accessToken string, id Identity) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pending == nil || s.pending.Token == nil || s.pending.Token.AccessToken != accessToken {
		return nil
	}
	c := *s.pending
	c.Identity = &id
	return s.saveConnection("pending", &s.pending, c, "identity")
}

// TakePending removes and returns the pending connection.
func (s *Store) TakePending() (Connection, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pending == nil {
		return Connection{}, false, nil
	}
	if _, err := s.db.Exec("DELETE FROM connections WHERE slot = 'pending'"); err != nil {
		return Connection{}, false, fmt.Errorf("store: take pending connection: %w", writeFailed(err))
	}
	c := *s.pending
	s.pending = nil
	return c, true, nil
}

// Connect makes c the active connection and starts the field sync state
// over for objects. The record sync stops (not started). Records and sync
// cursors stay when c is to the org they came from, so that starting the
// sync again pulls only changes; records of another org are removed.
func (s *Store) Connect(c Connection, objects []string) error {
	s.mu.Lock()
	defer s.unlockChanged()
	org := ""
	if c.Identity != nil {
		org = c.Identity.OrganizationID
	}
	var keep bool
	err := s.inTx(func(tx *sql.Tx) error {
		var recordsOrg string
		err := tx.QueryRow("SELECT value FROM settings WHERE name = ?", settingRecordsOrg).Scan(&recordsOrg)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		keep = org != "" && recordsOrg == org
		if err := s.writeConnection(tx, "active", &c); err != nil {
			return err
		}
		if err := resetSync(tx, objects); err != nil {
			return err
		}
		if keep {
			return nil
		}
		for _, q := range []string{"DELETE FROM records", "DELETE FROM sync_cursors"} {
			if _, err := tx.Exec(q); err != nil {
				return err
			}
		}
		_, err = tx.Exec("INSERT OR REPLACE INTO settings (name, value) VALUES (?, ?)", settingRecordsOrg, org)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: connect: %w", err)
	}
	s.conn = &c
	s.syncReset(objects)
	if !keep {
		s.counts = map[string]int{}
	}
	return nil
}

// resetSync stores the field sync of objects as waiting, with no fields,
// and the record sync as not started.
func resetSync(tx *sql.Tx, objects []string) error {
	if err := resetFieldSync(tx, objects); err != nil {
		return err
	}
	_, err := tx.Exec("UPDATE record_sync SET state = ?, error = '', last_error = '', last_pull = '' WHERE id = 1", SyncNotStarted)
	return err
}

// syncReset is resetSync's change in what s holds. s.mu must be held.
func (s *Store) syncReset(objects []string) {
	s.fields = nil
	for _, o := range objects {
		s.fields = append(s.fields, ObjectFields{Object: o, Phase: PhaseWaiting})
	}
	s.sync = RecordSync{State: SyncNotStarted}
}

func resetFieldSync(tx *sql.Tx, objects []string) error {
	for _, q := range []string{"DELETE FROM field_sync", "DELETE FROM fields"} {
		if _, err := tx.Exec(q); err != nil {
			return err
		}
	}
	for i, o := range objects {
		if _, err := tx.Exec("INSERT INTO field_sync (object, position, phase) VALUES (?, ?, ?)", o, i, PhaseWaiting); err != nil {
			return err
		}
	}
	return nil
}

// Disconnect removes the active connection, which it returns, with the
// field map and the record sync state. The synced records and cursors stay
// for a later connection to the same org.
func (s *Store) Disconnect() (Connection, bool, error) {
	s.mu.Lock()
	defer s.unlockChanged()
	if s.conn == nil {
		return Connection{}, false, nil
	}
	err := s.inTx(func(tx *sql.Tx) error {
		if _, err := tx.Exec("DELETE FROM connections WHERE slot = 'active'"); err != nil {
			return err
		}
		return resetSync(tx, nil)
	})
	if err != nil {
		return Connection{}, false, fmt.Errorf("store: disconnect: %w", err)
	}
	c := *s.conn
	s.conn = nil
	s.syncReset(nil)
	return c, true, nil
}

// Connection returns the active connection, if any.
func (s *Store) Connection() (Connection, bool) { return held(s, &s.conn) }

// UpdateToken replaces the active connection's token prev with next after
// a refresh. Tokens are compared by identity, so a refresh made for a
// connection that was replaced meanwhile changes nothing.
func (s *Store) UpdateToken(prev, next *oauth2.Token, instanceURL string) error {
	s.mu.Lock()
	defer s.unlockChanged()
	if s.conn == nil || s.conn.Token != prev {
		return nil
	}
	c := *s.conn
	c.Token = next
	if instanceURL != "" {
		c.InstanceURL = instanceURL
	}
	return s.saveConnection("active", &s.conn, c, "refreshed token")
}

// SetFieldPhase records the field sync phase of object, with err when the
// phase is PhaseFailed.
func (s *Store) SetFieldPhase(object string, p Phase, err error) error {
	s.mu.Lock()
	defer s.unlockChanged()
	of := s.objectFields(object)
	if of == nil {
		return nil
	}
	if _, dbErr := s.db.Exec("UPDATE field_sync SET phase = ?, error = ? WHERE object = ?", p, s.errorText(err), object); dbErr != nil {
		if p == PhaseFailed {
			// Shown although not stored: the job has stopped, and the
			// page must not say it is still reading fields.
			of.Phase, of.Err = p, err
		}
		return fmt.Errorf("store: field sync %s: %w", object, writeFailed(dbErr))
	}
	of.Phase, of.Err = p, err
	return nil
}

// SetFields stores the fields the field sync found for object and marks it
// done.
func (s *Store) SetFields(object string, fields []Field) error {
	s.mu.Lock()
	defer s.unlockChanged()
	of := s.objectFields(object)
	if of == nil {
		return nil
	}
	err := s.inTx(func(tx *sql.Tx) error {
		if _, err := tx.Exec("DELETE FROM fields WHERE object = ?", object); err != nil {
			return err
		}
		for i, f := range fields {
			if _, err := tx.Exec("INSERT OR REPLACE INTO fields (object, position, name, type) VALUES (?, ?, ?, ?)", object, i, f.Name, f.Type); err != nil {
				return err
			}
		}
		_, err := tx.Exec("UPDATE field_sync SET phase = ?, error = '' WHERE object = ?", PhaseDone, object)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: fields of %s: %w", object, err)
	}
	of.Fields = slices.Clone(fields)
	of.Phase, of.Err = PhaseDone, nil
	return nil
}

// Fields returns the fields found for object; ok is false until its field
// sync is done.
func (s *Store) Fields(object string) (fields []Field, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	of := s.objectFields(object)
	if of == nil || of.Phase != PhaseDone {
		return nil, false
	}
	return slices.Clone(of.Fields), true
}

// FieldSyncDone reports whether the field sync finished for every object.
func (s *Store) FieldSyncDone() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conn == nil || len(s.fields) == 0 {
		return false
	}
	for _, of := range s.fields {
		if of.Phase != PhaseDone {
			return false
		}
	}
	return true
}

func (s *Store) objectFields(object string) *ObjectFields {
	for i := range s.fields {
		if s.fields[i].Object == object {
			return &s.fields[i]
		}
	}
	return nil
}

// RecordSync returns the record sync state.
func (s *Store) RecordSync() RecordSync {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sync
}

// setRecordSync writes rs; s.mu is held.
func (s *Store) setRecordSync(rs RecordSync) error {
	_, err := s.db.Exec("UPDATE record_sync SET state = ?, error = ?, last_error = ?, last_pull = ? WHERE id = 1",
		rs.State, s.errorText(rs.Err), s.errorText(rs.LastError), formatTime(rs.LastPull))
	if err != nil {
		return fmt.Errorf("store: record sync state: %w", writeFailed(err))
	}
	s.sync = rs
	return nil
}

// showRecordSync writes rs, and shows it even when the database does not
// take it (a full disk refuses the very write that would say so): the
// job has stopped or is waiting, and the page must say why rather than
// show the state before. s.mu is held.
func (s *Store) showRecordSync(rs RecordSync) error {
	err := s.setRecordSync(rs)
	s.sync = rs
	return err
}

// StartRecordSync moves the record sync to SyncInitial unless it is
// already going; it reports whether it did, so that only one sync runs.
func (s *Store) StartRecordSync() (bool, error) {
	s.mu.Lock()
	defer s.unlockChanged()
	if s.conn == nil || s.sync.State.Active() {
		return false, nil
	}
	rs := RecordSync{State: SyncInitial, LastError: s.sync.LastError, LastPull: s.sync.LastPull}
	if err := s.setRecordSync(rs); err != nil {
		return false, err
	}
	return true, nil
}

// RecordSyncRunning marks the first full pull as finished (or a later pull
// as complete) at time at, and clears the last error.
func (s *Store) RecordSyncRunning(at time.Time) error {
	s.mu.Lock()
	defer s.unlockChanged()
	rs := s.sync
	rs.State, rs.Err, rs.LastPull, rs.LastError = SyncRunning, nil, at, nil
	return s.setRecordSync(rs)
}

// RecordSyncError records an error the sync will retry after.
func (s *Store) RecordSyncError(err error) error {
	s.mu.Lock()
	defer s.unlockChanged()
	rs := s.sync
	rs.LastError = err
	return s.showRecordSync(rs)
}

// RecordSyncFailed marks the record sync as stopped by err.
func (s *Store) RecordSyncFailed(err error) error {
	s.mu.Lock()
	defer s.unlockChanged()
	rs := s.sync
	rs.State, rs.Err, rs.LastError = SyncFailed, err, err
	return s.showRecordSync(rs)
}

// Changed returns a channel that is closed by the next write that may
// change what Status returns, so that the page's status stream tells the
// admin at once instead of asking again and again. A write that changed
// nothing may close it too: the caller compares what it shows.
func (s *Store) Changed() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.changed
}

// unlockChanged ends a write that may have changed what Status returns:
// it wakes the callers of Changed, then releases s.mu. Both under s.mu, so
// that a caller gets either the channel this write closes or a new one
// taken after the write, never one that misses it.
func (s *Store) unlockChanged() {
	s.version++
	close(s.changed)
	s.changed = make(chan struct{})
	s.mu.Unlock()
}

// Status returns a snapshot of the connection and both syncs.
func (s *Store) Status() Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := Status{Version: s.version, Sync: s.sync, Counts: map[string]int{}}
	if s.conn != nil {
		c := *s.conn
		st.Connection = &c
	}
	st.Fields = make([]ObjectFields, len(s.fields))
	for i, of := range s.fields {
		of.Fields = slices.Clone(of.Fields)
		st.Fields[i] = of
		st.Counts[of.Object] = s.counts[of.Object]
	}
	return st
}
