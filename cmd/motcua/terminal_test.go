//go:build linux

package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// motcuaCmd is motcua chat as a child process on the memory store.
func motcuaCmd(t *testing.T) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^$", "--", "chat")
	cmd.Env = append(os.Environ(), asMotcua+"=1", "MOTCUA_REDIS_URL=", "MOTCUA_LOG_LEVEL=warn")
	cmd.Dir = t.TempDir() // no config.yaml there
	return cmd
}

// terminal is a pseudo-terminal: the child's controlling terminal, and the
// screen the test reads.
type terminal struct {
	master *os.File
	screen syncBuffer
}

// openTerminal opens a pseudo-terminal pair and starts cmd on its slave end
// as the controlling terminal of a new session, so that the terminal's
// Ctrl-C sends it SIGINT as a shell would.
func openTerminal(t *testing.T, cmd *exec.Cmd) *terminal {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatalf("open a pseudo-terminal: %v", err)
	}
	t.Cleanup(func() { master.Close() })
	fd := int(master.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		t.Fatalf("unlock the pseudo-terminal: %v", err)
	}
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err != nil {
		t.Fatalf("name the pseudo-terminal: %v", err)
	}
	slave, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer slave.Close()
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	term := &terminal{master: master}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			term.screen.Write(buf[:n])
			if err != nil {
				return
			}
		}
	}()
	return term
}

func (term *terminal) text() string { return term.screen.String() }

// waitFor waits until the screen shows want after the offset from, and
// returns where it ends.
func (term *terminal) waitFor(t *testing.T, from int, want string) int {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		s := term.text()
		if i := strings.Index(s[min(from, len(s)):], want); i >= 0 {
			return from + i + len(want)
		}
		if time.Now().After(deadline) {
			t.Fatalf("the terminal never showed %q; it shows:\n%s", want, s[min(from, len(s)):])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (term *terminal) typeLine(t *testing.T, line string) {
	t.Helper()
	if _, err := io.WriteString(term.master, line+"\r"); err != nil {
		t.Fatal(err)
	}
}

// exited waits for cmd to end, failing after limit.
func exited(t *testing.T, cmd *exec.Cmd, limit time.Duration) (*os.ProcessState, time.Duration) {
	t.Helper()
	start := time.Now()
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	select {
	case <-done:
		return cmd.ProcessState, time.Since(start)
	case <-time.After(limit):
		t.Fatalf("motcua chat still runs %v later", limit)
		return nil, 0
	}
}

// TestCtrlCQuitsTheTerminalChat: on a terminal, Ctrl-C while the chat
// waits for a line ends it within 2 s, without an apology.
func TestCtrlCQuitsTheTerminalChat(t *testing.T) {
	cmd := motcuaCmd(t)
	term := openTerminal(t, cmd)
	at := term.waitFor(t, 0, "\r\n> ")
	term.typeLine(t, "khai sinh")
	at = term.waitFor(t, at, "Có phải bạn cần")
	at = term.waitFor(t, at, "\r\n> ")
	if _, err := term.master.Write([]byte{0x03}); err != nil { // Ctrl-C
		t.Fatal(err)
	}
	state, took := exited(t, cmd, 2*time.Second)
	t.Logf("Ctrl-C to exit: %v (%v)", took, state)
	if strings.Contains(term.text()[at:], "Xin lỗi") {
		t.Errorf("an apology after Ctrl-C:\n%s", term.text()[at:])
	}
}

// TestLongLineOnTheTerminal: a 70,000-character line typed (pasted) into
// the terminal is answered, and the chat goes on. (The terminal itself
// keeps 4,095 characters of a line; the chat reads whatever arrives.)
func TestLongLineOnTheTerminal(t *testing.T) {
	cmd := motcuaCmd(t)
	term := openTerminal(t, cmd)
	at := term.waitFor(t, 0, "\r\n> ")
	go io.WriteString(term.master, strings.Repeat("a", 70000)+"\r")
	at = term.waitFor(t, at, "mình chỉ đọc được tiếng Việt") // not Vietnamese, read as such
	at = term.waitFor(t, at, "> ")                           // after the reply, maybe after the terminal's echo
	term.typeLine(t, "khai sinh")
	term.waitFor(t, at, "Có phải bạn cần")
	term.master.Write([]byte{0x04}) // Ctrl-D at the start of a line: the end
	if state, _ := exited(t, cmd, 10*time.Second); !state.Success() {
		t.Errorf("motcua chat ended with %v", state)
	}
}

// TestSigtermEndsAPipedChat: with its input a pipe that stays open (a
// script, a service manager), SIGTERM ends the chat within 2 s; and a
// 70,000-character line through the pipe is answered.
func TestSigtermEndsAPipedChat(t *testing.T) {
	cmd := motcuaCmd(t)
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	waitFor(t, 30*time.Second, "the chat's prompt", func() bool { return strings.HasSuffix(out.String(), "> ") })
	go io.WriteString(in, strings.Repeat("a", 70000)+"\nkhai sinh\n")
	waitFor(t, 30*time.Second, "the answer to \"khai sinh\"", func() bool { return strings.Contains(out.String(), "Có phải bạn cần") })
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	state, took := exited(t, cmd, 2*time.Second)
	t.Logf("SIGTERM to exit: %v (%v)", took, state)
	if !strings.Contains(out.String(), "mình chỉ đọc được tiếng Việt") {
		t.Errorf("the long line was not answered:\n%.300s", out.String())
	}
}
