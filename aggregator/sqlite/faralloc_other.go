//go:build !unix

package sqlite

import "github.com/gleaner/gleaner/aggregator"

// farAlloc gives a run's arrays from the Go heap where mapping memory
// outside it is not at hand.
func farAlloc(nKeys, nRefs int) (keys []int64, starts []int32, refs []recentRef, mem []byte) {
	return make([]int64, nKeys), make([]int32, nKeys+1), make([]recentRef, nRefs), nil
}

// mapPrints gives n text prints from the Go heap.
func mapPrints(n int) ([]aggregator.TextPrint, []byte) {
	return make([]aggregator.TextPrint, n), nil
}

func farFree([]byte) {}
