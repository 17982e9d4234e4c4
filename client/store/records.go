package store

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
)

// RecordCount returns how many live records of object are synced.
func (s *Store) RecordCount(object string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts[object]
}

// RecordIDs returns the ids of the synced live records of object, sorted.
func (s *Store) RecordIDs(object string) ([]string, error) {
	rows, err := s.db.Query("SELECT id FROM records WHERE object = ? AND deleted = 0 ORDER BY id", object)
	if err != nil {
		return nil, fmt.Errorf("store: record ids %s: %w", object, err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: record ids %s: %w", object, err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: record ids %s: %w", object, err)
	}
	return ids, nil
}

// Record returns the synced live record of object with the given id.
func (s *Store) Record(object, id string) (Record, bool, error) {
	var data string
	err := s.db.QueryRow("SELECT data FROM records WHERE object = ? AND id = ? AND deleted = 0", object, id).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("store: record %s %s: %w", object, id, err)
	}
	var r Record
	if err := json.Unmarshal([]byte(data), &r); err != nil {
		return nil, false, fmt.Errorf("store: record %s %s: %w", object, id, err)
	}
	return r, true, nil
}

// Cursor returns where the record sync of object stands; the zero Cursor
// means nothing was pulled yet.
func (s *Store) Cursor(object string) (Cursor, error) {
	var (
		c                             Cursor
		since, pullFrom, replicatedTo string
	)
	err := s.db.QueryRow(`SELECT full_done, since, pulling, pull_from, next_url, replicated_to
		FROM sync_cursors WHERE object = ?`, object).
		Scan(&c.FullDone, &since, &c.Pulling, &pullFrom, &c.NextRecordsURL, &replicatedTo)
	if errors.Is(err, sql.ErrNoRows) {
		return Cursor{}, nil
	}
	if err != nil {
		return Cursor{}, fmt.Errorf("store: cursor %s: %w", object, err)
	}
	c.Since, c.PullFrom, c.ReplicatedTo = parseTime(since), parseTime(pullFrom), parseTime(replicatedTo)
	return c, nil
}

func writeCursor(tx *sql.Tx, object string, c Cursor) error {
	_, err := tx.Exec(`INSERT OR REPLACE INTO sync_cursors (object, full_done, since, pulling, pull_from, next_url, replicated_to)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, object, c.FullDone, formatTime(c.Since), c.Pulling, formatTime(c.PullFrom),
		c.NextRecordsURL, formatTime(c.ReplicatedTo))
	return err
}

// SaveCursor stores the cursor of object.
func (s *Store) SaveCursor(object string, c Cursor) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.inTx(func(tx *sql.Tx) error { return writeCursor(tx, object, c) }); err != nil {
		return fmt.Errorf("store: cursor %s: %w", object, err)
	}
	return nil
}

// SavePage stores versions of records of object by their id, in one
// transaction with the object's cursor c when c is not nil: after a crash
// either both are stored or neither, so a resumed sync neither loses nor
// repeats a page. A version older than the stored one is skipped.
// It returns how many live records were added and removed.
func (s *Store) SavePage(object string, versions []RecordVersion, c *Cursor) (added, removed int, err error) {
	s.mu.Lock()
	defer s.unlockChanged()
	err = s.inTx(func(tx *sql.Tx) error {
		get, err := tx.Prepare("SELECT last_modified, deleted, data FROM records WHERE object = ? AND id = ?")
		if err != nil {
			return err
		}
		defer get.Close()
		put, err := tx.Prepare("INSERT OR REPLACE INTO records (object, id, last_modified, deleted, data) VALUES (?, ?, ?, ?, ?)")
		if err != nil {
			return err
		}
		defer put.Close()
		added, removed = 0, 0
		for _, v := range versions {
			if v.ID == "" {
				continue
			}
			lm := formatTime(v.LastModified)
			var storedLM, storedData string
			var storedDeleted bool
			err := get.QueryRow(object, v.ID).Scan(&storedLM, &storedDeleted, &storedData)
			exists := err == nil
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			// Both sort as text; a version without a date replaces any.
			if exists && lm != "" && lm < storedLM {
				continue
			}
			data := []byte(`{"Id":` + jsonString(v.ID) + `}`)
			if !v.Deleted {
				if data, err = json.Marshal(v.Fields); err != nil {
					return fmt.Errorf("record %s: %w", v.ID, err)
				}
			}
			if exists && lm == storedLM && v.Deleted == storedDeleted && string(data) == storedData {
				continue // read again, unchanged: spare the write
			}
			if _, err := put.Exec(object, v.ID, lm, v.Deleted, string(data)); err != nil {
				return err
			}
			switch {
			case !v.Deleted && (!exists || storedDeleted):
				added++
			case v.Deleted && exists && !storedDeleted:
				removed++
			}
		}
		if c != nil {
			return writeCursor(tx, object, *c)
		}
		return nil
	})
	if err != nil {
		return 0, 0, fmt.Errorf("store: save %s records: %w", object, err)
	}
	s.counts[object] += added - removed
	return added, removed, nil
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
