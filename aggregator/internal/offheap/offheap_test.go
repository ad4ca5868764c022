package offheap

import "testing"

// TestSlice writes every value of mapped slices of several sizes and
// types, reads them back, and frees them; a mapping holds what was
// written and starts zeroed.
func TestSlice(t *testing.T) {
	for _, n := range []int{0, 1, 1000, 1 << 20} {
		s, mem := Slice[int64](n)
		if len(s) != n {
			t.Fatalf("Slice(%d) has %d values", n, len(s))
		}
		if canMap && n > 0 && mem == nil {
			t.Errorf("Slice(%d) came from the heap", n)
		}
		for i := range s {
			if s[i] != 0 {
				t.Fatalf("Slice(%d)[%d] = %d, want a zeroed mapping", n, i, s[i])
			}
			s[i] = int64(i) * 3
		}
		for i := range s {
			if s[i] != int64(i)*3 {
				t.Fatalf("Slice(%d)[%d] = %d after writing %d", n, i, s[i], i*3)
			}
		}
		Free(mem)
	}
	type pair struct {
		a uint32
		b uint16
	}
	p, mem := Slice[pair](100)
	p[99] = pair{7, 9}
	if p[99] != (pair{7, 9}) || len(mem) < 100*8 {
		t.Errorf("a struct slice holds %+v over %d bytes", p[99], len(mem))
	}
	Free(mem)
	Free(nil)
}
