package procfs

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParsePIDStatChildrenTimes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name           string
		in             string
		cutime, cstime uint64
	}{
		{name: "shell that waited for its jobs", in: "77 (bash) S 1 77 77 0 -1 4194560 100 0 0 0 3 4 250 130 20 0 1 0 77 0 0\n", cutime: 250, cstime: 130},
		{name: "negative clamps to zero", in: "77 (bash) S 1 77 77 0 -1 4194560 100 0 0 0 3 4 -1 -5 20 0 1 0 77 0 0\n"},
		{name: "none", in: ptStatLine(5, "a", "S", 1, 9, 9, 0, 1, 1, 1, 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := ParsePIDStat([]byte(tt.in))
			if err != nil {
				t.Fatalf("ParsePIDStat(%q): %v", tt.in, err)
			}
			if diff := cmp.Diff([2]uint64{tt.cutime, tt.cstime}, [2]uint64{s.CUTime, s.CSTime}); diff != "" {
				t.Errorf("ParsePIDStat(%q) cutime, cstime mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}
