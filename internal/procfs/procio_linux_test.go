package procfs

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestProcTableReadIO(t *testing.T) {
	t.Parallel()
	root := ptCopyTree(t, filepath.Join("testdata", "procs"))
	p := filepath.Join(root, "proc")
	ptWriteFile(t, filepath.Join(p, "100", "io"), "rchar: 9000\nwchar: 8000\nsyscr: 5\nsyscw: 6\nread_bytes: 4096\nwrite_bytes: 67108864\ncancelled_write_bytes: 0\n")
	ptWriteFile(t, filepath.Join(p, "1", "io"), "rchar: 1\n")
	unreadable := os.Geteuid() != 0
	if unreadable {
		ptWriteFile(t, filepath.Join(p, "105", "io"), "read_bytes: 1\nwrite_bytes: 2\n")
		if err := os.Chmod(filepath.Join(p, "105", "io"), 0); err != nil {
			t.Fatal(err)
		}
	}
	pt, err := NewProcTable(ptFS(t, root), ProcTableOptions{Users: NewUsers(filepath.Join("testdata", "passwd"))})
	if err != nil {
		t.Fatal(err)
	}
	defer pt.Close()
	type res struct {
		Read, Write uint64
		Err         string
	}
	got := map[int32]res{}
	live, err := pt.Scan(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range live {
		r, w, err := pt.ReadIO(e)
		switch {
		case errors.Is(err, ErrIOUnreadable):
			got[e.PID] = res{Err: "unreadable"}
		case err != nil:
			got[e.PID] = res{Err: "error"}
		default:
			got[e.PID] = res{Read: r, Write: w}
		}
	}
	want := map[int32]res{
		1:   {Err: "error"}, // no read_bytes line
		2:   {Err: "error"}, // no io file: gone
		100: {Read: 4096, Write: 64 << 20},
		101: {Err: "error"}, 102: {Err: "error"}, 105: {Err: "error"}, 106: {Err: "error"},
	}
	if unreadable {
		want[105] = res{Err: "unreadable"}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ReadIO mismatch (-want +got):\n%s", diff)
	}
}
