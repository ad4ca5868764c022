package aggregator

import (
	"encoding/binary"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestSortHashes(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	random := func(n int, mask uint64) []uint64 {
		s := make([]uint64, n)
		for i := range s {
			s[i] = rng.Uint64() & mask
		}
		return s
	}
	tests := []struct {
		name string
		in   []uint64
	}{
		{"empty", nil},
		{"few", random(5, ^uint64(0))},
		{"under the bucket pass", random(63, ^uint64(0))},
		{"an English entry's", random(130, ^uint64(0))},
		{"a Chinese entry's", random(300, ^uint64(0))},
		{"many", random(20000, ^uint64(0))},
		{"one top byte: one bucket, sorted whole", random(500, 0x00ff_ffff_ffff_ffff)},
		{"few values, many repeats", random(400, 0xff00_0000_0000_0003)},
		{"sorted already", slices.Sorted(slices.Values(random(200, ^uint64(0))))},
		{"descending", func() []uint64 {
			s := slices.Sorted(slices.Values(random(200, ^uint64(0))))
			slices.Reverse(s)
			return s
		}()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := slices.Clone(tt.in)
			sortHashes(got)
			want := slices.Sorted(slices.Values(tt.in))
			if !slices.Equal(got, want) {
				t.Errorf("sortHashes of %d values differs from slices.Sort", len(tt.in))
			}
		})
	}
}

func FuzzSortHashes(f *testing.F) {
	f.Add([]byte{1, 2, 3})
	f.Add(make([]byte, 8*100))
	f.Fuzz(func(t *testing.T, raw []byte) {
		s := make([]uint64, len(raw)/8)
		for i := range s {
			s[i] = binary.LittleEndian.Uint64(raw[8*i:])
		}
		// Spread short inputs over the top byte too, past the 64 that the
		// bucket pass needs.
		for len(s) < 70 && len(raw) > 0 {
			s = append(s, uint64(raw[len(s)%len(raw)])<<56|uint64(len(s)))
		}
		want := slices.Sorted(slices.Values(s))
		sortHashes(s)
		if !slices.Equal(s, want) {
			t.Fatalf("sortHashes differs from slices.Sort on %d values", len(s))
		}
	})
}
