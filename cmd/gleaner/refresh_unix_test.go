//go:build unix

package main

import (
	"strings"
	"syscall"
	"testing"
)

// TestRefreshSignal: SIGUSR1 polls every source of a running server at
// once, though none is due for another quarter of an hour.
func TestRefreshSignal(t *testing.T) {
	w := newWorld(t)
	base, stop := startServe(t, w)
	defer stop()
	waitFor(t, func() bool { return strings.Contains(body(t, base+"/feeds/all.json"), "北京今日天气") })
	// A refresh counts the polls still running as its own, so it must
	// come after the first sweep: on a busy machine a source could still
	// be storing once another's items were served.
	waitFor(t, func() bool { return strings.Contains(w.serveLog.String(), "swept every source") })
	ups := map[string]*upstream{"chinese-news": w.chinese, "security-blog": w.atom, "wire": w.json}
	before := map[string]int{}
	for name, u := range ups {
		before[name], _ = u.counts()
		if before[name] != 1 {
			t.Fatalf("%s was asked %d times before the refresh, want once", name, before[name])
		}
	}
	if err := w.serve.Process.Signal(syscall.SIGUSR1); err != nil {
		t.Fatal(err)
	}
	for name, u := range ups {
		waitFor(t, func() bool { n, _ := u.counts(); return n == 2 })
		if n, conditional := u.counts(); conditional != 1 {
			t.Errorf("%s: %d requests, %d conditional after the refresh; want the second one conditional", name, n, conditional)
		}
	}
}
