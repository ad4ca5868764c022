package main

import (
	"os"
	"strings"
	"testing"
)

func TestReadInstructions(t *testing.T) {
	f, err := os.Open("testdata/cachegrind/poll.out")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := readInstructions(f)
	if err != nil {
		t.Fatal(err)
	}
	// runtime.* and internal/runtime/... only: a package whose name merely
	// starts with "runtime" is not the Go runtime.
	if want := (instructions{Total: 9957, Runtime: 2050}); got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if got.Outside() != 7907 {
		t.Errorf("outside the runtime %d, want 7907", got.Outside())
	}
}

func TestReadInstructionsRefuses(t *testing.T) {
	for _, tc := range []struct{ name, text, want string }{
		{"unfinished", "events: Ir\nfn=main.main\n1 5\n", "no summary"},
		{"other events", "events: Dr Ir\nfn=main.main\n1 5 5\nsummary: 5 5\n", "want Ir"},
		{"counts off", "events: Ir\nfn=main.main\n1 5\nsummary: 6\n", "add up to 5"},
		{"bad count", "events: Ir\nfn=main.main\n1 x\nsummary: 6\n", "count line"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := readInstructions(strings.NewReader(tc.text))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one saying %q", err, tc.want)
			}
		})
	}
}

// TestInstructionScaling: the medians of each size's runs, against the
// ratio of feeds, in all and outside the runtime.
func TestInstructionScaling(t *testing.T) {
	run := func(feeds int, total, runtime int64) scaleRun {
		var r scaleRun
		r.Feeds, r.Cycle.Use.Instructions = feeds, instructions{Total: total, Runtime: runtime}
		return r
	}
	r := &scaleReport{base: 100, large: 400, runs: []scaleRun{
		run(100, 1000, 200), run(400, 4400, 800), run(100, 1040, 240), run(400, 4600, 700), run(100, 1020, 220),
	}}
	s, ok := r.instructionScaling()
	if !ok {
		t.Fatal("no figures")
	}
	if s.Base.Total != 1020 || s.Large.Total != 4500 {
		t.Errorf("medians %d and %d, want 1020 and 4500", s.Base.Total, s.Large.Total)
	}
	// Outside the runtime: medians 800 and 3750; 3750 / 800 / 4.
	if want := 3750.0 / 800 / 4; s.OutsideLinear != want {
		t.Errorf("outside the runtime %.4f× linear, want %.4f×", s.OutsideLinear, want)
	}
	if want := 4500.0 / 1020 / 4; s.OverLinear != want {
		t.Errorf("%.4f× linear, want %.4f×", s.OverLinear, want)
	}
	var out strings.Builder
	r.write(&out)
	if !strings.Contains(out.String(), "4.00× the feeds ran 1.103× linear in instructions, 1.172× outside the Go runtime.") {
		t.Errorf("report lacks the instructions line:\n%s", out.String())
	}
	if _, ok := (&scaleReport{base: 100, large: 400, runs: []scaleRun{run(100, 0, 0)}}).instructionScaling(); ok {
		t.Error("figures from runs that counted no instructions")
	}
}
