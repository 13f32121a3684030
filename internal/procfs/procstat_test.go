package procfs

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// ptStatLine builds a /proc/PID/stat line with the fields the walk reads set
// and the others filled as the kernel would.
func ptStatLine(pid int, comm, state string, ppid, utime, stime, nice, threads, start, vsize int, rss int) string {
	return fmt.Sprintf("%d (%s) %s %d %d %d 0 -1 4194560 100 0 0 0 %d %d 0 0 20 %d %d 0 %d %d %d "+
		"18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0\n",
		pid, comm, state, ppid, pid, pid, utime, stime, nice, threads, start, vsize, rss)
}

func TestParsePIDStat(t *testing.T) {
	t.Parallel()
	type got struct {
		PID               int32
		Comm              string
		State             string
		PPID              int32
		UTime, STime      uint64
		Nice, Threads     int32
		StartTicks, VSize uint64
		RSSPages          uint64
	}
	tests := []struct {
		name    string
		in      string
		want    got
		wantErr bool
	}{
		{name: "plain", in: ptStatLine(1234, "bash", "S", 1, 55, 12, 0, 1, 98765, 9000000, 1500),
			want: got{1234, "bash", "S", 1, 55, 12, 0, 1, 98765, 9000000, 1500}},
		{name: "parentheses and spaces", in: ptStatLine(7, "a) (b", "R", 2, 1, 2, 0, 3, 4, 5, 6),
			want: got{7, "a) (b", "R", 2, 1, 2, 0, 3, 4, 5, 6}},
		{name: "fake fields inside comm", in: ptStatLine(8, "x) R 1 2 (y", "S", 3, 9, 9, 0, 1, 1, 1, 1),
			want: got{8, "x) R 1 2 (y", "S", 3, 9, 9, 0, 1, 1, 1, 1}},
		{name: "newline inside comm", in: ptStatLine(9, "q)\n) (z", "S", 1, 0, 0, 0, 1, 0, 0, 0),
			want: got{9, "q)\n) (z", "S", 1, 0, 0, 0, 1, 0, 0, 0}},
		{name: "tab and long workqueue name", in: ptStatLine(10, "kworker/u8:1-writeback\tx", "I", 2, 0, 0, 0, 1, 0, 0, 0),
			want: got{10, "kworker/u8:1-writeback\tx", "I", 2, 0, 0, 0, 1, 0, 0, 0}},
		{name: "empty comm", in: ptStatLine(11, "", "S", 1, 0, 0, 0, 1, 0, 0, 0),
			want: got{11, "", "S", 1, 0, 0, 0, 1, 0, 0, 0}},
		{name: "negative nice", in: ptStatLine(12, "n", "S", 1, 0, 0, -20, 1, 0, 0, 0),
			want: got{12, "n", "S", 1, 0, 0, -20, 1, 0, 0, 0}},
		{name: "negative rss clamps to zero", in: ptStatLine(13, "r", "S", 1, 0, 0, 0, 1, 0, 0, -1),
			want: got{13, "r", "S", 1, 0, 0, 0, 1, 0, 0, 0}},
		{name: "exactly 24 fields without newline",
			in:   "5 (z) Z 1 5 5 0 -1 0 0 0 0 0 3 4 0 0 20 0 1 0 77 0 0",
			want: got{5, "z", "Z", 1, 3, 4, 0, 1, 77, 0, 0}},
		{name: "empty", in: "", wantErr: true},
		{name: "no comm", in: "1 bash S 1 2 3", wantErr: true},
		{name: "no pid", in: "(bash) S 1", wantErr: true},
		{name: "pid not a number", in: "x1 (bash) S 1", wantErr: true},
		{name: "truncated after comm", in: "1 (bash)", wantErr: true},
		{name: "truncated at field 10", in: "1 (bash) S 1 1 1 0 -1 0 0", wantErr: true},
		{name: "letters in a field", in: "1 (bash) S 1 1 1 0 -1 0 0 0 0 0 1x 4 0 0 20 0 1 0 77 0 0", wantErr: true},
		{name: "overflowing field", in: "1 (a) S 1 1 1 0 -1 0 0 0 0 0 99999999999999999999999 4 0 0 20 0 1 0 77 0 0", wantErr: true},
		{name: "pid too large", in: ptStatLine(1<<31, "a", "S", 1, 0, 0, 0, 1, 0, 0, 0), wantErr: true},
		{name: "ppid negative", in: "1 (a) S -1 1 1 0 -1 0 0 0 0 0 1 4 0 0 20 0 1 0 77 0 0", wantErr: true},
		{name: "garbage", in: "\x00\xff()(((", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := ParsePIDStat([]byte(tt.in))
			if tt.wantErr {
				if err == nil {
					t.Fatalf("ParsePIDStat(%q) = %+v, want an error", tt.in, s)
				}
				if !errors.Is(err, ErrStatFormat) {
					t.Errorf("ParsePIDStat(%q) error %v does not wrap ErrStatFormat", tt.in, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParsePIDStat(%q): %v", tt.in, err)
			}
			g := got{s.PID, string(s.Comm), string(s.State), s.PPID, s.UTime, s.STime, s.Nice, s.Threads, s.StartTicks, s.VSize, s.RSSPages}
			if diff := cmp.Diff(tt.want, g); diff != "" {
				t.Errorf("ParsePIDStat(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

// Not parallel: AllocsPerRun refuses to run beside parallel tests.
func TestParsePIDStatAllocatesNothing(t *testing.T) {
	b := []byte(ptStatLine(4242, "a) (b", "S", 1, 100, 200, 0, 4, 123456, 1<<30, 9999))
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := ParsePIDStat(b); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("ParsePIDStat allocates %v times per call, want 0", allocs)
	}
}

func FuzzParsePIDStat(f *testing.F) {
	f.Add([]byte(ptStatLine(1, "init", "S", 0, 1, 2, 0, 1, 3, 4, 5)))
	f.Add([]byte(ptStatLine(7, "a) (b", "R", 2, 1, 2, -5, 3, 4, 5, 6)))
	f.Add([]byte("1 (a) S 1 1 1 0 -1 0 0 0 0 0 1 4 0 0 20 0 1 0 77 0 0"))
	f.Add([]byte("1 ("))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := ParsePIDStat(b)
		if err != nil {
			return
		}
		if s.PID < 0 || s.PPID < 0 || s.Threads < 0 {
			t.Errorf("ParsePIDStat(%q) = %+v: negative identifiers", b, s)
		}
		if !bytes.Contains(b, s.Comm) {
			t.Errorf("ParsePIDStat(%q): comm %q is not from the input", b, s.Comm)
		}
	})
}

func TestFormatCmdline(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, comm, want string
	}{
		{"arguments", "/usr/bin/python3\x00-m\x00http.server\x00", "python3", "/usr/bin/python3 -m http.server"},
		{"no trailing NUL", "sleep\x00100", "sleep", "sleep 100"},
		{"kernel thread", "", "kthreadd", "[kthreadd]"},
		{"only NULs", "\x00\x00", "zomb", "[zomb]"},
		{"control characters", "a\nb\tc\rd", "a", "a b c d"},
		{"rewritten title with spaces", "postgres: writer process   ", "postgres", "postgres: writer process   "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := FormatCmdline([]byte(tt.in), tt.comm); got != tt.want {
				t.Errorf("FormatCmdline(%q, %q) = %q, want %q", tt.in, tt.comm, got, tt.want)
			}
		})
	}
}

func TestParseStatusUID(t *testing.T) {
	t.Parallel()
	tests := []scalarCase[uint32]{
		{name: "effective differs from real", in: "Name:\tsudo\nUid:\t1000\t0\t0\t0\nGid:\t0\t0\t0\t0\n", want: 0},
		{name: "first line", in: "Uid:\t33\t33\t33\t33\n", want: 33},
		{name: "largest", in: "Name:\tx\nUid:\t4294967295\t4294967295\t0\t0\n", want: 4294967295},
		{name: "missing", in: "Name:\tx\nGid:\t0\t0\t0\t0\n", wantErr: true},
		{name: "one field", in: "Name:\tx\nUid:\t5\n", wantErr: true},
		{name: "too large", in: "Name:\tx\nUid:\t1\t4294967296\n", wantErr: true},
		{name: "not a number", in: "Name:\tx\nUid:\t1\tme\n", wantErr: true},
		{name: "empty", in: "", wantErr: true},
	}
	testScalarParser(t, "ParseStatusUID", ParseStatusUID, tests)
}

func FuzzParseStatusUID(f *testing.F) {
	f.Add([]byte("Name:\tsudo\nUid:\t1000\t0\t0\t0\n"))
	f.Add([]byte("Uid:"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = ParseStatusUID(b)
	})
}

func TestParseBootTime(t *testing.T) {
	t.Parallel()
	tests := []scalarCase[int64]{
		{name: "stat", in: "cpu  1 2 3 4\nintr 0\nbtime 1764300000\nprocesses 9\n", want: 1764300000},
		{name: "last line without newline", in: "cpu 1\nbtime 12", want: 12},
		{name: "btime-like name is not btime", in: "btimex 5\n", wantErr: true},
		{name: "missing", in: "cpu 1\n", wantErr: true},
		{name: "garbage value", in: "btime soon\n", wantErr: true},
		{name: "empty", in: "", wantErr: true},
	}
	testScalarParser(t, "ParseBootTime", ParseBootTime, tests)
}

func FuzzParseBootTime(f *testing.F) {
	f.Add([]byte("cpu  1 2 3 4\nbtime 1764300000\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if v, err := ParseBootTime(b); err == nil && v < 0 {
			t.Errorf("ParseBootTime(%q) = %d, negative", b, v)
		}
	})
}

func TestParseMemTotal(t *testing.T) {
	t.Parallel()
	tests := []scalarCase[uint64]{
		{name: "kB", in: "MemTotal:       16314668 kB\nMemFree: 1 kB\n", want: 16314668 * 1024},
		{name: "no unit", in: "MemTotal: 2048\n", want: 2048},
		{name: "not first line", in: "X: 1\nMemTotal: 1 kB\n", want: 1024},
		{name: "suffix of another name", in: "HugeMemTotal: 5 kB\n", wantErr: true},
		{name: "missing", in: "MemFree: 1 kB\n", wantErr: true},
		{name: "empty value", in: "MemTotal:\n", wantErr: true},
		{name: "garbage", in: "MemTotal: lots kB\n", wantErr: true},
	}
	testScalarParser(t, "ParseMemTotal", ParseMemTotal, tests)
}

func FuzzParseMemTotal(f *testing.F) {
	f.Add([]byte("MemTotal:       16314668 kB\n"))
	f.Fuzz(func(t *testing.T, b []byte) { _, _ = ParseMemTotal(b) })
}

func TestParseUptime(t *testing.T) {
	t.Parallel()
	tests := []scalarCase[uint64]{
		{name: "kernel format", in: "350735.47 234388.90\n", want: 35073547},
		{name: "one decimal", in: "12.5 1.0\n", want: 1250},
		{name: "more decimals are cut", in: "1.239\n", want: 123},
		{name: "whole", in: "7\n", want: 700},
		{name: "empty", in: "", wantErr: true},
		{name: "garbage", in: "up 5\n", wantErr: true},
		{name: "bad fraction", in: "5.x\n", wantErr: true},
	}
	testScalarParser(t, "ParseUptime", ParseUptime, tests)
}

func FuzzParseUptime(f *testing.F) {
	f.Add([]byte("350735.47 234388.90\n"))
	f.Fuzz(func(t *testing.T, b []byte) { _, _ = ParseUptime(b) })
}

func TestParsePIDIO(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		in          string
		read, write uint64
		wantErr     bool
	}{
		{name: "kernel format", in: "rchar: 5000\nwchar: 600\nsyscr: 10\nsyscw: 5\nread_bytes: 409600\nwrite_bytes: 8192\ncancelled_write_bytes: 0\n", read: 409600, write: 8192},
		{name: "missing write_bytes", in: "read_bytes: 1\n", wantErr: true},
		{name: "bad number", in: "read_bytes: x\nwrite_bytes: 1\n", wantErr: true},
		{name: "empty", in: "", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, w, err := ParsePIDIO([]byte(tt.in))
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParsePIDIO(%q) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			}
			if r != tt.read || w != tt.write {
				t.Errorf("ParsePIDIO(%q) = %d, %d, want %d, %d", tt.in, r, w, tt.read, tt.write)
			}
		})
	}
}

func FuzzParsePIDIO(f *testing.F) {
	f.Add([]byte("rchar: 5000\nread_bytes: 409600\nwrite_bytes: 8192\n"))
	f.Fuzz(func(t *testing.T, b []byte) { _, _, _ = ParsePIDIO(b) })
}

func TestParseSchedstat(t *testing.T) {
	t.Parallel()
	type pair struct{ Runtime, Slices uint64 }
	parse := func(b []byte) (pair, error) {
		r, s, err := ParseSchedstat(b)
		return pair{r, s}, err
	}
	tests := []scalarCase[pair]{
		{name: "kernel line", in: "41736918 2117561 301\n", want: pair{41736918, 301}},
		{name: "no newline", in: "1 2 3", want: pair{1, 3}},
		{name: "schedstats off", in: "0 0 0\n", want: pair{0, 0}},
		{name: "largest", in: "18446744073709551615 0 18446744073709551615\n", want: pair{1<<64 - 1, 1<<64 - 1}},
		{name: "two fields", in: "1 2\n", wantErr: true},
		{name: "four fields", in: "1 2 3 4\n", wantErr: true},
		{name: "overflow", in: "18446744073709551616 0 1\n", wantErr: true},
		{name: "not a number", in: "1 2 x\n", wantErr: true},
		{name: "empty", in: "", wantErr: true},
	}
	testScalarParser(t, "ParseSchedstat", parse, tests)
}

func FuzzParseSchedstat(f *testing.F) {
	f.Add([]byte("41736918 2117561 301\n"))
	f.Add([]byte("0 0 0"))
	f.Fuzz(func(t *testing.T, b []byte) { _, _, _ = ParseSchedstat(b) })
}

func TestParseStatusNSpid(t *testing.T) {
	t.Parallel()
	tests := []scalarCase[int]{
		{name: "own namespace", in: "Name:\tvigia\nNSpid:\t4242\nNSsid:\t1\n", want: 1},
		{name: "host's /proc seen from a container", in: "Name:\tvigia\nNSpid:\t4242\t7\n", want: 2},
		{name: "last line", in: "Name:\tx\nNSpid:\t1\t1\t1", want: 3},
		{name: "old kernel", in: "Name:\tx\nPid:\t5\n", wantErr: true},
		{name: "empty line", in: "Name:\tx\nNSpid:\t\n", wantErr: true},
		{name: "garbage", in: "Name:\tx\nNSpid:\t5 z\n", wantErr: true},
	}
	testScalarParser(t, "ParseStatusNSpid", ParseStatusNSpid, tests)
}

func FuzzParseStatusNSpid(f *testing.F) {
	f.Add([]byte("Name:\tvigia\nNSpid:\t4242\t7\n"))
	f.Fuzz(func(t *testing.T, b []byte) { _, _ = ParseStatusNSpid(b) })
}

func TestParseStatusTgid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		want     int32
		wantErr  bool
	}{
		{name: "kernel", in: "Name:\tbash\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t4242\nNgid:\t0\nPid:\t4243\n", want: 4242},
		{name: "first line", in: "Tgid:\t7\n", want: 7},
		{name: "no newline", in: "Name:\tx\nTgid:\t9", want: 9},
		{name: "missing", in: "Name:\tx\nPid:\t9\n", wantErr: true},
		{name: "not a number", in: "Tgid:\tabc\n", wantErr: true},
		{name: "too big", in: "Tgid:\t4294967296\n", wantErr: true},
		{name: "empty", in: "", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseStatusTgid([]byte(tt.in))
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseStatusTgid(%q) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseStatusTgid(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func FuzzParseStatusTgid(f *testing.F) {
	f.Add([]byte("Name:\tbash\nTgid:\t4242\nPid:\t4243\n"))
	f.Add([]byte("Tgid:\t"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if v, err := ParseStatusTgid(b); err == nil && v < 0 {
			t.Errorf("ParseStatusTgid(%q) = %d, want no negative id", b, v)
		}
	})
}
