package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// corpusDir holds the shared schemas; tests that need it skip without it.
const corpusDir = "../../../shared/corpus"

// requireChecker skips the test when an external checker is missing, or
// fails it when running in CI, where .ci/run installs every checker.
func requireChecker(t *testing.T, what string, ok bool) {
	t.Helper()
	if ok {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("checker %s is not installed (CI=true: .ci/run should have installed it)", what)
	}
	t.Skipf("checker %s is not installed", what)
}

func hasCommand(name string, args ...string) bool {
	return exec.Command(name, args...).Run() == nil
}

// validateOutputs runs the reference checkers on rendered outputs: jing
// with the RFC 4287 schema for Atom, Python feedparser for RSS, and the
// JSON Feed 1.1 schema for JSON.
func validateOutputs(t *testing.T, dir string, rendered map[string][]byte) {
	t.Helper()
	schema := filepath.Join(corpusDir, "schema")
	if _, err := os.Stat(schema); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("shared corpus missing at %s", corpusDir)
		}
		t.Skipf("shared corpus not found at %s; skipping validators", corpusDir)
	}
	files := map[string]string{}
	for name, body := range rendered {
		path := filepath.Join(dir, "out-"+name)
		if err := os.WriteFile(path, body, 0o644); err != nil {
			t.Fatal(err)
		}
		files[name] = path
	}
	t.Run("jing", func(t *testing.T) {
		_, err := exec.LookPath("jing")
		requireChecker(t, "jing", err == nil)
		for name, path := range files {
			if !strings.HasSuffix(name, ".atom") {
				continue
			}
			out, err := exec.Command("jing", "-c", filepath.Join(schema, "atom.rnc"), path).CombinedOutput()
			if err != nil {
				t.Errorf("jing rejects %s: %v\n%s", name, err, out)
			}
		}
	})
	t.Run("feedparser", func(t *testing.T) {
		requireChecker(t, "python3-feedparser", hasCommand("/usr/bin/python3", "-c", "import feedparser"))
		for name, path := range files {
			if !strings.HasSuffix(name, ".rss") {
				continue
			}
			out, err := exec.Command("/usr/bin/python3", "-c", `
import sys, feedparser
d = feedparser.parse(sys.argv[1])
if d.bozo:
    print("bozo:", d.bozo_exception)
    sys.exit(1)
if not d.entries:
    print("no entries")
    sys.exit(1)
for e in d.entries:
    if not e.get("id") or not e.get("published_parsed"):
        print("entry without id or date:", e.get("title"))
        sys.exit(1)
`, path).CombinedOutput()
			if err != nil {
				t.Errorf("feedparser rejects %s: %v\n%s", name, err, out)
			}
		}
	})
	t.Run("jsonschema", func(t *testing.T) {
		requireChecker(t, "python3-jsonschema", hasCommand("/usr/bin/python3", "-c", "import jsonschema"))
		for name, path := range files {
			if !strings.HasSuffix(name, ".json") {
				continue
			}
			out, err := exec.Command("/usr/bin/python3", "-c", `
import sys, json, jsonschema
schema = json.load(open(sys.argv[1]))
doc = json.load(open(sys.argv[2]))
jsonschema.validate(doc, schema)
`, filepath.Join(schema, "jsonfeed-schema-v1.1.json"), path).CombinedOutput()
			if err != nil {
				t.Errorf("JSON Feed 1.1 schema rejects %s: %v\n%s", name, err, out)
			}
		}
	})
}
