//go:build !linux

package main

import "syscall"

// childProcAttr has nothing to ask of other systems.
func childProcAttr() *syscall.SysProcAttr { return nil }
