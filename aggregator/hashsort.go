package aggregator

import "slices"

// sortHashes sorts hashes in place. Hashes are spread evenly, so one
// pass files each into one of 256 buckets by its top byte (American flag
// sort) and an insertion sort orders the one or two in each: a fifth of
// the time pdqsort takes on a Chinese entry's 300 features, a half on an
// English entry's 130. A bucket with more than a few (text made to fill
// one) is sorted with slices.Sort, so no input takes quadratic time.
func sortHashes(s []uint64) {
	if len(s) < 64 {
		slices.Sort(s)
		return
	}
	var next, end [256]int
	for _, v := range s {
		end[v>>56]++
	}
	sum := 0
	for b := range end {
		next[b] = sum
		sum += end[b]
		end[b] = sum
	}
	for b := range next {
		for next[b] < end[b] {
			v := s[next[b]]
			// Carry v to its bucket, and what it displaces to its own,
			// until one belongs here.
			for d := v >> 56; d != uint64(b); d = v >> 56 {
				s[next[d]], v = v, s[next[d]]
				next[d]++
			}
			s[next[b]] = v
			next[b]++
		}
	}
	from := 0
	for b := range end {
		bucket := s[from:end[b]]
		from = end[b]
		if len(bucket) > 8 {
			slices.Sort(bucket)
			continue
		}
		for i := 1; i < len(bucket); i++ {
			v, j := bucket[i], i
			for ; j > 0 && bucket[j-1] > v; j-- {
				bucket[j] = bucket[j-1]
			}
			bucket[j] = v
		}
	}
}
