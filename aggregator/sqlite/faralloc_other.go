//go:build !unix

package sqlite

// farAlloc gives a run's arrays from the Go heap where mapping memory
// outside it is not at hand.
func farAlloc(nKeys, nRefs int) (keys []int64, starts []int32, refs []recentRef, mem []byte) {
	return make([]int64, nKeys), make([]int32, nKeys+1), make([]recentRef, nRefs), nil
}

// mapSlice gives n zeroed values of T from the Go heap.
func mapSlice[T any](n int) ([]T, []byte) {
	return make([]T, n), nil
}

func farFree([]byte) {}
