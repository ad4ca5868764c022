package aggregator

import (
	"fmt"
	"testing"
)

// nameCases are pairs of name lists and whether they may be one story.
var nameCases = []struct {
	name string
	a, b []string
	want bool
}{
	{"one side has no names", nil, []string{"cisa"}, true},
	{"same names", []string{"cisa", "fortinet"}, []string{"cisa", "fortinet"}, true},
	{"enough shared", []string{"cisa", "fortinet", "microsoft"}, []string{"cisa", "fortinet", "zyxel"}, true},
	{"too few shared", []string{"cisa", "fortinet", "ivanti"}, []string{"nasa", "boeing", "ivanti"}, false},
	{"shared names, other numbers", []string{"22.8", "ministry", "party"}, []string{"4.7", "ministry", "party"}, false},
	{"shared names and a number", []string{"2026", "22.8", "ministry"}, []string{"22.8", "ministry"}, true},
	{"numbers on one side only", []string{"4.7", "ministry", "party"}, []string{"ministry", "party"}, true},
}

func TestSameNames(t *testing.T) {
	for _, tt := range nameCases {
		t.Run(tt.name, func(t *testing.T) {
			if got := SameNames(tt.a, tt.b); got != tt.want {
				t.Errorf("SameNames(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
			}
			if got := SameNames(tt.b, tt.a); got != tt.want {
				t.Errorf("SameNames(%q, %q) = %v, want %v (not symmetric)", tt.b, tt.a, got, tt.want)
			}
		})
	}
}

// TestMayShareNames holds the store's pre-filter to SameNames: it may
// let through what SameNames refuses (filter collisions), never refuse
// what SameNames allows, and it must refuse plain look-alikes.
func TestMayShareNames(t *testing.T) {
	for _, tt := range nameCases {
		t.Run(tt.name, func(t *testing.T) {
			for _, p := range [][2][]string{{tt.a, tt.b}, {tt.b, tt.a}} {
				if got := MayShareNames(NameKeys(p[0]), NamesSig(NameKeys(p[1]))); got != tt.want {
					t.Errorf("MayShareNames(%q, sig of %q) = %v, want %v", p[0], p[1], got, tt.want)
				}
			}
		})
	}
	if !MayShareNames(NameKeys([]string{"cisa"}), 0) {
		t.Error("a signature not known refused a candidate")
	}
}

// FuzzMayShareNames checks the pre-filter's one promise on name lists
// drawn from a small vocabulary (so that they share names, numbers and
// filter bits often), of any length (the count is capped in the
// signature).
func FuzzMayShareNames(f *testing.F) {
	f.Add([]byte{1, 2, 3}, []byte{3, 4, 5})
	f.Add([]byte{0x81, 2}, []byte{0x81, 2, 0x83})
	f.Add(make([]byte, 200), make([]byte, 3))
	f.Fuzz(func(t *testing.T, x, y []byte) {
		names := func(b []byte) []string {
			var out []string
			for _, c := range b {
				if c&0x80 != 0 {
					out = append(out, fmt.Sprint(c&0x7f)) // a number
				} else {
					out = append(out, fmt.Sprintf("n%d", c))
				}
			}
			return out
		}
		a, b := NameKeys(names(x)), NameKeys(names(y))
		if SameNameKeys(a, b) && !MayShareNames(a, NamesSig(b)) {
			t.Fatalf("SameNameKeys(%v, %v) allows, MayShareNames refuses", names(x), names(y))
		}
	})
}
