package procfs

import (
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// testFamily is the TASKSTATS family id of the fixtures; the kernel
// gives the id at run time, 0x1f on the machine the capture was made on.
const testFamily = 0x1f

func nlAttr(typ uint16, val []byte) []byte {
	b := make([]byte, (nlaHdrLen+len(val)+3)&^3)
	binary.NativeEndian.PutUint16(b, uint16(nlaHdrLen+len(val)))
	binary.NativeEndian.PutUint16(b[2:], typ)
	copy(b[nlaHdrLen:], val)
	return b
}

func genlMsg(typ uint16, cmd uint8, attrs []byte) []byte {
	b := make([]byte, nlmsgHdrLen+genlHdrLen+len(attrs))
	binary.NativeEndian.PutUint32(b, uint32(len(b)))
	binary.NativeEndian.PutUint16(b[4:], typ)
	b[nlmsgHdrLen], b[nlmsgHdrLen+1] = cmd, 1
	copy(b[nlmsgHdrLen+genlHdrLen:], attrs)
	return b
}

// nlErrMsg is an NLMSG_ERROR carrying -errno, as the kernel refuses.
func nlErrMsg(errno int32) []byte {
	b := make([]byte, nlmsgHdrLen+4)
	binary.NativeEndian.PutUint32(b, uint32(len(b)))
	binary.NativeEndian.PutUint16(b[4:], nlmsgError)
	binary.NativeEndian.PutUint32(b[nlmsgHdrLen:], uint32(-errno))
	return b
}

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	if binary.NativeEndian.Uint16([]byte{1, 0}) != 1 {
		t.Skip("the fixtures are little-endian")
	}
	b, err := os.ReadFile(filepath.Join("testdata", "taskstats", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestParseTaskstats reads records of the oldest layout vigia reads
// (version 8), of version 10 (64-bit begin time), of version 17 (with the
// thread group) built from the documented layout, and one this machine's
// kernel (6.18, version 16) sent for `sh -c 'exit 3'`.
func TestParseTaskstats(t *testing.T) {
	t.Parallel()
	cc1 := TaskExit{Comm: "cc1", PID: 4242, PPID: 4000, ExitCode: 0x8b, Begin: 1_700_000_000, Elapsed: 1_250_000,
		User: 30_000, System: 11_000, RunReal: 41_000_000, RunVirtual: 40_123_456, ReadBytes: 1 << 20, WriteBytes: 3 << 12}
	with := func(e TaskExit, f func(*TaskExit)) TaskExit { f(&e); return e }
	tests := []struct {
		file string
		want []TaskExit
	}{
		{"v8-exit.bin", []TaskExit{with(cc1, func(e *TaskExit) { e.Version = 8 })}},
		{"v10-exit.bin", []TaskExit{with(cc1, func(e *TaskExit) { e.Version = 10 })}},
		{"v17-thread.bin", []TaskExit{with(cc1, func(e *TaskExit) {
			e.Version, e.TGID, e.PID, e.Comm = 17, 4242, 4243, "worker"
			e.User, e.System, e.ReadBytes, e.WriteBytes = 5_000, 1_000, 4096, 0
			e.RunReal, e.RunVirtual = 6_000_000, 6_543_210
		})}},
		{"v17-group-dead.bin", []TaskExit{with(cc1, func(e *TaskExit) { e.Version, e.TGID, e.GroupDead = 17, 4242, true })}},
		{"kernel-6.18-exit-sh.bin", []TaskExit{{Version: 16, PID: 20604, TGID: 20604, PPID: 20599, Comm: "sh",
			ExitCode: 3 << 8, Begin: 1_796_215_105, Elapsed: 11_332, User: 0, System: 8_000, RunReal: 8_000_000, RunVirtual: 7_649_357,
			ReadBytes: 0, WriteBytes: 0}}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			got, err := ParseTaskstats(readFixture(t, tt.file), testFamily, nil)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseTaskstats(%s) (-want +got):\n%s", tt.file, diff)
			}
		})
	}
}

// TestParseTaskstatsHostile: a message cut anywhere, a record of a layout
// vigia does not read, or one whose parts disagree is an error, never a
// panic; messages of other families and commands are skipped.
func TestParseTaskstatsHostile(t *testing.T) {
	t.Parallel()
	good := readFixture(t, "v17-group-dead.bin")
	v8 := readFixture(t, "v8-exit.bin")
	for cut := range len(good) {
		if _, err := ParseTaskstats(good[:cut], testFamily, nil); cut > 0 && err == nil {
			t.Errorf("cut to %d bytes: no error", cut)
		}
	}
	stats := func(version uint16, n int) []byte {
		b := make([]byte, n)
		binary.NativeEndian.PutUint16(b, version)
		binary.NativeEndian.PutUint32(b[taskstatsPIDOff:], 7)
		return b
	}
	pid := func(p uint32) []byte { return binary.NativeEndian.AppendUint32(nil, p) }
	aggr := func(parts ...[]byte) []byte {
		return genlMsg(testFamily, taskstatsCmdNew, nlAttr(tsTypeAggrPID, cat(parts...)))
	}
	errMsg := nlErrMsg(1)
	tests := []struct {
		name    string
		in      []byte
		wantN   int
		wantErr bool
	}{
		{name: "version 7", in: aggr(nlAttr(tsTypePID, pid(7)), nlAttr(tsTypeStats, stats(7, taskstatsV8Len))), wantErr: true},
		{name: "version 8 cut short", in: aggr(nlAttr(tsTypePID, pid(7)), nlAttr(tsTypeStats, stats(8, taskstatsV8Len-1))), wantErr: true},
		{name: "version 12 too short for its tgid", in: aggr(nlAttr(tsTypePID, pid(7)), nlAttr(tsTypeStats, stats(12, taskstatsV8Len))), wantN: 1},
		{name: "PID disagrees with the stats", in: aggr(nlAttr(tsTypePID, pid(8)), nlAttr(tsTypeStats, stats(8, taskstatsV8Len))), wantErr: true},
		{name: "PID of two bytes", in: aggr(nlAttr(tsTypePID, pid(7)[:2]), nlAttr(tsTypeStats, stats(8, taskstatsV8Len))), wantErr: true},
		{name: "no stats", in: aggr(nlAttr(tsTypePID, pid(7))), wantErr: true},
		{name: "two records in one message", in: genlMsg(testFamily, taskstatsCmdNew, cat(
			nlAttr(tsTypeAggrPID, cat(nlAttr(tsTypePID, pid(7)), nlAttr(tsTypeStats, stats(8, taskstatsV8Len)))),
			nlAttr(tsTypeAggrPID, cat(nlAttr(tsTypePID, pid(7)), nlAttr(tsTypeStats, stats(8, taskstatsV8Len)))))), wantErr: true},
		{name: "another family skipped", in: cat(genlMsg(testFamily+1, taskstatsCmdNew, nil), v8), wantN: 1},
		{name: "a GET answer skipped", in: genlMsg(testFamily, 1, nil), wantN: 0},
		{name: "netlink error", in: cat(v8, errMsg), wantN: 1, wantErr: true},
		{name: "genl header cut", in: genlMsg(testFamily, taskstatsCmdNew, nil)[:nlmsgHdrLen+2], wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseTaskstats(tt.in, testFamily, nil)
			if (err != nil) != tt.wantErr || len(got) != tt.wantN {
				t.Fatalf("ParseTaskstats() = %d records, %v; want %d, error %v", len(got), err, tt.wantN, tt.wantErr)
			}
			if err != nil && !errors.Is(err, ErrTaskstatsFormat) {
				t.Errorf("error %v does not wrap ErrTaskstatsFormat", err)
			}
		})
	}
}

// TestParseGenlFamilyID reads the controller's answer, its refusal, and
// rejects a cut one.
func TestParseGenlFamilyID(t *testing.T) {
	t.Parallel()
	id := binary.NativeEndian.AppendUint16(nil, 0x1f)
	answer := genlMsg(genlIDCtrl, ctrlCmdNewFamily, cat(nlAttr(ctrlAttrFamilyName, []byte("TASKSTATS\x00")), nlAttr(ctrlAttrFamilyID, id)))
	got, errno, err := ParseGenlFamilyID(answer)
	if err != nil || errno != 0 || got != 0x1f {
		t.Errorf("ParseGenlFamilyID(answer) = %#x, %d, %v; want 0x1f", got, errno, err)
	}
	refusal := nlErrMsg(2)
	if _, errno, err := ParseGenlFamilyID(refusal); err != nil || errno != 2 {
		t.Errorf("ParseGenlFamilyID(ENOENT) = errno %d, %v; want 2", errno, err)
	}
	if _, _, err := ParseGenlFamilyID(answer[:len(answer)-3]); !errors.Is(err, ErrTaskstatsFormat) {
		t.Errorf("ParseGenlFamilyID(cut) error %v, want ErrTaskstatsFormat", err)
	}
	if _, _, err := ParseGenlFamilyID(genlMsg(genlIDCtrl, ctrlCmdNewFamily, nil)); !errors.Is(err, ErrTaskstatsFormat) {
		t.Errorf("ParseGenlFamilyID(no id) error %v, want ErrTaskstatsFormat", err)
	}
}

// FuzzParseTaskstats: no input panics or hangs, and every record it
// returns is of a version it reads.
func FuzzParseTaskstats(f *testing.F) {
	for _, name := range []string{"v8-exit.bin", "v10-exit.bin", "v17-thread.bin", "v17-group-dead.bin", "kernel-6.18-exit-sh.bin"} {
		b, err := os.ReadFile(filepath.Join("testdata", "taskstats", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		recs, _ := ParseTaskstats(b, testFamily, nil)
		for _, r := range recs {
			if r.Version < taskstatsMinVer {
				t.Fatalf("record of version %d", r.Version)
			}
		}
		ParseGenlFamilyID(b)
	})
}

// BenchmarkParseTaskstats is the parse of one exit record as this
// machine's kernel sends it.
func BenchmarkParseTaskstats(b *testing.B) {
	msg, err := os.ReadFile(filepath.Join("testdata", "taskstats", "kernel-6.18-exit-sh.bin"))
	if err != nil {
		b.Fatal(err)
	}
	var recs []TaskExit
	for b.Loop() {
		recs, err = ParseTaskstats(msg, testFamily, recs[:0])
		if err != nil || len(recs) != 1 {
			b.Fatal(recs, err)
		}
	}
}
