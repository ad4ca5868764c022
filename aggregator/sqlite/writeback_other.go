//go:build !linux

package sqlite

import "os"

// Other systems have no call that starts writeback without waiting for
// it; a sync in the background would hold the disk's flush for nothing.
const writebackSupported = false

func startWriteback(*os.File) error { return nil }
