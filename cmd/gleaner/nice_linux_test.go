package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestPollYieldsCPU checks every thread of a running `gleaner poll`:
// Linux keeps a nice value per thread, so lowering only the calling
// thread's would leave the busiest ones at full priority.
func TestPollYieldsCPU(t *testing.T) {
	reached, release := make(chan struct{}), make(chan struct{})
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(reached)
		<-release // the poll stays running until the threads are read
		http.Error(w, "gone fishing", http.StatusServiceUnavailable)
	}))
	defer up.Close()
	dir := t.TempDir()
	config := filepath.Join(dir, "config.yaml")
	cfg := fmt.Sprintf("database: %s\nbase_url: http://gleaner.test\npoll:\n  allow_private_networks: true\nsources:\n  - name: held\n    url: %s/feed\noutputs:\n  - name: all\n", filepath.Join(dir, "g.db"), up.URL)
	if err := os.WriteFile(config, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(binary, "poll", "-config", config)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	<-reached
	nices, err := threadNices(cmd.Process.Pid)
	close(release)
	if err != nil {
		t.Fatal(err)
	}
	if len(nices) < 2 {
		t.Fatalf("read %d threads; a Go program runs several", len(nices))
	}
	for tid, n := range nices {
		if n != pollNice {
			t.Errorf("thread %d runs at nice %d, want %d (all: %v)", tid, n, pollNice, nices)
		}
	}
}

// threadNices reads the nice value of each of a process's threads from
// /proc (field 19 of stat, counted after the parenthesised name).
func threadNices(pid int) (map[int]int, error) {
	dir := fmt.Sprintf("/proc/%d/task", pid)
	tasks, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	nices := map[int]int{}
	for _, task := range tasks {
		stat, err := os.ReadFile(filepath.Join(dir, task.Name(), "stat"))
		if err != nil {
			continue // the thread ended meanwhile
		}
		s := string(stat)
		fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(fields) < 17 {
			return nil, fmt.Errorf("short stat line %q", s)
		}
		tid, _ := strconv.Atoi(task.Name())
		if nices[tid], err = strconv.Atoi(fields[16]); err != nil {
			return nil, fmt.Errorf("stat line %q: %w", s, err)
		}
	}
	return nices, nil
}
