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
	_, jingErr := exec.LookPath("jing")
	checkers := []struct {
		name, ext string
		present   bool
		command   func(path string) []string
	}{
		{"jing", ".atom", jingErr == nil, func(path string) []string {
			return []string{"jing", "-c", filepath.Join(schema, "atom.rnc"), path}
		}},
		{"python3-feedparser", ".rss", hasCommand("/usr/bin/python3", "-c", "import feedparser"), func(path string) []string {
			return []string{"/usr/bin/python3", "-c", feedparserCheck, path}
		}},
		{"python3-jsonschema", ".json", hasCommand("/usr/bin/python3", "-c", "import jsonschema"), func(path string) []string {
			return []string{"/usr/bin/python3", "-c", jsonschemaCheck, filepath.Join(schema, "jsonfeed-schema-v1.1.json"), path}
		}},
	}
	for _, c := range checkers {
		t.Run(c.name, func(t *testing.T) {
			requireChecker(t, c.name, c.present)
			for name, path := range files {
				if !strings.HasSuffix(name, c.ext) {
					continue
				}
				args := c.command(path)
				if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
					t.Errorf("%s rejects %s: %v\n%s", c.name, name, err, out)
				}
			}
		})
	}
}

// feedparserCheck fails on a bozo parse, no entries, or an entry without
// an id or a date.
const feedparserCheck = `
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
`

// jsonschemaCheck validates a document against a JSON Schema.
const jsonschemaCheck = `
import sys, json, jsonschema
schema = json.load(open(sys.argv[1]))
doc = json.load(open(sys.argv[2]))
jsonschema.validate(doc, schema)
`
