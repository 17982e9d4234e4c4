package store

import (
	"context"
	"database/sql"
	"fmt"
)

// migrations are the schema changes, in order: migrations[i] takes the
// database from version i to i+1 (PRAGMA user_version). Append new ones;
// never edit one that has shipped.
var migrations = []string{
	// 1: the first schema.
	`
CREATE TABLE settings (
	name  TEXT PRIMARY KEY,
	value ANY NOT NULL
) STRICT;

-- The pending (waiting for Confirm Credentials) and active connections.
-- token is the sealed JSON of the OAuth token with Salesforce's extra
-- fields (instance_url, id, issued_at, signature, scope).
CREATE TABLE connections (
	slot            TEXT PRIMARY KEY CHECK (slot IN ('pending', 'active')),
	token           BLOB NOT NULL,
	instance_url    TEXT NOT NULL,
	identity_url    TEXT NOT NULL,
	username        TEXT,
	organization_id TEXT,
	user_id         TEXT,
	display_name    TEXT,
	connected_at    TEXT NOT NULL DEFAULT ''
) STRICT;

-- Progress of the field sync, one row per synced object.
CREATE TABLE field_sync (
	object   TEXT PRIMARY KEY,
	position INTEGER NOT NULL,
	phase    TEXT NOT NULL,
	error    TEXT NOT NULL DEFAULT ''
) STRICT;

-- The field map: the fields the describe of each object reported.
CREATE TABLE fields (
	object   TEXT NOT NULL,
	position INTEGER NOT NULL,
	name     TEXT NOT NULL,
	type     TEXT NOT NULL,
	PRIMARY KEY (object, name)
) STRICT;

CREATE TABLE record_sync (
	id         INTEGER PRIMARY KEY CHECK (id = 1),
	state      TEXT NOT NULL,
	error      TEXT NOT NULL DEFAULT '',
	last_error TEXT NOT NULL DEFAULT '',
	last_pull  TEXT NOT NULL DEFAULT ''
) STRICT;
INSERT INTO record_sync (id, state) VALUES (1, 'not_started');

-- Where the record sync of each object stands; see Cursor.
CREATE TABLE sync_cursors (
	object        TEXT PRIMARY KEY,
	full_done     INTEGER NOT NULL DEFAULT 0,
	since         TEXT NOT NULL DEFAULT '',
	pulling       INTEGER NOT NULL DEFAULT 0,
	pull_from     TEXT NOT NULL DEFAULT '',
	next_url      TEXT NOT NULL DEFAULT '',
	replicated_to TEXT NOT NULL DEFAULT ''
) STRICT;

-- Synced records by object and Salesforce Id. A deleted record stays as a
-- tombstone (deleted = 1) so that an older copy cannot bring it back.
-- last_modified is LastModifiedDate in a fixed-width UTC form that sorts
-- as text.
CREATE TABLE records (
	object        TEXT NOT NULL,
	id            TEXT NOT NULL,
	last_modified TEXT NOT NULL DEFAULT '',
	deleted       INTEGER NOT NULL DEFAULT 0,
	data          TEXT NOT NULL,
	PRIMARY KEY (object, id)
) STRICT;
CREATE INDEX records_live ON records (object) WHERE deleted = 0;
`,
	// 2: how a connection got its tokens (Connection.Flow), and the My
	// Domain URL of a client credentials connection. Existing ones came
	// from Login with Salesforce.
	`
ALTER TABLE connections ADD COLUMN flow TEXT NOT NULL DEFAULT 'web_server';
ALTER TABLE connections ADD COLUMN my_domain_url TEXT NOT NULL DEFAULT '';
`,
}

// migrate brings db to the newest schema version, one transaction per
// migration.
func migrate(ctx context.Context, db *sql.DB) error {
	var version int
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return fmt.Errorf("store: schema version: %w", err)
	}
	if version > len(migrations) {
		return fmt.Errorf("store: the database has schema version %d, newer than this program knows (%d): use a newer Beacon", version, len(migrations))
	}
	for v := version; v < len(migrations); v++ {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("store: migrate to %d: %w", v+1, err)
		}
		if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
			tx.Rollback()
			return fmt.Errorf("store: migrate to %d: %w", v+1, err)
		}
		// PRAGMA takes no parameters; v+1 is our own integer.
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", v+1)); err != nil {
			tx.Rollback()
			return fmt.Errorf("store: migrate to %d: %w", v+1, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("store: migrate to %d: %w", v+1, err)
		}
	}
	return nil
}
