//go:build unix

package sqlite

import (
	"syscall"
	"unsafe"

	"github.com/gleaner/gleaner/aggregator"
)

// farAlloc gives a run's arrays in one block mapped outside the Go heap:
// the collector lets the heap grow to twice what is live, and runs are
// large, long-lived and hold no pointers. Should mapping fail, they come
// from the heap.
func farAlloc(nKeys, nRefs int) (keys []int64, starts []int32, refs []recentRef, mem []byte) {
	mem = mapAnon(nKeys*8 + nRefs*int(unsafe.Sizeof(recentRef{})) + (nKeys+1)*4)
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

// mapPrints gives n text prints in a block mapped outside the Go heap,
// for the same reasons (they hold no pointers), or from the heap should
// mapping fail. Pages are backed as prints are written.
func mapPrints(n int) ([]aggregator.TextPrint, []byte) {
	mem := mapAnon(n * int(unsafe.Sizeof(aggregator.TextPrint{})))
	if mem == nil {
		return make([]aggregator.TextPrint, n), nil
	}
	return unsafe.Slice((*aggregator.TextPrint)(unsafe.Pointer(unsafe.SliceData(mem))), n), mem
}

// mapAnon maps size bytes of zeroed memory outside the Go heap, or
// returns nil.
func mapAnon(size int) []byte {
	mem, err := syscall.Mmap(-1, 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return nil
	}
	return mem
}

// farFree unmaps what farAlloc or mapPrints mapped.
func farFree(mem []byte) {
	if mem != nil {
		_ = syscall.Munmap(mem) // only fails for a block it did not map
	}
}
