package main

import (
	"strings"
	"testing"
	"time"
)

func TestSpreadOf(t *testing.T) {
	ms := func(v ...int) []time.Duration {
		ds := make([]time.Duration, len(v))
		for i, n := range v {
			ds[i] = time.Duration(n) * time.Millisecond
		}
		return ds
	}
	tests := []struct {
		name string
		in   []time.Duration
		want spread
	}{
		{"none", nil, spread{}},
		{"one", ms(210), spread{210 * time.Millisecond, 210 * time.Millisecond, 210 * time.Millisecond}},
		{"odd, unsorted", ms(240, 190, 210, 330, 200), spread{210 * time.Millisecond, 190 * time.Millisecond, 330 * time.Millisecond}},
		{"even: the mean of the middle two", ms(300, 200, 260, 220), spread{240 * time.Millisecond, 200 * time.Millisecond, 300 * time.Millisecond}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := append([]time.Duration(nil), tt.in...)
			if got := spreadOf(tt.in); got != tt.want {
				t.Errorf("spreadOf(%v) = %+v, want %+v", tt.in, got, tt.want)
			}
			for i := range in {
				if in[i] != tt.in[i] {
					t.Fatalf("spreadOf reordered its argument: %v, was %v", tt.in, in)
				}
			}
		})
	}
}

func TestWriteRepeats(t *testing.T) {
	use := func(wall, cpu int) processUse {
		return processUse{Wall: time.Duration(wall) * time.Millisecond, CPU: time.Duration(cpu) * time.Millisecond}
	}
	var b strings.Builder
	writeRepeats(&b, []repeated{{Name: "all-304", Runs: []processUse{use(210, 230)}}})
	if b.Len() != 0 {
		t.Errorf("one run each: wrote %q, want nothing (the cycles table has it)", b.String())
	}
	writeRepeats(&b, []repeated{
		{Name: "all-304", Runs: []processUse{use(240, 260), use(190, 220), use(210, 230)}},
		{Name: "incremental", Runs: []processUse{use(520, 700), use(610, 810), use(500, 690)}},
	})
	for _, want := range []string{
		"run 3 times each",
		"| all-304 | 0.21 s | 0.19–0.24 s | 0.23 | 0.22–0.26 |",
		"| incremental | 0.52 s | 0.50–0.61 s | 0.70 | 0.69–0.81 |",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("writeRepeats wrote\n%s\nwant a line with %q", b.String(), want)
		}
	}
}
