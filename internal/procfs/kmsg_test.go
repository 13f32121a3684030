package procfs

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseKmsgOOM(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want []OOMVictim
	}{
		{"none", "6,1,2,-;eth0: link up\n", nil},
		{"memcg kill", "6,1234,5000000,-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/vigia,task_memcg=/vigia,task=python3,pid=4321,uid=0\n" +
			"3,1235,5000100,-;Memory cgroup out of memory: Killed process 4321 (python3) total-vm:1234kB, anon-rss:1000kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:64kB oom_score_adj:0\n" +
			" SUBSYSTEM=memory\n",
			[]OOMVictim{{PID: 4321, Comm: "python3", Cgroup: "/vigia"}}},
		{"dmesg lines, name with a paren", "[  12.5] Out of memory: Killed process 77 (a) b) total-vm:1kB\n",
			[]OOMVictim{{PID: 77, Comm: "a) b"}}},
		{"two victims", "4,1,1,-;Killed process 10 (x)\n4,2,2,-;Killed process 11 (y)\n",
			[]OOMVictim{{PID: 10, Comm: "x"}, {PID: 11, Comm: "y"}}},
		{"bad pid", "4,1,1,-;Killed process 0 (x)\n4,1,1,-;Killed process 99999999999 (x)\n4,1,1,-;oom-kill:task=x,pid=abc\n", nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, ParseKmsgOOM([]byte(tt.in))); diff != "" {
			t.Errorf("%s: ParseKmsgOOM mismatch (-want +got):\n%s", tt.name, diff)
		}
	}
}

func FuzzParseKmsgOOM(f *testing.F) {
	f.Add([]byte("6,1,2,-;oom-kill:task_memcg=/a,task=b,pid=3\n3,1,1,-;Killed process 3 (b) total-vm:1kB\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, v := range ParseKmsgOOM(b) {
			if v.PID <= 0 {
				t.Fatalf("victim with pid %d", v.PID)
			}
		}
	})
}
