package sqlite

import (
	"math/rand/v2"
	"testing"
)

// TestIDTable files and overwrites ids under random hashes through
// several doublings, emptied and released on the way, and checks every
// lookup against a map: hashes filed give their last id, others 0.
func TestIDTable(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var table idTable
	defer table.release()
	model := map[uint64]int64{}
	hashes := make([]uint64, 0, 20000)
	check := func(when string) {
		t.Helper()
		for _, h := range hashes {
			if got := table.get(h); got != model[h] {
				t.Fatalf("%s: get(%#x) = %d, want %d", when, h, got, model[h])
			}
		}
		for range 1000 {
			if h := rng.Uint64() | 1; model[h] == 0 && table.get(h) != 0 {
				t.Fatalf("%s: get(%#x) = %d for a hash never filed", when, h, table.get(h))
			}
		}
		if table.get(0) != 0 {
			t.Fatalf("%s: get(0) = %d, want 0", when, table.get(0))
		}
	}
	for round, n := range []int{5000, 20000, 300} {
		for id := int64(1); id <= int64(n); id++ {
			h := rng.Uint64() | 1
			if len(hashes) > 0 && id%4 == 0 {
				h = hashes[rng.IntN(len(hashes))] // overwritten
			} else {
				hashes = append(hashes, h)
			}
			table.put(h, id)
			model[h] = id
		}
		check("filled")
		if want := len(model); table.used != want {
			t.Fatalf("round %d: %d slots used, want %d", round, table.used, want)
		}
		if round == 2 {
			break
		}
		if round == 0 {
			table.reset()
		} else {
			table.release()
		}
		clear(model)
		check("emptied")
		hashes = hashes[:0]
	}
}
