package procfs

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
)

// TestCountDir: every entry is counted, "." and ".." are not, across more
// getdents calls than one buffer holds; a missing directory is an error.
func TestCountDir(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for i := range 300 {
		if err := os.WriteFile(filepath.Join(dir, "file-with-a-long-name-"+strconv.Itoa(i)), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o700); err != nil {
		t.Fatal(err)
	}
	n, dents, err := CountDir(dir, make([]byte, 1024))
	if err != nil || n != 301 || len(dents) != 1024 {
		t.Errorf("CountDir = %d, buffer %d, err %v; want 301, the buffer passed, nil", n, len(dents), err)
	}
	if _, _, err := CountDir(filepath.Join(dir, "absent"), nil); err == nil {
		t.Error("a missing directory was counted")
	}
}

func dirent(name string, reclen int) []byte {
	b := make([]byte, reclen)
	binary.NativeEndian.PutUint16(b[16:], uint16(reclen))
	b[18] = 8
	copy(b[19:], name)
	return b
}

func TestEachDirent(t *testing.T) {
	t.Parallel()
	b := bytes.Join([][]byte{dirent(".", 24), dirent("..", 24), dirent("3", 24), dirent("file", 32)}, nil)
	var got []string
	eachDirent(append(b, dirent("cut", 40)[:30]...), func(_ byte, name []byte) { got = append(got, string(name)) })
	if len(got) != 2 || got[0] != "3" || got[1] != "file" {
		t.Errorf("names %q, want [3 file] (dots and the truncated record left out)", got)
	}
}

func FuzzEachDirent(f *testing.F) {
	f.Add(bytes.Join([][]byte{dirent(".", 24), dirent("fd", 24)}, nil))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		n := 0
		eachDirent(b, func(_ byte, name []byte) {
			n++
			if bytes.IndexByte(name, 0) >= 0 {
				t.Errorf("name %q holds a NUL", name)
			}
		})
		if n > len(b)/19 {
			t.Errorf("%d names from %d bytes", n, len(b))
		}
	})
}

// TestCountFDs: the count of a process's open files moves with the files
// it opens, and is the listing's count less the descriptor the listing
// itself holds (or the listing's where the kernel gives no size).
func TestCountFDs(t *testing.T) {
	const dir = "/proc/self/fd"
	before, _, err := CountFDs(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	for range 200 {
		f, err := os.Open(os.DevNull)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
	}
	n, _, err := CountFDs(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	listed, _, err := CountDir(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n != before+200 {
		t.Errorf("%d files open after 200 more, %d before", n, before)
	}
	var st syscall.Stat_t
	if syscall.Stat(dir, &st) == nil && st.Size > 0 && n != listed-1 {
		t.Errorf("%d files open by the directory's size, %d listed (one the listing's own)", n, listed)
	}
	if _, _, err := CountFDs(filepath.Join(t.TempDir(), "missing"), nil); err == nil {
		t.Error("no error for a missing directory")
	}
}
