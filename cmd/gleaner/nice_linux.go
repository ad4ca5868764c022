package main

import (
	"os"
	"strconv"
	"syscall"
)

// yieldCPU lowers this process's scheduling priority: `gleaner poll` is
// a batch job, and a server answering feed readers on the same machine
// should not wait for it. On Linux a nice value belongs to a thread, and
// the Go runtime has started several by now, so each is lowered; threads
// started later inherit the value of the thread that starts them. Passes
// repeat until one finds no thread started meanwhile.
func yieldCPU() {
	done := map[int]bool{}
	for {
		tasks, err := os.ReadDir("/proc/self/task")
		if err != nil {
			_ = syscall.Setpriority(syscall.PRIO_PROCESS, 0, pollNice)
			return
		}
		fresh := false
		for _, t := range tasks {
			tid, err := strconv.Atoi(t.Name())
			if err != nil || done[tid] {
				continue
			}
			_ = syscall.Setpriority(syscall.PRIO_PROCESS, tid, pollNice)
			done[tid], fresh = true, true
		}
		if !fresh {
			return
		}
	}
}
