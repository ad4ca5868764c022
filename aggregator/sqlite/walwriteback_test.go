package sqlite

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestWALWriteback checks that commits start the WAL's writeback (where
// the system can), and that closing the store stops it.
func TestWALWriteback(t *testing.T) {
	tests := []struct {
		name   string
		writes int
	}{
		{"writes", 20},
		{"no write: no WAL to write back", 0},
	}
	if writebackSupported {
		// Some file systems may refuse the call; the store then goes on
		// without it, and there is nothing to see here.
		f, err := os.Create(filepath.Join(t.TempDir(), "probe"))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := startWriteback(f); err != nil {
			t.Skipf("starting writeback fails on this file system: %v", err)
		}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, err := Open(t.Context(), filepath.Join(t.TempDir(), "gleaner.db"))
			if err != nil {
				t.Fatal(err)
			}
			c := db.checkpoints
			for i := range tt.writes {
				if err := db.SetSetting(t.Context(), fmt.Sprintf("k%d", i), strings.Repeat("x", 4096)); err != nil {
					t.Fatal(err)
				}
			}
			want := tt.writes > 0 && writebackSupported
			deadline := time.Now().Add(5 * time.Second)
			for want && c.writebacks.Load() == 0 && time.Now().Before(deadline) {
				time.Sleep(5 * time.Millisecond)
			}
			if got := c.writebacks.Load(); (got > 0) != want {
				t.Errorf("writebacks started: %d, want some: %v (supported here: %v)", got, want, writebackSupported)
			}
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
			select {
			case <-c.done:
			default:
				t.Error("the writeback still runs after Close")
			}
		})
	}
}
