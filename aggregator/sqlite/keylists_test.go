package sqlite

import (
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
)

// checkKeyLists compares a table with the map of lists it should hold.
func checkKeyLists(t *testing.T, got *keyLists, want map[int64][]recentRef) {
	t.Helper()
	if got.used != len(want) {
		t.Fatalf("%d keys held, want %d", got.used, len(want))
	}
	seen := 0
	for k, l := range got.all() {
		seen++
		if !slices.Equal(l, want[k]) {
			t.Fatalf("key %d: all gives %v, want %v", k, l, want[k])
		}
	}
	if seen != len(want) {
		t.Fatalf("all yields %d keys, want %d", seen, len(want))
	}
	for k, l := range want {
		if g := got.get(k); !slices.Equal(g, l) {
			t.Fatalf("get(%d) = %v, want %v", k, g, l)
		}
	}
}

func TestKeyLists(t *testing.T) {
	tests := []struct {
		name        string
		keys, refs  int
		sameSeconds bool // many refs share a published date: the id decides
	}{
		{"one key", 1, 300, false},
		{"a few keys, long lists", 7, 3000, false},
		{"many keys, short lists", 5000, 9000, false},
		{"dates shared", 40, 2000, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(tt.keys), uint64(tt.refs)))
			var got keyLists
			defer got.release()
			want := map[int64][]recentRef{}
			for i := range tt.refs {
				// Keys are hashes, negative ones and 0 among them.
				k := int64(rng.Uint64N(uint64(tt.keys))) * -0x61c8864680b583eb
				ref := recentRef{id: uint32(i + 1), published: rng.Uint32N(1 << 30), source: int32(rng.IntN(9))}
				if tt.sameSeconds {
					ref.published = rng.Uint32N(4)
				}
				got.insert(k, ref)
				l := append(want[k], ref)
				slices.SortFunc(l, compareRefs)
				want[k] = l
				if i%97 == 0 {
					checkKeyLists(t, &got, want)
				}
			}
			checkKeyLists(t, &got, want)
			// A list that outgrows its block leaves it to others: the
			// blocks in use or free never reach four times the refs.
			if int(got.top) > 4*tt.refs+1 {
				t.Errorf("blocks span %d refs for %d refs held", got.top, tt.refs)
			}
			if got.get(12345) != nil && want[12345] == nil {
				t.Errorf("get of a key never filed gives a list")
			}
		})
	}
}

// TestKeyListsPut checks the lists memory makes afresh (rebuild, rebase)
// and that a block freed is the next one given of its size.
func TestKeyListsPut(t *testing.T) {
	lists := map[int64][]recentRef{}
	keys, blocks := 0, 0
	for k := range int64(2000) {
		l := make([]recentRef, k%37)
		for i := range l {
			l[i] = recentRef{id: uint32(i), published: uint32(k)}
		}
		lists[k] = l
		if len(l) > 0 {
			keys++
			blocks += int(blockSize(uint32(len(l))))
		}
	}
	for _, reserved := range []bool{false, true} {
		t.Run(map[bool]string{false: "grown", true: "reserved"}[reserved], func(t *testing.T) {
			var got keyLists
			defer got.release()
			if reserved {
				got.reserve(keys, blocks)
			}
			slots, refs := len(got.slots), len(got.refs)
			want := map[int64][]recentRef{}
			for k := range int64(2000) {
				got.put(k, lists[k])
				if len(lists[k]) > 0 {
					want[k] = lists[k]
				}
			}
			checkKeyLists(t, &got, want)
			// What reserve made room for is filed without growing.
			if moved := len(got.slots) != slots || len(got.refs) != refs; moved == reserved {
				t.Errorf("reserved %v: slots %d → %d, refs %d → %d", reserved, slots, len(got.slots), refs, len(got.refs))
			}

			at := got.alloc(8)
			got.freeBlock(at, 8)
			if again := got.alloc(8); again != at {
				t.Errorf("after a block of 8 at %d is freed, alloc(8) = %d, want it again", at, again)
			}
			if other := got.alloc(8); other == at {
				t.Errorf("alloc(8) gave the block at %d twice", at)
			}
		})
	}
}

func FuzzKeyLists(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 0, 0, 0, 1, 7, 7, 7, 7})
	f.Add([]byte("a list of keys and dates that repeat, and repeat again"))
	f.Fuzz(func(t *testing.T, ops []byte) {
		var got keyLists
		defer got.release()
		want := map[int64][]recentRef{}
		for i := 0; i+1 < len(ops); i += 2 {
			k := int64(ops[i]%16) - 8
			ref := recentRef{id: uint32(i), published: uint32(ops[i+1] % 8)}
			got.insert(k, ref)
			l := append(want[k], ref)
			slices.SortFunc(l, compareRefs)
			want[k] = l
		}
		checkKeyLists(t, &got, want)
		// Made afresh from what it holds, as rebuild does, it holds the same.
		var again keyLists
		defer again.release()
		for _, k := range slices.Sorted(maps.Keys(want)) {
			again.put(k, got.get(k))
		}
		checkKeyLists(t, &again, want)
	})
}
