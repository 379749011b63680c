//go:build !unix

package main

// openFileLimit is the process's limit on open files, 0 when unknown.
func openFileLimit() uint64 { return 0 }
