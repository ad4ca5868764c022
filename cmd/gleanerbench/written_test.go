package main

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWriteBytes(t *testing.T) {
	tests := []struct {
		name, procIO string
		want         int64
	}{
		{"linux", "rchar: 4096\nwchar: 9000\nsyscr: 3\nsyscw: 2\nread_bytes: 0\nwrite_bytes: 374263808\ncancelled_write_bytes: 98304\n", 374263808},
		{"no such line", "rchar: 1\nwchar: 2\n", 0},
		{"cancelled only", "cancelled_write_bytes: 4096\n", 0},
		{"empty", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := writeBytes(tt.procIO); got != tt.want {
				t.Errorf("writeBytes = %d, want %d", got, tt.want)
			}
		})
	}
}

// TestProcessWritten: a megabyte written and synced shows in the
// process's own count.
func TestProcessWritten(t *testing.T) {
	if _, err := os.Stat("/proc/self/io"); err != nil {
		t.Skip("no /proc/self/io on this system")
	}
	before := processWritten(os.Getpid())
	f, err := os.Create(filepath.Join(t.TempDir(), "data"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write(make([]byte, 1<<20)); err != nil {
		t.Fatal(err)
	}
	if err := f.Sync(); err != nil {
		t.Fatal(err)
	}
	got := processWritten(os.Getpid()) - before
	if got == 0 {
		t.Skip("the temporary directory's filesystem counts no writes (tmpfs)")
	}
	if got < 1<<20 {
		t.Errorf("wrote and synced 1 MiB, counted %d bytes", got)
	}
}
