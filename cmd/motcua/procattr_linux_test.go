package main

import "syscall"

// childProcAttr asks Linux to kill a motcua started by a test when the
// test binary dies without its cleanups (a panic, a -timeout).
func childProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
