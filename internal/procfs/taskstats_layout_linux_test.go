package procfs

import (
	"encoding/binary"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The offsets ParseTaskstats reads are those of include/uapi/linux/
// taskstats.h. golang.org/x/sys/unix generates its Taskstats from that
// header, so its layout is a second, independent reading of it: the
// fixtures of versions other than this kernel's are built from it, and
// this test holds the parser's offsets to it.
func TestTaskstatsOffsetsMatchTheHeader(t *testing.T) {
	t.Parallel()
	var ts unix.Taskstats
	for _, c := range []struct {
		name      string
		got, want uintptr
	}{
		{"ac_comm", taskstatsCommOff, unsafe.Offsetof(ts.Ac_comm)},
		{"cpu_run_real_total", taskstatsRunReal, unsafe.Offsetof(ts.Cpu_run_real_total)},
		{"cpu_run_virtual_total", taskstatsRunVirt, unsafe.Offsetof(ts.Cpu_run_virtual_total)},
		{"ac_pid", taskstatsPIDOff, unsafe.Offsetof(ts.Ac_pid)},
		{"ac_ppid", taskstatsPPIDOff, unsafe.Offsetof(ts.Ac_ppid)},
		{"ac_btime", taskstatsBtimeOff, unsafe.Offsetof(ts.Ac_btime)},
		{"ac_etime", taskstatsEtime, unsafe.Offsetof(ts.Ac_etime)},
		{"ac_utime", taskstatsUtime, unsafe.Offsetof(ts.Ac_utime)},
		{"ac_stime", taskstatsStime, unsafe.Offsetof(ts.Ac_stime)},
		{"read_bytes", taskstatsReadB, unsafe.Offsetof(ts.Read_bytes)},
		{"write_bytes", taskstatsWriteB, unsafe.Offsetof(ts.Write_bytes)},
		{"end of version 8", taskstatsV8Len, unsafe.Offsetof(ts.Thrashing_count)},
		{"ac_btime64", taskstatsBtime64, unsafe.Offsetof(ts.Ac_btime64)},
		{"ac_tgid", taskstatsTGIDOff, unsafe.Offsetof(ts.Ac_tgid)},
	} {
		if c.got != c.want {
			t.Errorf("%s at %d, the header has it at %d", c.name, c.got, c.want)
		}
	}
	if unsafe.Offsetof(ts.Ac_exitcode) != 4 {
		t.Errorf("ac_exitcode at %d, want 4", unsafe.Offsetof(ts.Ac_exitcode))
	}
}

var updateTaskstats = flag.Bool("update-taskstats", false, "rewrite the built taskstats fixtures under testdata/taskstats")

// taskstatsFixture is one built fixture: a record of the given version,
// cut to the length that version had.
type taskstatsFixture struct {
	file    string
	version uint16
	length  int
	threads bool // a thread that is not the last of a group of three
	dead    bool // the group's last thread
}

var builtFixtures = []taskstatsFixture{
	{file: "v8-exit.bin", version: 8, length: taskstatsV8Len},
	{file: "v10-exit.bin", version: 10, length: taskstatsBtime64 + 8},
	{file: "v17-thread.bin", version: 17, length: int(unsafe.Sizeof(unix.Taskstats{})), threads: true},
	{file: "v17-group-dead.bin", version: 17, length: int(unsafe.Sizeof(unix.Taskstats{})), threads: true, dead: true},
}

// TestTaskstatsFixturesAreBuilt rebuilds the fixtures with
// -update-taskstats, and otherwise checks that they are as built.
func TestTaskstatsFixturesAreBuilt(t *testing.T) {
	t.Parallel()
	if binary.NativeEndian.Uint16([]byte{1, 0}) != 1 {
		t.Skip("the fixtures are little-endian")
	}
	for _, f := range builtFixtures {
		b := buildTaskstatsFixture(f)
		path := filepath.Join("testdata", "taskstats", f.file)
		if *updateTaskstats {
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(b) {
			t.Errorf("%s differs from what it is built from; run with -update-taskstats", path)
		}
	}
}

// buildTaskstatsFixture lays out a record in x/sys's Taskstats and wraps
// it as the kernel does: netlink header, genl header, AGGR_PID with the
// PID and the stats, and for a group's last thread AGGR_TGID after it.
func buildTaskstatsFixture(f taskstatsFixture) []byte {
	ts := unix.Taskstats{
		Version: f.version, Ac_exitcode: 0x8b, Cpu_run_real_total: 41_000_000, Cpu_run_virtual_total: 40_123_456,
		Ac_pid: 4242, Ac_ppid: 4000, Ac_btime: 1_700_000_000, Ac_etime: 1_250_000,
		Ac_utime: 30_000, Ac_stime: 11_000, Read_bytes: 1 << 20, Write_bytes: 3 << 12,
		Ac_btime64: 1_700_000_000, Ac_tgid: 4242,
	}
	copy(unsafe.Slice((*byte)(unsafe.Pointer(&ts.Ac_comm[0])), len(ts.Ac_comm)), "cc1\x00")
	if f.threads && !f.dead {
		ts.Ac_pid, ts.Ac_utime, ts.Ac_stime, ts.Read_bytes, ts.Write_bytes = 4243, 5_000, 1_000, 4096, 0
		ts.Cpu_run_real_total, ts.Cpu_run_virtual_total = 6_000_000, 6_543_210
		copy(unsafe.Slice((*byte)(unsafe.Pointer(&ts.Ac_comm[0])), len(ts.Ac_comm)), "worker\x00")
	}
	raw := unsafe.Slice((*byte)(unsafe.Pointer(&ts)), unsafe.Sizeof(ts))[:f.length]
	pid := make([]byte, 4)
	binary.NativeEndian.PutUint32(pid, ts.Ac_pid)
	body := nlAttr(tsTypeAggrPID|0x8000, cat(nlAttr(tsTypePID, pid), nlAttr(tsTypeStats, raw)))
	if f.dead {
		tgid := make([]byte, 4)
		binary.NativeEndian.PutUint32(tgid, ts.Ac_tgid)
		body = cat(body, nlAttr(tsTypeAggrTGID|0x8000, cat(nlAttr(tsTypeTGID, tgid), nlAttr(tsTypeStats, make([]byte, f.length)))))
	}
	return genlMsg(testFamily, taskstatsCmdNew, body)
}
