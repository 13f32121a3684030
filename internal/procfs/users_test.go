package procfs

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParsePasswd(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile(filepath.Join("testdata", "passwd"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[uint32]string{0: "root", 1: "daemon", 1000: "alice"}
	if diff := cmp.Diff(want, ParsePasswd(b)); diff != "" {
		t.Errorf("ParsePasswd(testdata/passwd) mismatch (-want +got):\n%s", diff)
	}
}

func FuzzParsePasswd(f *testing.F) {
	f.Add([]byte("root:x:0:0:root:/root:/bin/bash\n"))
	f.Add([]byte("a::1\n#c\n::\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		for uid, name := range ParsePasswd(b) {
			if name == "" {
				t.Errorf("ParsePasswd(%q): uid %d has an empty name", b, uid)
			}
		}
	})
}

func TestUsersName(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "passwd")
	if err := os.WriteFile(path, []byte("root:x:0:0::/:/bin/sh\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	u := NewUsers(path)
	if got := u.Name(0); got != "root" {
		t.Errorf("Name(0) = %q, want root", got)
	}
	if got := u.Name(1001); got != "1001" {
		t.Errorf("Name(1001) before the user exists = %q, want 1001", got)
	}
	// A user added while vigia runs is named once the file changes.
	if err := os.WriteFile(path, []byte("root:x:0:0::/:/bin/sh\nbob:x:1001:1001::/home/bob:/bin/sh\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Minute)
	if err := os.Chtimes(path, later, later); err != nil {
		t.Fatal(err)
	}
	if got := u.Name(1001); got != "bob" {
		t.Errorf("Name(1001) after the user was added = %q, want bob", got)
	}
}

func TestUsersMissingFile(t *testing.T) {
	t.Parallel()
	u := NewUsers(filepath.Join(t.TempDir(), "none"))
	if got := u.Name(0); got != "0" {
		t.Errorf("Name(0) without a passwd file = %q, want 0", got)
	}
}

func TestUsersSystem(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat(SystemPasswd); err != nil {
		t.Skipf("no %s on this machine", SystemPasswd)
	}
	if got := NewUsers(SystemPasswd).Name(0); got != "root" {
		t.Errorf("Name(0) from %s = %q, want root", SystemPasswd, got)
	}
}
