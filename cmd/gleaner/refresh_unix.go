//go:build unix

package main

import (
	"os"
	"syscall"
)

// refreshSignals poll every source at once in a running server.
func refreshSignals() []os.Signal { return []os.Signal{syscall.SIGUSR1} }
