package sqlite

import (
	"unsafe"

	"github.com/gleaner/gleaner/aggregator/internal/offheap"
)

// farAlloc gives a run's arrays in one block mapped outside the Go heap
// (offheap): runs are large, long-lived and hold no pointers. Should
// mapping fail, they come from the heap.
func farAlloc(nKeys, nRefs int) (keys []int64, starts []int32, refs []recentRef, mem []byte) {
	mem = offheap.Map(nKeys*8 + nRefs*int(unsafe.Sizeof(recentRef{})) + (nKeys+1)*4)
	if mem == nil {
		return make([]int64, nKeys), make([]int32, nKeys+1), make([]recentRef, nRefs), nil
	}
	at := unsafe.Pointer(unsafe.SliceData(mem))
	keys = unsafe.Slice((*int64)(at), nKeys)
	at = unsafe.Add(at, nKeys*8)
	refs = unsafe.Slice((*recentRef)(at), nRefs)
	at = unsafe.Add(at, nRefs*int(unsafe.Sizeof(recentRef{})))
	starts = unsafe.Slice((*int32)(at), nKeys+1)
	return keys, starts, refs, mem
}
