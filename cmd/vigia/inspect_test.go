package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigia-dev/vigia/internal/live"
	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/server"
)

// The agent's inspector tells the API what kind of failure it met: a task
// that is not a process is not found, a malformed stat is bad data (not a
// server fault), and both messages name the file.
func TestInspectorErrorKinds(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		tree    string
		pid     int32
		want    error
		wantMsg string
	}{
		{"procs", 104, server.ErrMalformed, "testdata/procs/proc/104/stat: malformed"},
		{"procs", 999, os.ErrNotExist, "process 999: no such process"},
		{"tasks", 301, os.ErrNotExist, "task 301 is a thread of process 300"},
		{"tasks", 302, os.ErrNotExist, "302/stat names pid 399"},
	} {
		root := filepath.Join("..", "..", "internal", "procfs", "testdata", tt.tree)
		fsys, err := procfs.NewFS(filepath.Join(root, "proc"), filepath.Join(root, "sys"))
		if err != nil {
			t.Fatal(err)
		}
		_, err = inspector{fs: fsys, lv: live.New(live.Options{})}.Inspect(t.Context(), tt.pid)
		if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.wantMsg) {
			t.Errorf("Inspect(%s %d) = %v, want %v saying %q", tt.tree, tt.pid, err, tt.want, tt.wantMsg)
		}
	}
}
