//go:build unix

package sqlite

import (
	"syscall"
	"unsafe"
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

// mapSlice gives n zeroed values of T in a block mapped outside the Go
// heap, for the same reasons, or from the heap should mapping fail. T
// must hold no pointers: the collector does not look into the block.
// Pages are backed as they are written.
func mapSlice[T any](n int) ([]T, []byte) {
	var zero T
	mem := mapAnon(n * int(unsafe.Sizeof(zero)))
	if mem == nil {
		return make([]T, n), nil
	}
	return unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(mem))), n), mem
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

// farFree unmaps what farAlloc or mapSlice mapped.
func farFree(mem []byte) {
	if mem != nil {
		_ = syscall.Munmap(mem) // only fails for a block it did not map
	}
}
