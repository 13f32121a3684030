package main

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

// TestQuietCommandsReleaseStartupPages: once watch runs, most of its
// binary's code and read-only data is not resident: the pages only start-up
// touched were given back. The binary is a private copy, so that no other
// test's vigia maps the same pages (those are left alone).
func TestQuietCommandsReleaseStartupPages(t *testing.T) {
	t.Parallel()
	bin := filepath.Join(t.TempDir(), "vigia")
	copyFile(t, vigiaBin, bin)
	cmd := exec.Command(bin, "watch", "--json", "--interval", "200ms")
	cmd.Env = cleanEnv(t)
	sc := bufio.NewScanner(startPiped(t, cmd, nil))
	for range 10 { // a few passes: what they use is back by now
		if !sc.Scan() {
			t.Fatal("watch stopped printing")
		}
	}
	size, rss := binaryPages(t, cmd.Process.Pid, bin)
	if size == 0 {
		t.Fatal("no mapping of the binary found")
	}
	t.Logf("%d of %d kB resident", rss, size)
	if rss*2 > size {
		t.Errorf("%d of the binary's %d kB of code and read-only data resident, want under half", rss, size)
	}
}

// binaryPages sums the Size and Rss, in kB, of the read-only mappings of
// bin in process pid.
func binaryPages(t *testing.T, pid int, bin string) (size, rss int) {
	t.Helper()
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/smaps")
	if err != nil {
		t.Fatal(err)
	}
	mine := false
	for line := range bytes.Lines(b) {
		f := bytes.Fields(line)
		switch {
		case len(f) >= 5 && bytes.IndexByte(f[0], '-') > 0 && len(f[1]) == 4:
			mine = len(f) >= 6 && string(f[5]) == bin && bytes.IndexByte(f[1], 'w') < 0
		case mine && len(f) >= 2 && string(f[0]) == "Size:":
			n, _ := strconv.Atoi(string(f[1]))
			size += n
		case mine && len(f) >= 2 && string(f[0]) == "Rss:":
			n, _ := strconv.Atoi(string(f[1]))
			rss += n
		}
	}
	return size, rss
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}
