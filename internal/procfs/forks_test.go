package procfs

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseForks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    uint64
		wantErr bool
	}{
		{name: "a machine", in: "cpu  1 2 3 4\ncpu0 1 2 3 4\nintr 5 0 0\nctxt 99\nbtime 1700000000\nprocesses 123456\nprocs_running 2\n", want: 123456},
		{name: "last line without newline", in: "cpu  1 2 3 4\nprocesses 7", want: 7},
		{name: "absent", in: "cpu  1 2 3 4\nctxt 99\n", wantErr: true},
		{name: "not a number", in: "cpu 1\nprocesses x1\n", wantErr: true},
		{name: "procs_running is not it", in: "cpu 1\nprocs_running 3\n", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseForks([]byte(tt.in))
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseForks(%q) error %v, want error %v", tt.in, err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseForks(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func FuzzParseForks(f *testing.F) {
	f.Add([]byte("cpu 1\nprocesses 123\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		ParseForks(b)
	})
}
