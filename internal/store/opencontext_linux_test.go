package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestOpenContextGivesUpOnHeldFile: a history another process holds locked
// (a backup, a sqlite3 shell) made each statement of Open wait the busy
// timeout, 5 s, and a stopped command waited with it. OpenContext gives up
// when its ctx is done, says so rather than calling the file corrupt, and
// leaves the recording lock free.
// fOFDSetLK is F_OFD_SETLK of linux/fcntl.h (the same on every
// architecture), which the syscall package does not name: a lock of the
// open file, as SQLite's own, so the test holds the file as another
// process would.
const fOFDSetLK = 37

func TestOpenContextGivesUpOnHeldFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "vigia.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	// An open file description's lock conflicts with SQLite's, taken in
	// this process too: the reader's bytes, from 0x40000000.
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	lk := syscall.Flock_t{Type: syscall.F_WRLCK, Start: 0x40000000, Len: 512}
	if err := syscall.FcntlFlock(f.Fd(), fOFDSetLK, &lk); err != nil {
		t.Skipf("no open file description locks: %v", err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	s, err = OpenContext(ctx, path, Options{})
	took := time.Since(start)
	if err == nil {
		s.Close()
		t.Fatal("OpenContext of a held file succeeded")
	}
	if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ErrForeign) {
		t.Errorf("OpenContext error = %v, want the deadline's, not ErrForeign", err)
	}
	if took > 2*time.Second {
		t.Errorf("OpenContext took %v to give up after a 200ms deadline", took)
	}

	lk.Type = syscall.F_UNLCK
	if err := syscall.FcntlFlock(f.Fd(), fOFDSetLK, &lk); err != nil {
		t.Fatal(err)
	}
	s, err = Open(path, Options{})
	if err != nil {
		t.Fatalf("Open once the file is free: %v (the recording lock left held?)", err)
	}
	s.Close()
}
