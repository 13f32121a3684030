package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vigia-dev/vigia/internal/golden"
	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/store"
	"github.com/vigia-dev/vigia/internal/stream"
	"github.com/vigia-dev/vigia/internal/text"
)

// TestSnapshotTextPrintable runs names a process, a mount or a rule chose
// through snapshot's text: its lines, metric list and process table.
func TestSnapshotTextPrintable(t *testing.T) {
	t.Parallel()
	for _, lang := range []text.Lang{text.English, text.Spanish} {
		var b strings.Builder
		s := &setup{text: text.For(lang)}
		lines := stream.NewLines(&b, s.text, false, time.UTC)
		for _, r := range golden.HostileReadings(time.Unix(0, 0)) {
			if err := lines.Write(r); err != nil {
				t.Fatal(err)
			}
			writeMetrics(&b, r)
			if len(r.Processes) > 0 {
				writeTopProcesses(&b, s, r.Processes, 100)
			}
		}
		golden.Printable(t, "snapshot", b.String())
	}
}

// hostileDB records the hostile readings a few times over the last hour,
// alerts included, and returns the database's path.
func hostileDB(t *testing.T, now time.Time) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "vigia.db")
	s, err := store.Open(path, store.Options{FlushInterval: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ch := make(chan reading.Reading, 100)
	start := now.Add(-time.Hour)
	for i := range 5 {
		for _, r := range golden.HostileReadings(start.Add(time.Duration(i) * time.Minute)) {
			if i%2 == 1 {
				r.Transitions = nil
			}
			ch <- r
		}
	}
	close(ch)
	if err := s.Record(context.Background(), ch); err != nil {
		t.Fatal(err)
	}
	s.Close()
	return path
}

// TestReportAndHistoryPrintable runs recorded hostile names, labels, rule
// names and alert messages through report's tables and history's listing
// and series.
func TestReportAndHistoryPrintable(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 14, 15, 0, 0, 0, time.UTC)
	path := hostileDB(t, now)
	for _, args := range [][]string{
		{"report", "--db", path, "--since", "2h"},
		{"history", "--db", path, "--list"},
		{"history", "--db", path, "--since", "2h", "--metric", "fs.avail"},
		{"history", "--db", path, "--since", "2h", "--metric", "disk.read_bytes"},
	} {
		out, errOut, code := runIn(t, now, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
		if len(out) < 100 {
			t.Errorf("%v: too little output to prove anything:\n%s", args, out)
		}
		golden.Printable(t, strings.Join(args[:1], " "), out)
		golden.Printable(t, strings.Join(args[:1], " ")+" stderr", errOut)
	}
}

// TestReportColumnsAligned checks that a long or wide name is cut to its
// column so the columns after it stay in line.
func TestReportColumnsAligned(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	rep := &store.Report{From: at, To: at.Add(time.Hour), Started: 3}
	for _, comm := range []string{"sh", "a-process-with-a-very-long-name", "日本語のプロセス名前", "café"} {
		rep.TopCPU = append(rep.TopCPU, store.ProcUsage{PID: 42, Comm: comm, User: comm, Cmdline: comm, CPUSeconds: 61, PeakRSS: 1 << 20})
	}
	var b strings.Builder
	writeReport(&b, text.For(text.English), rep, time.UTC)
	col := -1
	for _, line := range strings.Split(b.String(), "\n") {
		if !strings.HasPrefix(line, "       42  ") {
			continue
		}
		// The CPU TIME column ends where "1m01s" ends.
		i := strings.Index(line, "1m01s")
		if i < 0 {
			t.Fatalf("no CPU time in %q", line)
		}
		c := text.Width(line[:i])
		if col >= 0 && c != col {
			t.Errorf("CPU TIME at cell %d, want %d, in:\n%s", c, col, b.String())
		}
		col = c
	}
	if col < 0 {
		t.Fatalf("no process rows:\n%s", b.String())
	}
}

// TestSnapshotOfHostileProcess starts a real process whose command line
// and comm hold escape sequences and runs the built binary's snapshot over
// the machine: the text is printable, and the JSON gives the names back
// exactly.
func TestSnapshotOfHostileProcess(t *testing.T) {
	t.Parallel()
	// The kernel names a process (comm) after the file it runs, and only
	// the process itself may rename it: run sleep through a link named
	// with escapes, under an argv[0] of more escapes.
	const comm = "\x1b[2J\acomm"
	sleep, err := exec.LookPath("sleep")
	if err != nil {
		t.Skip("no sleep")
	}
	link := filepath.Join(t.TempDir(), comm)
	if err := os.Symlink(sleep, link); err != nil {
		t.Fatal(err)
	}
	argv0 := "\x1b]0;owned\a\x1b[2J\u009b31m"
	cmd := exec.Command("bash", "-c", `exec -a "$1" "$2" 30`, "bash", argv0, link)
	if err := cmd.Start(); err != nil {
		t.Skipf("bash: %v", err)
	}
	pid := cmd.Process.Pid
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	var want string
	for range 200 { // until bash has exec'd sleep
		b, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
		if want = strings.ReplaceAll(strings.TrimSuffix(string(b), "\x00"), "\x00", " "); strings.HasPrefix(want, argv0) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if !strings.HasPrefix(want, argv0) {
		t.Fatalf("the process's cmdline is %q", want)
	}

	out, errOut, code := vigia(t, nil, "snapshot", "--sensors", "processes", "--top", "100000")
	if code != 0 {
		t.Fatalf("snapshot exit %d: %s", code, errOut)
	}
	golden.Printable(t, "snapshot", out)
	if !strings.Contains(out, " "+text.Printable(argv0)+" 30") {
		t.Errorf("snapshot does not show the process as %q:\n%s", text.Printable(argv0), out)
	}

	out, errOut, code = vigia(t, nil, "snapshot", "--sensors", "processes", "--json")
	if code != 0 {
		t.Fatalf("snapshot --json exit %d: %s", code, errOut)
	}
	golden.Printable(t, "snapshot --json", out)
	var rs []reading.Reading
	if err := json.Unmarshal([]byte(out), &rs); err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		for _, p := range r.Processes {
			if int(p.PID) == pid {
				if p.Cmdline != want || p.Comm != comm {
					t.Errorf("JSON gives cmdline %q comm %q, want %q and %q", p.Cmdline, p.Comm, want, comm)
				}
				return
			}
		}
	}
	t.Errorf("process %d not in snapshot --json", pid)
}
