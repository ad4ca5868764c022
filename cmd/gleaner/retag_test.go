package main

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestRetagAndExplain changes the rules after a poll: retag -dry-run
// reports and changes nothing, retag applies, explain shows why.
func TestRetagAndExplain(t *testing.T) {
	w := newWorld(t)
	if _, err := w.gleaner(t, "poll"); err != nil {
		t.Fatal(err)
	}
	before, _ := w.gleaner(t, "render", "all.json")
	orig, _ := os.ReadFile(w.config)
	// A new rule, and the cyber-security rule without its Chinese terms.
	cfg := strings.Replace(string(orig), "tags:\n  cyber-security:", "tags:\n  weather:\n    any: [天气, weather]\n  cyber-security:", 1)
	cfg = strings.Replace(cfg, ", 勒索软件, 网络攻击, 黑客]", "]", 1)
	if err := os.WriteFile(w.config, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}

	dry, err := w.gleaner(t, "retag", "-dry-run")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`6 items looked at, 3 would change`, `weather\s+1\s+0`, `cyber-security\s+0\s+2`} {
		if !regexp.MustCompile(want).MatchString(dry) {
			t.Errorf("retag -dry-run output does not match %q:\n%s", want, dry)
		}
	}
	if after, _ := w.gleaner(t, "render", "all.json"); after != before {
		t.Error("retag -dry-run changed the stored tags")
	}

	out, err := w.gleaner(t, "retag")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "3 changed") {
		t.Errorf("retag output:\n%s", out)
	}
	all, _ := w.gleaner(t, "render", "all.json")
	if !strings.Contains(all, `"weather"`) {
		t.Error("after retag no item carries the new weather tag")
	}
	cyber, _ := w.gleaner(t, "render", "cyber-security.json")
	if strings.Contains(cyber, "国家网信办通报") {
		t.Error("after retag the Chinese ransomware story is still tagged cyber-security, though its terms were removed")
	}
	if again, _ := w.gleaner(t, "retag"); !strings.Contains(again, "0 changed") {
		t.Errorf("a second retag changed items:\n%s", again)
	}

	explain, err := w.gleaner(t, "explain", "https://security.example.com/2024/03/ransomware-hospital?utm_campaign=x")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`Ransomware gang claims attack`, `source security-blog`, `source wire`,
		`cyber-security\s+title\s+0\s+ransomware\s+ransomware gang claims`} {
		if !regexp.MustCompile(want).MatchString(explain) {
			t.Errorf("explain output does not match %q:\n%s", want, explain)
		}
	}
	if _, err := w.gleaner(t, "explain", "no-such-item"); err == nil {
		t.Error("explain of an unknown item succeeded")
	}
}
