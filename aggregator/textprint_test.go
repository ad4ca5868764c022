package aggregator

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"slices"
	"testing"
	"time"
)

// matches reports whether Match takes b's text as a copy of a's, names
// and dates aside.
func matches(p MergePolicy, a, b *Fingerprint) bool {
	e := Entry{Source: "a", Published: time.Unix(0, 0)}
	_, ok := p.Match(&e, *a, []Candidate{{ItemID: 1, Source: "b", Simhash: b.Simhash, Published: e.Published, Shingles: b.Shingles}})
	return ok
}

// labelledFingerprints are the fingerprints of the labelled set's texts.
func labelledFingerprints(tb testing.TB) []Fingerprint {
	raw, err := os.ReadFile("testdata/merge/events.json")
	if err != nil {
		tb.Fatal(err)
	}
	var set struct {
		Items []struct{ Title, Summary, Content string } `json:"items"`
	}
	if err := json.Unmarshal(raw, &set); err != nil {
		tb.Fatal(err)
	}
	fps := make([]Fingerprint, len(set.Items))
	for i, it := range set.Items {
		fps[i] = NewFingerprint(&Entry{Title: it.Title, Summary: it.Summary, Content: it.Content})
	}
	return fps
}

// TestTextPrintRefusesNoCopy compares every pair of the labelled set's
// texts: a print must never refuse a text Match takes, and must refuse
// most of those it does not take, or it saves no reads.
func TestTextPrintRefusesNoCopy(t *testing.T) {
	fps := labelledFingerprints(t)
	p := MergePolicy{MaxDistance: DefaultMergeMaxDistance}
	var taken, others, refused int
	for i := range fps {
		for j := range fps {
			if i == j {
				continue
			}
			print := NewTextPrint(&fps[j])
			may := p.MayMatch(&fps[i], &print)
			switch {
			case matches(p, &fps[i], &fps[j]):
				taken++
				if !may {
					t.Errorf("texts %d and %d: Match takes the pair, the print refuses it", i, j)
				}
			case !may:
				others++
				refused++
			default:
				others++
			}
		}
	}
	t.Logf("%d pairs taken; the print refuses %d of the %d others", taken, refused, others)
	if taken == 0 {
		t.Fatal("no pair taken: the set tested nothing")
	}
	if refused*2 < others {
		t.Errorf("the print refuses %d of %d pairs Match does not take, want most", refused, others)
	}
}

// TestTextPrintBound draws shingle sets that share a share of their
// shingles around the threshold, of every size relation, and checks that
// the print refuses none Match takes.
func TestTextPrintBound(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	set := func(n int, from []uint32, shared int) []uint32 {
		s := slices.Clone(from[:shared])
		for len(s) < n {
			s = append(s, rng.Uint32())
		}
		slices.Sort(s)
		return slices.Compact(s)
	}
	tests := []struct {
		name      string
		cjk       bool
		maxDist   int
		sizeA     int
		sizeB     int
		sharedMin float64 // of the shorter set
		sharedMax float64
	}{
		{"words, equal sizes", false, 3, 120, 120, 0.2, 0.45},
		{"words, a brief of a long text", false, 3, 30, 600, 0.2, 0.45},
		{"words, a long text of a brief", false, 3, 600, 30, 0.2, 0.45},
		{"bigrams", true, 3, 200, 160, 0.4, 0.7},
		{"at the smallest size", false, 0, minShingles, minShingles, 0, 1},
		{"no simhash path", false, 0, 80, 90, 0.25, 0.4},
		// Few bits set: the filter finds hardly more than the shared
		// shingles, so pairs that just reach the threshold test the bound.
		{"small texts, the bound at its tightest", false, 0, 10, 12, 0.3, 0.5},
	}
	p := func(d int) MergePolicy { return MergePolicy{MaxDistance: d} }
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			taken := 0
			for range 2000 {
				base := make([]uint32, max(tt.sizeA, tt.sizeB))
				for i := range base {
					base[i] = rng.Uint32()
				}
				shorter := min(tt.sizeA, tt.sizeB)
				shared := int((tt.sharedMin + rng.Float64()*(tt.sharedMax-tt.sharedMin)) * float64(shorter))
				a := Fingerprint{Shingles: set(tt.sizeA, base, shared), Simhash: rng.Uint64(), CJK: tt.cjk}
				b := Fingerprint{Shingles: set(tt.sizeB, base, shared), Simhash: rng.Uint64()}
				print := NewTextPrint(&b)
				if matches(p(tt.maxDist), &a, &b) {
					taken++
					if !p(tt.maxDist).MayMatch(&a, &print) {
						t.Fatalf("%d and %d shingles sharing %d: Match takes them, the print refuses", len(a.Shingles), len(b.Shingles), shared)
					}
				}
			}
			if taken == 0 {
				t.Error("no pair taken: the case tested nothing")
			}
		})
	}
}

// TestTextPrintEdges covers what the bound does not decide.
func TestTextPrintEdges(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	shingles := func(n int) []uint32 {
		s := make([]uint32, n)
		for i := range s {
			s[i] = rng.Uint32()
		}
		slices.Sort(s)
		return slices.Compact(s)
	}
	long, other := shingles(300), shingles(300)
	tests := []struct {
		name string
		a, b Fingerprint
		want bool
	}{
		{"the same text", Fingerprint{Shingles: long, Simhash: 7}, Fingerprint{Shingles: long, Simhash: 7}, true},
		{"near-duplicate by simhash, texts apart", Fingerprint{Shingles: long, Simhash: 0b111}, Fingerprint{Shingles: other, Simhash: 0}, true},
		{"unrelated", Fingerprint{Shingles: long, Simhash: 0}, Fingerprint{Shingles: other, Simhash: ^uint64(0)}, false},
		{"new text too short", Fingerprint{Shingles: long[:minShingles-1], Simhash: 0}, Fingerprint{Shingles: long, Simhash: 0}, false},
		{"stored text too short", Fingerprint{Shingles: long, Simhash: 0}, Fingerprint{Shingles: long[:minShingles-1], Simhash: ^uint64(0)}, false},
		{"a stored text past the count's cap", Fingerprint{Shingles: long, Simhash: 0}, Fingerprint{Shingles: slices.Concat(long, shingles(70000)), Simhash: ^uint64(0)}, true},
	}
	p := MergePolicy{MaxDistance: DefaultMergeMaxDistance}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			print := NewTextPrint(&tt.b)
			if got := p.MayMatch(&tt.a, &print); got != tt.want {
				t.Errorf("MayMatch = %v, want %v (Match: %v)", got, tt.want, matches(p, &tt.a, &tt.b))
			}
		})
	}
}

// TestSharedNeeded: the count MayMatch asks for is the fewest that reach
// the threshold as containment computes it, for every size.
func TestSharedNeeded(t *testing.T) {
	for _, threshold := range []float64{minContainmentWords, minContainmentBigrams, 0, 1} {
		for shorter := 1; shorter <= 5000; shorter++ {
			want := 0
			for want < shorter && float64(want)/float64(shorter) < threshold {
				want++
			}
			if got := sharedNeeded(threshold, shorter); got != want {
				t.Fatalf("sharedNeeded(%v, %d) = %d, want %d", threshold, shorter, got, want)
			}
		}
	}
}

// BenchmarkTextPrint tests a text against the prints of the labelled
// set's texts: its filter bits found again for each print (as MayMatch
// did before probes) or once for all of them (as memory's search does
// for an entry).
func BenchmarkTextPrint(b *testing.B) {
	fps := labelledFingerprints(b)
	prints := make([]TextPrint, len(fps))
	for i := range fps {
		prints[i] = NewTextPrint(&fps[i])
	}
	p := MergePolicy{MaxDistance: DefaultMergeMaxDistance}
	b.Run("bits for each print", func(b *testing.B) {
		var probe PrintProbe
		for i := 0; b.Loop(); i++ {
			for j := range prints {
				probe.Set(&fps[i%len(fps)])
				p.MayMatchProbe(&probe, &prints[j])
			}
		}
	})
	b.Run("bits once", func(b *testing.B) {
		var probe PrintProbe
		for i := 0; b.Loop(); i++ {
			probe.Set(&fps[i%len(fps)])
			for j := range prints {
				p.MayMatchProbe(&probe, &prints[j])
			}
		}
	})
}
