package main

import (
	"os"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"
)

// yieldCPU lowers this process's scheduling priority: `gleaner poll` is
// a batch job, and a server answering feed readers on the same machine
// should not wait for it. Each thread gets nice 19 and the SCHED_IDLE
// policy, under which the kernel runs it only on time no other thread
// wants, and lets any other thread preempt it at once (nice 19 alone
// still takes slices from a busy server). Where SCHED_IDLE is refused,
// nice 19 stays. On Linux both belong to a thread, and the Go runtime
// has started several by now, so each is set; threads started later
// inherit them from the thread that starts them. Passes repeat until
// one finds no thread started meanwhile.
func yieldCPU() {
	done := map[int]bool{}
	for {
		tasks, err := os.ReadDir("/proc/self/task")
		if err != nil {
			lowerThread(0)
			return
		}
		fresh := false
		for _, t := range tasks {
			tid, err := strconv.Atoi(t.Name())
			if err != nil || done[tid] {
				continue
			}
			lowerThread(tid)
			done[tid], fresh = true, true
		}
		if !fresh {
			return
		}
	}
}

func lowerThread(tid int) {
	_ = syscall.Setpriority(syscall.PRIO_PROCESS, tid, pollNice)
	_ = unix.SchedSetAttr(tid, &unix.SchedAttr{Policy: unix.SCHED_IDLE, Nice: pollNice}, 0)
}
