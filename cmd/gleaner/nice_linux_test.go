package main

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// TestPollYieldsCPU checks every thread of a running `gleaner poll`:
// Linux keeps a nice value and a scheduling policy per thread, so
// lowering only the calling thread's would leave the busiest ones at
// full priority.
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
	threads, err := threadPriorities(cmd.Process.Pid)
	close(release)
	if err != nil {
		t.Fatal(err)
	}
	if len(threads) < 2 {
		t.Fatalf("read %d threads; a Go program runs several", len(threads))
	}
	for tid, p := range threads {
		if p.nice != pollNice || p.policy != unix.SCHED_IDLE {
			t.Errorf("thread %d runs at nice %d, policy %d; want %d, SCHED_IDLE (%d); all: %v", tid, p.nice, p.policy, pollNice, unix.SCHED_IDLE, threads)
		}
	}
}

type priority struct{ nice, policy int }

// threadPriorities reads the nice value and the scheduling policy of
// each of a process's threads from /proc (fields 19 and 41 of stat,
// counted after the parenthesised name).
func threadPriorities(pid int) (map[int]priority, error) {
	dir := fmt.Sprintf("/proc/%d/task", pid)
	tasks, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	threads := map[int]priority{}
	for _, task := range tasks {
		stat, err := os.ReadFile(filepath.Join(dir, task.Name(), "stat"))
		if err != nil {
			continue // the thread ended meanwhile
		}
		s := string(stat)
		fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(fields) < 39 {
			return nil, fmt.Errorf("short stat line %q", s)
		}
		nice, errNice := strconv.Atoi(fields[16])
		policy, errPolicy := strconv.Atoi(fields[38])
		if err := errors.Join(errNice, errPolicy); err != nil {
			return nil, fmt.Errorf("stat line %q: %w", s, err)
		}
		tid, _ := strconv.Atoi(task.Name())
		threads[tid] = priority{nice, policy}
	}
	return threads, nil
}
