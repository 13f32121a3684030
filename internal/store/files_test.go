package store

import (
	"bytes"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigia-dev/vigia/internal/reading"
)

// modes returns the permission bits of the database and its -wal and -shm
// ("absent" for a file that does not exist).
func modes(t *testing.T, path string) map[string]string {
	t.Helper()
	got := map[string]string{}
	for _, suffix := range []string{"", "-wal", "-shm", "-lock"} {
		fi, err := os.Stat(path + suffix)
		switch {
		case errors.Is(err, os.ErrNotExist):
			got["db"+suffix] = "absent"
		case err != nil:
			t.Fatal(err)
		default:
			got["db"+suffix] = fi.Mode().Perm().String()
		}
	}
	return got
}

// someReadings are enough for the -wal to hold data.
func someReadings() []reading.Reading {
	return []reading.Reading{cpuReading(base, 1), cpuReading(base.Add(time.Second), 2)}
}

func TestNewDatabaseIsPrivate(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "v.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	record(t, s, someReadings())
	want := map[string]string{"db": "-rw-------", "db-wal": "-rw-------", "db-shm": "-rw-------", "db-lock": "-rw-------"}
	if diff := cmp.Diff(want, modes(t, path)); diff != "" {
		t.Errorf("modes of a new database mismatch (-want +got):\n%s", diff)
	}
}

func TestOpenFixesReadableDatabase(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "v.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	record(t, s, someReadings())
	s.Close()
	// As an older vigia left it: the driver's default mode.
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if _, err := os.Stat(p); err == nil {
			if err := os.Chmod(p, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	var logs bytes.Buffer
	s, err = Open(path, Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	record(t, s, someReadings())
	want := map[string]string{"db": "-rw-------", "db-wal": "-rw-------", "db-shm": "-rw-------", "db-lock": "-rw-------"}
	if diff := cmp.Diff(want, modes(t, path)); diff != "" {
		t.Errorf("modes after reopening a 0644 database mismatch (-want +got):\n%s", diff)
	}
	if !strings.Contains(logs.String(), "history file was readable by others: made it private") || !strings.Contains(logs.String(), "was=-rw-r--r--") {
		t.Errorf("log = %q, want a line saying the database was made private", logs.String())
	}
}

// A second recorder must not open the database through another name.
func TestSecondRecorderThroughSymlinkLocked(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "v.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// The directory through a link, and the file through a link.
	linkedDir := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(dir, linkedDir); err != nil {
		t.Fatal(err)
	}
	alias := filepath.Join(dir, "alias.db")
	if err := os.Symlink(path, alias); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{filepath.Join(linkedDir, "v.db"), alias} {
		s2, err := Open(name, Options{})
		if err == nil {
			s2.Close()
		}
		if !errors.Is(err, ErrLocked) {
			t.Errorf("second Open through %s = %v, want ErrLocked", name, err)
		}
	}
	dangling := filepath.Join(dir, "dangling.db")
	os.Symlink(filepath.Join(dir, "nothing", "x.db"), dangling)
	if _, err := Open(dangling, Options{}); err == nil || !strings.Contains(err.Error(), "symbolic link to a file that does not exist") {
		t.Errorf("Open of a dangling link = %v, want a refusal", err)
	}
}
