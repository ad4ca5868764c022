//go:build unix && !linux

package main

import "syscall"

// yieldCPU lowers this process's scheduling priority: `gleaner poll` is
// a batch job, and a server answering feed readers on the same machine
// should not wait for it.
func yieldCPU() { _ = syscall.Setpriority(syscall.PRIO_PROCESS, 0, pollNice) }
