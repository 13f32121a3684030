package procfs

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestHiddenPIDs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, mountinfo string
		wantHidden      bool
		wantGID         int
	}{
		{name: "default", mountinfo: "22 1 0:21 / /proc rw,nosuid - proc proc rw\n", wantGID: -1},
		{name: "hidepid=2 as a superblock option", mountinfo: "22 1 0:21 / /proc rw,nosuid - proc proc rw,hidepid=2\n", wantHidden: true, wantGID: -1},
		{name: "invisible with an exempt group", mountinfo: "22 1 0:21 / /proc rw,nosuid - proc proc rw,gid=27,hidepid=invisible\n", wantHidden: true, wantGID: 27},
		{name: "hidepid=off", mountinfo: "22 1 0:21 / /proc rw - proc proc rw,hidepid=off\n", wantGID: -1},
		{name: "a hiding proc elsewhere does not count", mountinfo: "22 1 0:21 / /proc rw - proc proc rw\n30 1 0:40 / /srv/proc rw - proc proc rw,hidepid=2\n", wantGID: -1},
		{name: "the mount on top counts", mountinfo: "22 1 0:21 / /proc rw - proc proc rw\n31 22 0:41 / /proc rw - proc proc rw,hidepid=1\n", wantHidden: true, wantGID: -1},
		{name: "not proc", mountinfo: "22 1 0:21 / /proc rw - tmpfs tmpfs rw,hidepid=2\n", wantGID: -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ms, err := ParseMountInfo([]byte(tt.mountinfo))
			if err != nil {
				t.Fatal(err)
			}
			hidden, gid := HiddenPIDs(ms, "/proc")
			if diff := cmp.Diff([2]any{tt.wantHidden, tt.wantGID}, [2]any{hidden, gid}); diff != "" {
				t.Errorf("HiddenPIDs(%q) mismatch (-want +got):\n%s", tt.mountinfo, diff)
			}
		})
	}
}
