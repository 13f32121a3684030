package procfs

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseMountInfo(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    []Mount
		wantErr string
	}{
		{
			name: "optional fields, escapes and a bind mount",
			in: `28 1 259:2 / / rw,relatime shared:1 - ext4 /dev/nvme0n1p2 rw,errors=remount-ro
52 28 8:1 / /media/user/My\040Disk\011x rw,nosuid shared:40 master:2 - exfat /dev/sda1 ro,uid=1000
53 28 8:1 /photos /home/a\134b rw,relatime - exfat /dev/sda1 rw
`,
			want: []Mount{
				{ID: 28, ParentID: 1, Major: 259, Minor: 2, Root: "/", MountPoint: "/", Options: "rw,relatime", FSType: "ext4", Source: "/dev/nvme0n1p2", SuperOpts: "rw,errors=remount-ro"},
				{ID: 52, ParentID: 28, Major: 8, Minor: 1, Root: "/", MountPoint: "/media/user/My Disk\tx", Options: "rw,nosuid", FSType: "exfat", Source: "/dev/sda1", SuperOpts: "ro,uid=1000"},
				{ID: 53, ParentID: 28, Major: 8, Minor: 1, Root: "/photos", MountPoint: `/home/a\b`, Options: "rw,relatime", FSType: "exfat", Source: "/dev/sda1", SuperOpts: "rw"},
			},
		},
		{
			name: "no super options (old kernels)",
			in:   "1 0 0:1 / / rw - rootfs rootfs\n",
			want: []Mount{{ID: 1, Major: 0, Minor: 1, Root: "/", MountPoint: "/", Options: "rw", FSType: "rootfs", Source: "rootfs"}},
		},
		{name: "empty", in: "\n"},
		{name: "no separator", in: "28 1 259:2 / / rw,relatime shared:1 ext4 /dev/x rw\n", wantErr: "mountinfo line 1: want at least 10 fields"},
		{name: "truncated after separator", in: "28 1 259:2 / / rw -\n", wantErr: "want at least 10 fields"},
		{name: "bad device", in: "28 1 259-2 / / rw - ext4 /dev/x rw\n", wantErr: `bad device number "259-2"`},
		{name: "bad ID", in: "x 1 259:2 / / rw - ext4 /dev/x rw\n", wantErr: `bad mount ID "x"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseMountInfo([]byte(tt.in))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseMountInfo(%q) error = %v, want one containing %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseMountInfo(%q): %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseMountInfo(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestUnescapeOctal(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		`plain`:     "plain",
		`a\040b`:    "a b",
		`\134`:      `\`,
		`end\04`:    `end\04`,
		`\777`:      `\777`, // not a byte: kept
		`\0400\012`: " 0\n",
		`\x41`:      `\x41`,
	} {
		if got := unescapeOctal(in); got != want {
			t.Errorf("unescapeOctal(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMountReadOnly(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		opts, super string
		want        bool
	}{
		{"rw,relatime", "rw", false},
		{"ro,relatime", "rw", true},
		{"rw", "ro,errors=continue", true},
		{"rw,errors=remount-ro", "rw", false},
		{"rw,relatime", "rw,emergency_ro,errors=remount-ro", true},
	} {
		if got := (Mount{Options: tt.opts, SuperOpts: tt.super}).ReadOnly(); got != tt.want {
			t.Errorf("ReadOnly(%q, %q) = %v, want %v", tt.opts, tt.super, got, tt.want)
		}
	}
}

func TestFSMountInfo(t *testing.T) {
	t.Parallel()
	fs := testFS(t, map[string]string{"proc/self/mountinfo": "28 1 259:2 / / rw - ext4 /dev/x rw\n"})
	got, err := fs.MountInfo("self")
	if err != nil || len(got) != 1 || got[0].Source != "/dev/x" {
		t.Errorf("MountInfo(self) = %+v, %v", got, err)
	}
	if _, err := fs.MountInfo("1"); err == nil {
		t.Error("MountInfo of a missing file: no error")
	}
}

func FuzzParseMountInfo(f *testing.F) {
	f.Add([]byte("28 1 259:2 / / rw,relatime shared:1 - ext4 /dev/nvme0n1p2 rw,errors=remount-ro\n"))
	f.Add([]byte("52 28 8:1 / /media/My\\040Disk rw - exfat /dev/sda1 rw\n1 0 0:1 / / rw - a b\n"))
	f.Add([]byte("1 2 3:4 5 6 7 - -\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := ParseMountInfo(b)
		if err != nil {
			return
		}
		for _, m := range got {
			if m.MountPoint == "" || m.FSType == "" {
				t.Errorf("ParseMountInfo(%q) gave %+v with an empty mount point or type", b, m)
			}
		}
	})
}
