package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/gleaner/gleaner/aggregator"
)

const sourceColumns = `name, url, etag, last_modified, last_attempt, last_success,
	last_status, last_error, failures, next_attempt, last_new`

// SourceState returns what is known of a source; a source never polled
// has a zero state with its name.
func (db *DB) SourceState(ctx context.Context, name string) (aggregator.SourceState, error) {
	row := db.read.QueryRowContext(ctx, `SELECT `+sourceColumns+` FROM sources WHERE name = ?`, name)
	st, err := scanSource(row)
	if errors.Is(err, sql.ErrNoRows) {
		return aggregator.SourceState{Name: name}, nil
	}
	if err != nil {
		return st, fmt.Errorf("source %s: %w", name, err)
	}
	return st, nil
}

// SourceStates returns every source the database knows, by name.
func (db *DB) SourceStates(ctx context.Context) ([]aggregator.SourceState, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+sourceColumns+` FROM sources ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list sources: %w", err)
	}
	defer rows.Close()
	var out []aggregator.SourceState
	for rows.Next() {
		st, err := scanSource(rows)
		if err != nil {
			return nil, fmt.Errorf("list sources: %w", err)
		}
		out = append(out, st)
	}
	return out, rows.Err()
}

func scanSource(row interface{ Scan(...any) error }) (aggregator.SourceState, error) {
	var st aggregator.SourceState
	var attempt, success, next int64
	err := row.Scan(&st.Name, &st.URL, &st.ETag, &st.LastModified, &attempt, &success,
		&st.LastStatus, &st.LastError, &st.Failures, &next, &st.LastNewItems)
	st.LastAttempt, st.LastSuccess, st.NextAttempt = fromMillis(attempt), fromMillis(success), fromMillis(next)
	return st, err
}

// RecordHealth writes a poll that brought no entries: a failure, or a
// 304 that keeps the stored validators.
func (db *DB) RecordHealth(ctx context.Context, src aggregator.Source, h aggregator.Health) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		return upsertSource(ctx, tx, src, nil, h)
	})
}

// validators are the ETag and Last-Modified to store; nil keeps the old.
type validators struct{ etag, lastModified string }

func upsertSource(ctx context.Context, tx *sql.Tx, src aggregator.Source, v *validators, h aggregator.Health) error {
	keep := v == nil
	if keep {
		v = &validators{}
	}
	_, err := tx.ExecContext(ctx, `
		INSERT INTO sources (name, url, etag, last_modified, last_attempt, last_success,
			last_status, last_error, failures, next_attempt, last_new)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET
			url = excluded.url,
			etag = CASE WHEN ? THEN etag ELSE excluded.etag END,
			last_modified = CASE WHEN ? THEN last_modified ELSE excluded.last_modified END,
			last_attempt = excluded.last_attempt,
			last_success = excluded.last_success,
			last_status = excluded.last_status,
			last_error = excluded.last_error,
			failures = excluded.failures,
			next_attempt = excluded.next_attempt,
			last_new = excluded.last_new`,
		src.Name, src.URL, v.etag, v.lastModified, millis(h.LastAttempt), millis(h.LastSuccess),
		h.LastStatus, h.LastError, h.Failures, millis(h.NextAttempt), h.LastNewItems, keep, keep)
	if err != nil {
		return fmt.Errorf("save source %s: %w", src.Name, err)
	}
	return nil
}
