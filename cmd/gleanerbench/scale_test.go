package main

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestScaleOrder(t *testing.T) {
	tests := []struct {
		pairs int
		want  []int
	}{
		{1, []int{600, 5000, 600}},
		{2, []int{600, 5000, 600, 5000, 600}},
	}
	for _, tt := range tests {
		if got := scaleOrder(600, 5000, tt.pairs); !slices.Equal(got, tt.want) {
			t.Errorf("scaleOrder(600, 5000, %d) = %v, want %v", tt.pairs, got, tt.want)
		}
	}
}

func TestScaling(t *testing.T) {
	run := func(feeds int, wall, cpu float64) scaleRun {
		return scaleRun{Feeds: feeds, Cycle: cycle{Use: processUse{Wall: seconds(wall), CPU: seconds(cpu)}, Baseline: seconds(wall / 30)}}
	}
	tests := []struct {
		name                   string
		runs                   []scaleRun
		wantWall, wantOverWall float64
		wantCPU, wantOverCPU   float64
		wantPerDoubling        float64
	}{
		{
			name: "linear",
			runs: []scaleRun{run(600, 3, 6), run(5000, 25, 50), run(600, 3, 6)},
			// 8.33× the feeds, 8.33× the time
			wantWall: 25.0 / 3, wantOverWall: 1, wantCPU: 50.0 / 6, wantOverCPU: 1, wantPerDoubling: 1,
		},
		{
			name: "medians, not means: a slow base run does not flatter the ratio",
			runs: []scaleRun{run(600, 3, 6), run(5000, 33, 60), run(600, 9, 18), run(5000, 30, 58), run(600, 3.2, 6.2)},
			// base medians 3.2 s and 6.2 CPU s; large 31.5 s and 59 CPU s
			wantWall: 31.5 / 3.2, wantOverWall: 31.5 / 3.2 / (5000.0 / 600), wantCPU: 59 / 6.2, wantOverCPU: 59 / 6.2 / (5000.0 / 600),
			// 1.142× linear over log2(8.33) = 3.06 doublings
			wantPerDoubling: math.Pow(59/6.2/(5000.0/600), 1/math.Log2(5000.0/600)),
		},
		{
			name:     "twice the feeds, 1.1× the CPU a feed: 1.1× a doubling",
			runs:     []scaleRun{run(600, 3, 6), run(1200, 6.6, 13.2), run(600, 3, 6)},
			wantWall: 2.2, wantOverWall: 1.1, wantCPU: 2.2, wantOverCPU: 1.1, wantPerDoubling: 1.1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			large := tt.runs[1].Feeds
			r := &scaleReport{base: 600, large: large, runs: tt.runs}
			s := scalingOf(r.summary(600), r.summary(large))
			for _, c := range []struct {
				what      string
				got, want float64
			}{
				{"wall", s.Wall, tt.wantWall}, {"wall over linear", s.WallOverLinear, tt.wantOverWall},
				{"CPU", s.CPU, tt.wantCPU}, {"CPU over linear", s.CPUOverLinear, tt.wantOverCPU},
				{"CPU per doubling", s.CPUPerDoubling, tt.wantPerDoubling},
				{"bare fetch", s.Fetch, tt.wantWall},
			} {
				if math.Abs(c.got-c.want) > 1e-6 { // durations are whole nanoseconds
					t.Errorf("%s = %.4f, want %.4f", c.what, c.got, c.want)
				}
			}
		})
	}
}

// TestBracketed checks the estimate that holds each large run against
// the base runs either side of it. When the machine changes speed partway
// (as it did on 2026-12-01 at 07:15), the large runs' median can come
// from one phase and the base runs' from between the two, and the ratio
// of medians is off; each bracketed pair is off only where it straddles
// the change.
func TestBracketed(t *testing.T) {
	const feeds = 5000.0 / 600
	run := func(n int, cpu float64) scaleRun {
		return scaleRun{Feeds: n, Cycle: cycle{Use: processUse{Wall: seconds(cpu / 1.5), CPU: seconds(cpu)}}}
	}
	large := func(base float64) scaleRun { return run(5000, base*feeds*1.1) } // 1.1× linear
	tests := []struct {
		name    string
		runs    []scaleRun
		want    []float64
		medians float64 // CPU over linear by the ratio of medians
	}{
		{
			name: "steady machine",
			runs: []scaleRun{run(600, 6), large(6), run(600, 6)},
			want: []float64{1.1}, medians: 1.1,
		},
		{
			// 6, 7, 8, 9, 10 CPU s a base run; both estimates cancel it.
			name:    "a machine that slows steadily",
			runs:    []scaleRun{run(600, 6), large(7), run(600, 8), large(9), run(600, 10)},
			want:    []float64{1.1, 1.1},
			medians: 1.1,
		},
		{
			// Three large runs in the quick phase (6 s a base run), two in
			// the slow one (7.2 s): the medians take the large runs' from
			// the quick phase, the base runs' from between the two.
			name: "the machine slows a fifth after the third large run",
			runs: []scaleRun{run(600, 6), large(6), run(600, 6), large(6), run(600, 6), large(6),
				run(600, 7.2), large(7.2), run(600, 7.2), large(7.2), run(600, 7.2)},
			want:    []float64{1.1, 1.1, 1.1 * 6 / 6.6, 1.1, 1.1},
			medians: 1.1 * 6 / 6.6,
		},
		{
			name: "no base run after the last large one: not bracketed",
			runs: []scaleRun{run(600, 6), large(6)},
			want: nil, medians: 1.1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &scaleReport{base: 600, large: 5000, runs: tt.runs}
			b := r.bracketed()
			if len(b.CPU) != len(tt.want) || len(b.Wall) != len(tt.want) {
				t.Fatalf("bracketed CPU %v, wall %v; want %v", b.CPU, b.Wall, tt.want)
			}
			for i, want := range tt.want {
				if math.Abs(b.CPU[i]-want) > 1e-6 || math.Abs(b.Wall[i]-want) > 1e-6 {
					t.Errorf("run %d: CPU %.4f, wall %.4f over linear; want %.4f", i, b.CPU[i], b.Wall[i], want)
				}
			}
			if got := scalingOf(r.summary(600), r.summary(5000)).CPUOverLinear; math.Abs(got-tt.medians) > 1e-6 {
				t.Errorf("ratio of medians %.4f over linear, want %.4f", got, tt.medians)
			}
		})
	}
}

// TestScaleReportBracketed checks the report's line for the bracketed
// estimate: the median of the pairs and their range.
func TestScaleReportBracketed(t *testing.T) {
	run := func(feeds int, cpu float64) scaleRun {
		return scaleRun{Feeds: feeds, Cycle: cycle{Use: processUse{Wall: seconds(cpu), CPU: seconds(cpu)}}}
	}
	const feeds = 5000.0 / 600
	r := &scaleReport{base: 600, large: 5000, runs: []scaleRun{
		run(600, 6), run(5000, 6*feeds*1.05), run(600, 6), run(5000, 6*feeds*1.25), run(600, 6), run(5000, 6*feeds*1.10), run(600, 6),
	}}
	var out strings.Builder
	r.write(&out)
	want := "Each 5000-feed run against the 600-feed runs either side of it, which cancels a steady drift of the machine's speed: 1.10× linear in CPU (median of 3; 1.05–1.25×), 1.10× in wall time (1.05–1.25×)."
	if !strings.Contains(out.String(), want) {
		t.Errorf("report lacks %q:\n%s", want, out.String())
	}
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// TestScaleReportMerging checks that each run's row carries its own
// merging scores, so a faster large farm that merges less shows.
func TestScaleReportMerging(t *testing.T) {
	run := func(feeds int, score mergeScore) scaleRun {
		return scaleRun{Feeds: feeds, Cycle: cycle{Use: processUse{Wall: seconds(1), CPU: seconds(1)}}, Merge: score}
	}
	r := &scaleReport{base: 600, large: 5000, runs: []scaleRun{
		run(600, mergeScore{Pairs: 1000, Found: 1000, Right: 998}),
		run(5000, mergeScore{Pairs: 1000, Found: 800, Right: 770}),
	}}
	var out strings.Builder
	r.write(&out)
	// The same CPU for 8.33× the feeds: half the CPU a feed each doubling.
	for _, want := range []string{"| 1 | 600 |", "| 99.8 % | 99.8 % |", "| 2 | 5000 |", "| 77.0 % | 96.2 % |",
		"The CPU a feed grew 0.500× for each doubling of the feeds (3.06 doublings)."} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}

// TestKeepStore checks that a run's store moves aside whole (a WAL left
// behind would lose its entries), leaving room for the next cold run.
func TestKeepStore(t *testing.T) {
	dir := t.TempDir()
	config := filepath.Join(dir, "gleaner.yaml")
	for i, file := range storeFiles(config) {
		if err := os.WriteFile(file, []byte{byte(i)}, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	kept, err := keepStore(config, "scaled-1.db")
	if err != nil {
		t.Fatal(err)
	}
	for i, file := range storeFilesAt(kept) {
		if b, err := os.ReadFile(file); err != nil || len(b) != 1 || b[0] != byte(i) {
			t.Errorf("%s: %v %v, want [%d]", file, b, err, i)
		}
	}
	for _, file := range storeFiles(config) {
		if _, err := os.Stat(file); !os.IsNotExist(err) {
			t.Errorf("%s still there (%v)", file, err)
		}
	}
	if err := removeStore(kept); err != nil {
		t.Fatal(err)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "scaled-*")); len(left) != 0 {
		t.Errorf("left after removeStore: %v", left)
	}
}

// TestPutBackStore sets a store aside as coldAgain does, makes another
// in its place, and puts the first back over it.
func TestPutBackStore(t *testing.T) {
	dir := t.TempDir()
	config := filepath.Join(dir, "gleaner.yaml")
	write := func(files []string, b byte) {
		t.Helper()
		for _, file := range files {
			if err := os.WriteFile(file, []byte{b}, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	write(storeFiles(config), 1)
	kept, err := keepStore(config, "set-aside.db")
	if err != nil {
		t.Fatal(err)
	}
	write(storeFiles(config)[:1], 2) // a cold run's store, without its WAL
	if err := putBackStore(kept, config); err != nil {
		t.Fatal(err)
	}
	for _, file := range storeFiles(config) {
		if b, err := os.ReadFile(file); err != nil || len(b) != 1 || b[0] != 1 {
			t.Errorf("%s: %v %v, want the store set aside ([1])", file, b, err)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "set-aside*")); len(left) != 0 {
		t.Errorf("left after putBackStore: %v", left)
	}
}
