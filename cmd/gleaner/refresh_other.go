//go:build !unix

package main

import "os"

// refreshSignals is empty where there is no SIGUSR1.
func refreshSignals() []os.Signal { return nil }
