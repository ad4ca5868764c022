// Package offheap maps memory outside the Go heap for large, long-lived
// arrays that hold no pointers. The collector lets the heap grow to
// twice what is live before it runs, so a megabyte held in the heap
// costs about two at the peak; mapped, it costs one, and the collector
// never scans it. Where mapping is not at hand (or fails), the arrays
// come from the heap.
package offheap

import "unsafe"

// Slice gives n zeroed values of T, mapped outside the heap when it can,
// and the mapping to give to Free (nil when they came from the heap). T
// must hold no pointers: the collector does not look into a mapping.
// Pages are backed as they are written.
func Slice[T any](n int) ([]T, []byte) {
	var zero T
	mem := Map(n * int(unsafe.Sizeof(zero)))
	if mem == nil {
		return make([]T, n), nil
	}
	return unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(mem))), n), mem
}
