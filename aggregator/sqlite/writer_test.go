package sqlite

import (
	"context"
	"path/filepath"
	"testing"
)

// TestWriterKeepsStatements checks that a write statement is prepared on
// the writer's connection once a transaction has asked for it, and that
// later transactions run it from there.
func TestWriterKeepsStatements(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "w.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const query = `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`
	kept := func() bool {
		db.prepared.mu.Lock()
		defer db.prepared.mu.Unlock()
		return db.prepared.kept[query] != nil
	}
	for i := range 3 {
		if err := db.inTx(ctx, func(tx *wtx) error {
			// The first transaction asks for it; the next ones find it.
			if got := kept(); got != (i > 0) {
				t.Errorf("transaction %d: statement kept: %v, want %v", i, got, i > 0)
			}
			_, err := tx.ExecContext(ctx, query, "k", "v")
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	var v string
	if err := db.read.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = 'k'`).Scan(&v); err != nil || v != "v" {
		t.Fatalf("setting: %q, %v", v, err)
	}
}
