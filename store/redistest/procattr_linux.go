package redistest

import "syscall"

// sysProcAttr asks Linux to kill redis-server when the test binary dies
// without running its cleanups (a panic, a -timeout), so no server is left
// behind.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
