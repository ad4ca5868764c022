package main

import (
	"os"
	"os/exec"
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
	dir := countingDir(t)
	before := processWritten(os.Getpid())
	writeSynced(t, filepath.Join(dir, "data"), 1<<20)
	if got := processWritten(os.Getpid()) - before; got < 1<<20 {
		t.Errorf("wrote and synced 1 MiB, counted %d bytes", got)
	}
}

// TestSettledWritten: the count waits for writes that come after it
// starts, as a service's at rest come after its sweep's log line.
func TestSettledWritten(t *testing.T) {
	dir := countingDir(t)
	// Three writes of 256 KiB, synced, 300 ms apart, then a rest.
	cmd := exec.Command("sh", "-c", `for i in 1 2 3; do sleep 0.3; dd if=/dev/zero of="$0/f$i" bs=65536 count=4 conv=fsync 2>/dev/null; done; sleep 3`, dir)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	before := processWritten(cmd.Process.Pid)
	if got := settledWritten(t.Context(), cmd.Process.Pid) - before; got < 3<<18 {
		t.Errorf("settled at %d bytes written, want the three writes' %d at least", got, 3<<18)
	}
}

// countingDir is a temporary directory whose writes the system counts,
// or skips the test: tmpfs counts none.
func countingDir(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat("/proc/self/io"); err != nil {
		t.Skip("no /proc/self/io on this system")
	}
	dir := t.TempDir()
	before := processWritten(os.Getpid())
	writeSynced(t, filepath.Join(dir, "probe"), 64<<10)
	if processWritten(os.Getpid()) == before {
		t.Skip("the temporary directory's filesystem counts no writes (tmpfs)")
	}
	return dir
}

func writeSynced(t *testing.T, file string, n int) {
	t.Helper()
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write(make([]byte, n)); err != nil {
		t.Fatal(err)
	}
	if err := f.Sync(); err != nil {
		t.Fatal(err)
	}
}
