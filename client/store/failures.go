package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// SQLite's primary result codes this package tells apart
// (https://sqlite.org/rescode.html); modernc.org/sqlite's errors carry
// them, extended codes in the high bits.
const (
	sqliteCorrupt  = 11 // SQLITE_CORRUPT: the file is damaged
	sqliteFull     = 13 // SQLITE_FULL: the disk (or a quota) is full
	sqliteCantOpen = 14 // SQLITE_CANTOPEN: not a file SQLite can open
	sqliteNotADB   = 26 // SQLITE_NOTADB: not an SQLite database at all
)

// WriteError is a change the database did not take: Beacon's state is as
// it was before the change, in the database and in memory. Full reports
// that the disk (or the file system's quota) that holds the database was
// full; Err is SQLite's own error, for the logs, not for the admin. The
// store's methods wrap it with what they were writing.
type WriteError struct {
	Full bool
	Err  error
}

func (e *WriteError) Error() string { return e.Err.Error() }

func (e *WriteError) Unwrap() error { return e.Err }

// writeFailed wraps err, a failed write, as a *WriteError; nil stays
// nil.
func writeFailed(err error) error {
	if err == nil {
		return nil
	}
	var we *WriteError
	if errors.As(err, &we) {
		return err
	}
	return &WriteError{Full: sqliteCode(err) == sqliteFull || errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT), Err: err}
}

// sqliteCode is the primary SQLite result code in err's chain, 0 if none.
func sqliteCode(err error) int {
	var coded interface{ Code() int }
	if errors.As(err, &coded) {
		return coded.Code() & 0xff
	}
	return 0
}

// ErrUnreadable reports a database file that exists but is not one
// Beacon can read: empty, damaged, not a database, or not readable by
// this user. Open then changes nothing, so nothing stored is lost.
var ErrUnreadable = errors.New("store: the database file cannot be read")

// ErrCorrupt reports a sealed value that does not open although the key
// is right (the key check opened): the database was damaged or edited.
var ErrCorrupt = errors.New("store: a stored value is corrupt")

// checkExisting refuses a database file that exists but is empty: SQLite
// would take it for a new database and start over, losing what it held
// (a file cut to zero bytes by a full disk or a bad copy). A file with a
// write-ahead log beside it is left to SQLite, which recovers from it.
func checkExisting(path string) error {
	info, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrUnreadable, path, err)
	}
	if info.IsDir() {
		return fmt.Errorf("%w: %s is a directory, not Beacon's database; Beacon changed nothing. Give -db the database file's path", ErrUnreadable, path)
	}
	if info.Size() > 0 {
		return nil
	}
	if wal, err := os.Stat(path + "-wal"); err == nil && wal.Size() > 0 {
		return nil
	}
	return fmt.Errorf("%w: %s is empty (0 bytes), so it no longer holds Beacon's settings, credentials and records; Beacon changed nothing. Restore it from a backup, or remove it to start over with a new database", ErrUnreadable, path)
}

// unreadable words a failure to open or read the existing database file
// at path, when err says the file is the cause; other errors pass
// unchanged.
func unreadable(path string, err error) error {
	var what string
	switch {
	case sqliteCode(err) == sqliteNotADB:
		what = "is not an SQLite database"
	case sqliteCode(err) == sqliteCorrupt:
		what = "is damaged"
	case sqliteCode(err) == sqliteCantOpen:
		what = "cannot be opened"
	case errors.Is(err, fs.ErrPermission):
		what = "may not be read and written by this user"
	default:
		return err
	}
	return fmt.Errorf("%w: %s %s (%v); Beacon changed nothing. Restore it from a backup, or move it away to start over with a new database", ErrUnreadable, path, what, err)
}

// SimulateFullDisk makes the database refuse every write that needs more
// room than it has now, as a full disk does (SQLITE_FULL), until Close:
// a test hook for the failure the admin must be told about, since a
// real full disk cannot be made in a test.
func (s *Store) SimulateFullDisk() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	// SQLite keeps max_page_count at least at the current size; the one
	// connection (Open) holds it.
	if _, err := s.db.Exec("PRAGMA max_page_count = 1"); err != nil {
		return fmt.Errorf("store: simulate a full disk: %w", err)
	}
	return nil
}
