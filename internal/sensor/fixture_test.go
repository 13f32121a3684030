package sensor

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/vigia-dev/vigia/internal/procfs"
)

// copyMachine copies testdata/<machine> into a temporary directory, so a
// test can rewrite kernel files between reads, and returns its root and an
// FS over the copy. A machine without a sys tree gets an empty one.
func copyMachine(t testing.TB, machine string) (string, procfs.FS) {
	t.Helper()
	dst := t.TempDir()
	src := filepath.Join("testdata", machine)
	// By hand rather than os.CopyFS, which refuses the symbolic links sysfs
	// trees are made of.
	err := filepath.WalkDir(src, func(path string, e os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		to := filepath.Join(dst, rel)
		switch {
		case e.Type()&os.ModeSymlink != 0:
			target, err := os.Readlink(path)
			if err != nil {
				return err
			}
			return os.Symlink(target, to)
		case e.IsDir():
			return os.MkdirAll(to, 0o755)
		default:
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			return os.WriteFile(to, b, 0o644)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dst, "sys"), 0o755); err != nil {
		t.Fatal(err)
	}
	fs, err := procfs.NewFS(filepath.Join(dst, "proc"), filepath.Join(dst, "sys"))
	if err != nil {
		t.Fatal(err)
	}
	return dst, fs
}

// writeFile writes body to path, making its directory if need be.
func writeFile(t testing.TB, path, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}
