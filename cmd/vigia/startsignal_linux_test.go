package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestStopDuringStartup signals serve and watch --record at a spread of
// moments of their startup — flags, config, engine, the database created or
// opened, the bind, the first readings — and wants exit 0 within 5 s every
// time. One case opens a recorded history another process holds locked (a
// backup, a sqlite3 shell): the open waited for the lock, up to 5 s a
// statement, and then failed with exit 1 however early the SIGTERM came; a
// large history's whole-file check held it off the same way, for minutes.
//
// Before main runs nothing can catch a signal: the kernel's default action
// ends the process at once. That is accepted, and only when the command
// had said nothing yet.
func TestStopDuringStartup(t *testing.T) {
	t.Parallel()
	delays := []time.Duration{0, 10 * time.Millisecond, 50 * time.Millisecond, 150 * time.Millisecond,
		300 * time.Millisecond, 600 * time.Millisecond, time.Second, 2 * time.Second, 3500 * time.Millisecond}
	// A recorded history, and a lock on it as SQLite takes one: a write
	// lock on the bytes a reader must lock to read (its pending, reserved
	// and shared bytes, from 0x40000000).
	history := filepath.Join(t.TempDir(), "held.db")
	if _, stderr, code := vigia(t, nil, "watch", "--record", "--db", history, "--count", "1", "--sensors", "memory"); code != 0 {
		t.Fatalf("recording a history: exit %d\n%s", code, stderr)
	}
	tests := []struct {
		name string
		args func(home string) []string
		hold string // a database file to hold locked while it runs
	}{
		{"serve", func(string) []string { return []string{"serve", "--listen", "127.0.0.1:0"} }, ""},
		{"serve --no-record", func(string) []string { return []string{"serve", "--listen", "127.0.0.1:0", "--no-record"} }, ""},
		{"serve --db new", func(home string) []string {
			return []string{"serve", "--listen", "127.0.0.1:0", "--db", filepath.Join(home, "new.db")}
		}, ""},
		{"serve --db held", func(string) []string { return []string{"serve", "--listen", "127.0.0.1:0", "--db", history} }, history},
		{"watch --record", func(string) []string {
			return []string{"watch", "--record", "--interval", "200ms", "--sensors", "memory,cpu"}
		}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if tt.hold != "" {
				holdLocked(t, tt.hold)
			}
			for i, d := range delays {
				// Every other moment SIGINT, which stops them the same way.
				sig := syscall.SIGTERM
				if i%2 == 1 {
					sig = syscall.SIGINT
				}
				stopAt(t, tt.args(t.TempDir()), d, sig)
			}
		})
	}
}

// stopAt starts vigia with args, sends sig d after the start, and wants
// exit 0 within 5 s of it.
func stopAt(t *testing.T, args []string, d time.Duration, sig syscall.Signal) {
	t.Helper()
	cmd := exec.Command(vigiaBin, args...)
	cmd.Env = cleanEnv(t)
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	dieWithTest(cmd)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	time.Sleep(d)
	sent := time.Now()
	cmd.Process.Signal(sig) // our own child, by its PID: ours until Wait reaps it
	select {
	case err := <-done:
		took := time.Since(sent)
		var ee *exec.ExitError
		switch {
		case err == nil:
		case errors.As(err, &ee) && ee.Sys().(syscall.WaitStatus).Signal() == sig && stdout.String() == "" && stderr.String() == "":
			t.Logf("%v %v after the start: arrived before main, ended by the default action", sig, d)
		default:
			t.Errorf("%s: %v %v after the start: %v after %v, want exit 0\nstderr:\n%s", strings.Join(args, " "), sig, d, err, took.Round(time.Millisecond), stderr)
		}
	case <-time.After(5 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Errorf("%s: still running 5 s after %v sent %v after the start\nstderr:\n%s", strings.Join(args, " "), sig, d, stderr)
	}
}

// holdLocked holds path as SQLite's lock of another process would, until
// the test ends.
func holdLocked(t *testing.T, path string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	lk := syscall.Flock_t{Type: syscall.F_WRLCK, Start: 0x40000000, Len: 512}
	if err := syscall.FcntlFlock(f.Fd(), syscall.F_SETLK, &lk); err != nil {
		t.Fatalf("lock %s: %v", path, err)
	}
}
