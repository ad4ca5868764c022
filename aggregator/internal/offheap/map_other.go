//go:build !unix

package offheap

// canMap says whether Map maps memory here.
const canMap = false

// Map has no mapping to give where the system has no mmap: callers take
// memory from the heap instead.
func Map(size int) []byte { return nil }

// Free ignores the nil that Map gives.
func Free(mem []byte) {}
