package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

// buildOnce builds the relaytop binary for the pty tests.
var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

func relaytopBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "relaytop-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "relaytop")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = err
			binPath = string(out)
		}
	})
	if buildErr != nil {
		t.Fatalf("build: %v\n%s", buildErr, binPath)
	}
	return binPath
}

// ptyRun is relaytop running on a pseudo-terminal.
type ptyRun struct {
	cmd  *exec.Cmd
	ptmx *os.File
	tty  *os.File
	mu   sync.Mutex
	out  bytes.Buffer
	done chan struct{}
	err  error
	orig *unix.Termios
}

func startPTY(t *testing.T, env []string, args ...string) *ptyRun {
	t.Helper()
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	if err := pty.Setsize(ptmx, &pty.Winsize{Rows: 24, Cols: 80}); err != nil {
		t.Fatal(err)
	}
	orig, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(relaytopBinary(t), args...)
	cmd.Env = append(append(os.Environ(), "TERM=xterm-256color"), env...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r := &ptyRun{cmd: cmd, ptmx: ptmx, tty: tty, done: make(chan struct{}), orig: orig}
	go func() {
		buf := make([]byte, 64<<10)
		for {
			n, err := ptmx.Read(buf)
			r.mu.Lock()
			r.out.Write(buf[:n])
			r.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	go func() { r.err = cmd.Wait(); close(r.done) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-r.done
		ptmx.Close()
		tty.Close()
	})
	return r
}

func (r *ptyRun) output() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.out.String()
}

// waitFor waits until the output contains s.
func (r *ptyRun) waitFor(t *testing.T, s string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(r.output(), s) {
		if time.Now().After(deadline) {
			t.Fatalf("no %q on screen; got %q", s, tail(r.output()))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// wait waits for the process and returns its exit status.
func (r *ptyRun) wait(t *testing.T) int {
	t.Helper()
	select {
	case <-r.done:
	case <-time.After(15 * time.Second):
		t.Fatalf("relaytop did not exit; screen: %q", tail(r.output()))
	}
	time.Sleep(50 * time.Millisecond) // let the reader take the last bytes
	return r.cmd.ProcessState.ExitCode()
}

// checkRestored asserts the terminal was given back: the alternate screen
// left, the cursor shown, and the line discipline as it was before.
func (r *ptyRun) checkRestored(t *testing.T) {
	t.Helper()
	out := r.output()
	for _, seq := range []string{"\x1b[?1049l", "\x1b[?25h"} {
		if !strings.Contains(out, seq) {
			t.Errorf("terminal not restored: no %q in the output's end %q", seq, tail(out))
		}
	}
	now, err := unix.IoctlGetTermios(int(r.tty.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	const modes = unix.ICANON | unix.ECHO | unix.ISIG
	if now.Lflag&modes != r.orig.Lflag&modes {
		t.Errorf("line discipline not restored: lflag %#x, was %#x", now.Lflag, r.orig.Lflag)
	}
}

func tail(s string) string {
	if len(s) > 400 {
		return s[len(s)-400:]
	}
	return s
}

// TestCleanExits runs the demo dashboard on a real pty and ends it every
// way a session ends: the terminal must always come back.
func TestCleanExits(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	cases := []struct {
		name   string
		end    func(r *ptyRun)
		status int
	}{
		{"q", func(r *ptyRun) { r.ptmx.Write([]byte("q")) }, 0},
		{"ctrl+c", func(r *ptyRun) { r.ptmx.Write([]byte{3}) }, 0},
		{"SIGTERM", func(r *ptyRun) { r.cmd.Process.Signal(syscall.SIGTERM) }, 128 + int(syscall.SIGTERM)},
		{"SIGHUP", func(r *ptyRun) { r.cmd.Process.Signal(syscall.SIGHUP) }, 128 + int(syscall.SIGHUP)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := startPTY(t, nil, "demo")
			r.waitFor(t, "providers")
			c.end(r)
			if st := r.wait(t); st != c.status {
				t.Errorf("exit status %d, want %d", st, c.status)
			}
			r.checkRestored(t)
		})
	}
}

// TestPanicInSource makes a parser panic: the terminal is restored first,
// then the error is printed, and the status is non-zero.
func TestPanicInSource(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	r := startPTY(t, []string{"RELAYTOP_CRASH_TEST=parser"}, "demo")
	st := r.wait(t)
	if st != 1 {
		t.Errorf("exit status %d, want 1", st)
	}
	r.checkRestored(t)
	out := r.output()
	restore, msg := strings.LastIndex(out, "\x1b[?1049l"), strings.Index(out, "panic in parser")
	if msg < 0 || restore < 0 || msg < restore {
		t.Errorf("the error must come after the restore (restore at %d, message at %d): %q", restore, msg, tail(out))
	}
}
