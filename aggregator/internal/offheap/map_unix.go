//go:build unix

package offheap

import "syscall"

// canMap says whether Map maps memory here.
const canMap = true

// Map maps size bytes of zeroed memory outside the Go heap, or returns
// nil.
func Map(size int) []byte {
	if size <= 0 {
		return nil
	}
	mem, err := syscall.Mmap(-1, 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return nil
	}
	return mem
}

// Free unmaps what Map or Slice mapped; nil is ignored. Nothing may read
// the memory afterwards.
func Free(mem []byte) {
	if mem != nil {
		_ = syscall.Munmap(mem) // only fails for a block it did not map
	}
}
