package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestCLI(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("sources:\n  - name: a\n    ulr: http://x\n"), 0o644)
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"help", []string{"-h"}, 0, "gleaner serve", ""},
		{"version", []string{"version"}, 0, "gleaner ", ""},
		{"no command", nil, 2, "", "Usage:"},
		{"unknown command", []string{"frobnicate"}, 2, "", `unknown command "frobnicate"`},
		{"check shipped config", []string{"check", "-config", "../../config.yaml"}, 0, "ok", ""},
		{"check bad config", []string{"check", "-config", bad}, 2, "", bad + ":2:5: source \"a\" needs a url\n" + bad + ":3:5: unknown field \"ulr\" (did you mean \"url\"?)"},
		{"missing config", []string{"check", "-config", filepath.Join(dir, "none.yaml")}, 1, "", "no such file"},
		{"render needs OUTPUT.EXT", []string{"render", "-config", "../../config.yaml", "all"}, 2, "", "OUTPUT.EXT"},
		{"render unknown format", []string{"render", "-config", "../../config.yaml", "all.xml"}, 2, "", "unknown format"},
		{"poll unknown source", []string{"poll", "-config", "../../config.yaml", "nope"}, 2, "", `no source named "nope"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command(binary, tt.args...)
			cmd.Env = append(os.Environ(), "GLEANER_CONFIG="+filepath.Join(dir, "unused.yaml"))
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			code := 0
			var exit *exec.ExitError
			if errors.As(err, &exit) {
				code = exit.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != tt.code || !strings.Contains(stdout.String(), tt.stdout) || !strings.Contains(stderr.String(), tt.stderr) {
				t.Errorf("gleaner %v: exit %d, stdout %q, stderr %q; want exit %d, stdout with %q, stderr with %q",
					tt.args, code, stdout.String(), stderr.String(), tt.code, tt.stdout, tt.stderr)
			}
		})
	}
}

// TestReload changes the configuration of a running server: SIGHUP with
// a good file publishes the new output; with a broken one the running
// configuration stays.
func TestReload(t *testing.T) {
	w := newWorld(t)
	base, stop := startServe(t, w)
	defer stop()
	if r := status(t, base+"/feeds/extra.json"); r != http.StatusNotFound {
		t.Fatalf("extra output before reload: %d, want 404", r)
	}
	// Wait for the first poll, so that reloading must re-tag stored items.
	waitFor(t, func() bool { return strings.Contains(body(t, base+"/feeds/all.json"), "北京今日天气") })
	orig, _ := os.ReadFile(w.config)
	withRule := strings.Replace(string(orig), "tags:\n  cyber-security:", "tags:\n  weather:\n    any: [天气]\n  cyber-security:", 1)
	os.WriteFile(w.config, []byte(withRule+"  - name: extra\n    tags: [weather]\n"), 0o644)
	w.signal(t, "SIGHUP")
	waitFor(t, func() bool { return status(t, base+"/feeds/extra.json") == http.StatusOK })
	if got := body(t, base+"/feeds/extra.json"); !strings.Contains(got, "北京今日天气") {
		t.Errorf("after reloading with a new rule, its output lacks the stored item it matches:\n%s", got)
	}

	os.WriteFile(w.config, append(orig, []byte("  - name: broken\n    tagz: [china]\n")...), 0o644)
	w.signal(t, "SIGHUP")
	time.Sleep(300 * time.Millisecond)
	if r := status(t, base+"/feeds/extra.json"); r != http.StatusOK {
		t.Errorf("after a broken reload the running output answers %d, want 200", r)
	}
	if r := status(t, base+"/feeds/broken.json"); r != http.StatusNotFound {
		t.Errorf("an output from a broken config answers %d, want 404", r)
	}
}

func body(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func status(t *testing.T, url string) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for !cond() {
		select {
		case <-ctx.Done():
			t.Fatal("condition not met within 10s")
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// TestWebSub runs the server with a hub configured: outputs advertise it,
// and once the first poll has stored items the hub is told which feeds
// changed.
func TestWebSub(t *testing.T) {
	var mu sync.Mutex
	var topics []string
	hub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		mu.Lock()
		if r.PostForm.Get("hub.mode") == "publish" {
			topics = append(topics, r.PostForm["hub.url"]...)
		}
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	defer hub.Close()
	w := newWorld(t)
	orig, _ := os.ReadFile(w.config)
	os.WriteFile(w.config, []byte("websub:\n  hubs: ["+hub.URL+"/]\n"+string(orig)), 0o644)
	base, stop := startServe(t, w)
	defer stop()
	waitFor(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return slices.Contains(topics, "http://gleaner.test/feeds/cyber-security.atom")
	})
	for _, feed := range []string{"/feeds/all.atom", "/feeds/all.rss"} {
		if b := body(t, base+feed); !strings.Contains(b, `href="`+hub.URL+`/" rel="hub"`) {
			t.Errorf("%s does not advertise the hub:\n%.400s", feed, b)
		}
	}
	if b := body(t, base+"/feeds/all.json"); !strings.Contains(b, `"type": "WebSub"`) {
		t.Errorf("all.json does not advertise the hub")
	}
}
