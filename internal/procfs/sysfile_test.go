package procfs

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestReadUint(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for name, body := range map[string]string{"count": "42\n", "garbage": "lots\n", "empty": ""} {
		os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644)
	}
	var buf []byte
	v, buf, err := ReadUint(filepath.Join(dir, "count"), buf)
	if v != 42 || err != nil {
		t.Errorf("ReadUint(count) = %d, %v; want 42", v, err)
	}
	for _, name := range []string{"garbage", "empty"} {
		if _, buf, err = ReadUint(filepath.Join(dir, name), buf); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("ReadUint(%s) error = %v, want one naming the file", name, err)
		}
	}
	if _, _, err = ReadUint(filepath.Join(dir, "none"), buf); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("ReadUint(missing) error = %v, want fs.ErrNotExist", err)
	}
}

func TestAppendCPUList(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    []int
		wantErr bool
	}{
		{in: "\n", want: []int{9}},
		{in: "0-2,5,7-8\n", want: []int{9, 0, 1, 2, 5, 7, 8}},
		{in: "3-1", want: []int{9}, wantErr: true},
		{in: "1,x", want: []int{9}, wantErr: true},
		{in: "0-99999999", want: []int{9}, wantErr: true},
	}
	for _, tt := range tests {
		got, err := AppendCPUList([]int{9}, []byte(tt.in))
		if (err != nil) != tt.wantErr {
			t.Errorf("AppendCPUList(%q) error = %v, want error %v", tt.in, err, tt.wantErr)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("AppendCPUList(%q) mismatch (-want +got):\n%s", tt.in, diff)
		}
	}
}
