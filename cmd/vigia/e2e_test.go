package main

import (
	"bytes"
	"context"
	"debug/elf"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
)

// vigiaBin is the binary built once for the end-to-end tests, run as a user
// would run it.
var vigiaBin string

func TestMain(m *testing.M) {
	// VIGIA_E2E_BIN names a binary built beforehand, so a test binary built
	// with `go test -c` runs as a user with no Go toolchain or module cache
	// (scripts/nonroot-e2e.sh runs it so as an unprivileged user).
	if bin := os.Getenv("VIGIA_E2E_BIN"); bin != "" {
		vigiaBin = bin
		os.Exit(m.Run())
	}
	dir, err := os.MkdirTemp("", "vigia-e2e")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	vigiaBin = filepath.Join(dir, "vigia")
	build := exec.Command("go", "build", "-o", vigiaBin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building vigia: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// cleanEnv is the environment the binary runs in under test: a fresh home,
// the C locale unless extra says otherwise, and the test's own time zone, so
// the binary and the test agree on what a clock shows whatever TZ is.
func cleanEnv(t *testing.T, extra ...string) []string {
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "LANG=C"}
	if tz, ok := os.LookupEnv("TZ"); ok {
		env = append(env, "TZ="+tz)
	}
	return append(env, extra...)
}

// startPiped starts cmd with start (cmd.Start when nil) and returns its
// standard output; the process is killed and waited for when the test ends.
func startPiped(t *testing.T, cmd *exec.Cmd, start func(*exec.Cmd) error) io.Reader {
	t.Helper()
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if start == nil {
		start = (*exec.Cmd).Start
	}
	if err := start(cmd); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	return out
}

// vigia runs the binary with a clean locale and no colour, and returns its
// stdout, stderr and exit code.
func vigia(t *testing.T, env []string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(vigiaBin, args...)
	cmd.Env = cleanEnv(t, env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running vigia %v: %v", args, err)
	}
	return stdout.String(), stderr.String(), code
}

var watchLine = regexp.MustCompile(`^\d\d:\d\d:\d\d \| (\S+)\s+(?:\[[| ]{20}\]|\s{22})\s+\S+\s?\S*\s+(NORMAL|ALERT|CRITICAL|UNKNOWN)\b`)

// summaryFailed finds a sensor's failed reads in watch's summary.
var summaryFailed = regexp.MustCompile(`(\w+) \d+ \((\d+) failed\)`)

// TestWatchOnThisMachine is the original design's run: two readings of each
// sensor at 200 ms, checked line by line.
func TestWatchOnThisMachine(t *testing.T) {
	t.Parallel()
	start := time.Now()
	out, errOut, code := vigia(t, nil, "watch", "--count", "2", "--interval", "200ms", "--sensors", "cpu,memory,load,disk,network,processes")
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	if d := time.Since(start); d > 15*time.Second {
		t.Errorf("watch --count 2 at 200ms took %v", d)
	}
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if !strings.HasPrefix(lines[0], "vigia ") || !strings.Contains(lines[0], "watching") {
		t.Errorf("first line %q is not the header", lines[0])
	}
	if last := lines[len(lines)-1]; last != "System stopped cleanly" {
		t.Errorf("last line %q, want the clean-stop line", last)
	}
	counts := map[string]int{}
	for _, l := range lines[1:] {
		if m := watchLine.FindStringSubmatch(l); m != nil {
			counts[m[1]]++
		}
	}
	// A read that fails or overruns on a busy machine counts toward
	// --count too; the summary says how many did.
	failed := map[string]int{}
	for _, m := range summaryFailed.FindAllStringSubmatch(lines[len(lines)-2], -1) {
		failed[m[1]], _ = strconv.Atoi(m[2])
	}
	for _, s := range []string{"CPU", "Memory", "Load", "Disk", "Network", "Processes"} {
		if counts[s] > 2 || counts[s]+failed[s] < 2 {
			t.Errorf("%d lines and %d failed reads for %s, want 2 in all\n%s", counts[s], failed[s], s, out)
		}
	}
	if strings.ContainsRune(out, 0x1b) {
		t.Error("colour codes in output that is not a terminal")
	}
}

func TestWatchJSON(t *testing.T) {
	t.Parallel()
	out, errOut, code := vigia(t, nil, "watch", "--json", "--count", "1", "--interval", "200ms", "--sensors", "cpu,memory")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	seen := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var r reading.Reading
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("line %q is not a reading: %v", line, err)
		}
		seen[r.Sensor] = true
		if r.Time.IsZero() || r.Status == reading.Unknown {
			t.Errorf("reading %q lacks time or status", line)
		}
	}
	if !seen["cpu"] || !seen["memory"] {
		t.Errorf("sensors seen %v, want cpu and memory", seen)
	}
}

func TestSpanish(t *testing.T) {
	t.Parallel()
	out, _, code := vigia(t, []string{"LANG=es_ES.UTF-8"}, "watch", "--count", "1", "--interval", "200ms", "--sensors", "memory")
	if code != 0 || !strings.Contains(out, "Sistema detenido correctamente") || !strings.Contains(out, "Memoria") {
		t.Errorf("exit %d, output not in Spanish:\n%s", code, out)
	}
}

// TestInterruptStopsCleanly sends SIGINT as Ctrl-C would: exit 0 within 2 s
// with the summary.
func TestInterruptStopsCleanly(t *testing.T) {
	t.Parallel()
	cmd := exec.Command(vigiaBin, "watch", "--interval", "200ms")
	cmd.Env = cleanEnv(t)
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1500 * time.Millisecond)
	sent := time.Now()
	cmd.Process.Signal(syscall.SIGINT)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("exit after SIGINT: %v", err)
		}
		if d := time.Since(sent); d > 2*time.Second {
			t.Errorf("took %v to stop, want under 2s", d)
		}
	case <-time.After(5 * time.Second):
		cmd.Process.Kill()
		t.Fatal("still running 5s after SIGINT")
	}
	if !strings.Contains(stdout.String(), "Summary:") || !strings.HasSuffix(stdout.String(), "System stopped cleanly\n") {
		t.Errorf("no summary and clean-stop line:\n%s", stdout.String())
	}
}

// TestRuleFlagTakesEveryKind: a process rule given on the command line
// raises its alert in the stream, as it would from the config file. The
// process table is a fixture's: a busy machine's own may take longer to read
// than the interval, and reads that overrun count toward --count.
func TestRuleFlagTakesEveryKind(t *testing.T) {
	t.Parallel()
	root := "../../internal/sensor/testdata/procs-odd"
	out, errOut, code := vigia(t, nil, "watch", "--count", "2", "--interval", "200ms", "--sensors", "processes",
		"--procfs", root+"/proc", "--sysfs", root+"/sys",
		"--rule", "kind=process,check=missing,comm=no-such-daemon,name=daemon_gone,severity=warning")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, `alert daemon_gone: raised — no process named "no-such-daemon" is running (NORMAL → ALERT)`) {
		t.Errorf("no alert line for the missing process:\n%s", out)
	}
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(bad, []byte("rules:\n  - metric: cpu.usgae\n    warning: 70\n"), 0o644)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"watch", "--bogus"}, "flag provided but not defined: -bogus"},
		{[]string{"watch", "--sensors", "cpu,gpu"}, `unknown sensor "gpu"`},
		{[]string{"watch", "--interval", "fast"}, `vigia: --interval: "fast" is not a duration (write it like 30s, 5m or 4h)`},
		{[]string{"watch", "--interval", "1ms"}, "vigia: --interval: 1ms is too short (at least 100ms)"},
		{[]string{"watch", "--interval", "0s"}, "vigia: --interval: 0s is too short (at least 100ms)"},
		{[]string{"watch", "--interval", "2000000h"}, "vigia: --interval: 2000000h is too long (at most 24h)"},
		{[]string{"watch", "--workers", "0"}, "vigia: --workers 0: want 1 to 64"},
		{[]string{"watch", "--count", "many"}, `vigia: --count "many": not a whole number`},
		{[]string{"watch", "--json=maybe"}, `vigia: --json "maybe": want true or false`},
		{[]string{"watch", "--rule", "metric=cpu.usage,warning=1,for=forever"}, `vigia: --rule: rule 1: for: "forever" is not a duration (write it like 30s, 5m or 4h)`},
		{[]string{"alert", "test", "--timeout", "soon"}, `vigia: --timeout: "soon" is not a duration (write it like 30s, 5m or 4h)`},
		{[]string{"watch", "--rule", "metric=cpu.usage,warning=lots"}, `warning: "lots" is not a number`},
		{[]string{"watch", "--rule", "metric=nope,warning=1"}, `vigia: --rule: rule 1: unknown metric "nope"`},
		{[]string{"watch", "--rule", "metric=cpu.usage,warning=1", "--rule", "metric=nope,warning=1"}, `--rule: rule 2: unknown metric "nope"`},
		{[]string{"watch", "--rule", "metric=cpu.usage,warning=1,for=2000000h"}, "--rule: rule 1: for: 2000000h is too long (at most 168h)"},
		{[]string{"watch", "--rule", "kind=trend,metric=fs.avail,within=soon"}, `within: "soon" is not a duration (write it like 30s, 5m or 4h)`},
		{[]string{"watch", "--rule", "kind=rate,metric=cpu.usage,bound=5,warning=1"}, "bound does not apply to a rate rule"},
		{[]string{"watch", "--rule", "colour=red"}, `unknown key "colour"`},
		{[]string{"watch", "--procfs", "/nonexistent"}, `procfs root "/nonexistent"`},
		{[]string{"watch", "--config", bad}, "bad.yaml:2: rule 1: unknown metric"},
		{[]string{"config", "check", bad}, "bad.yaml:2: rule 1: unknown metric"},
		{[]string{"config", "check"}, "usage: vigia config check FILE"},
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
		{[]string{"snapshot", "--top", "-1"}, "--top -1"},
	}
	for _, tt := range tests {
		_, errOut, code := vigia(t, nil, tt.args...)
		if code != 2 {
			t.Errorf("vigia %v: exit %d, want 2", tt.args, code)
		}
		if !strings.Contains(errOut, tt.want) {
			t.Errorf("vigia %v: stderr %q does not say %q", tt.args, errOut, tt.want)
		}
		if strings.Contains(errOut, "panic") || strings.Contains(errOut, "goroutine ") {
			t.Errorf("vigia %v panicked:\n%s", tt.args, errOut)
		}
	}
}

func TestHelpEverywhere(t *testing.T) {
	t.Parallel()
	for _, c := range commands() {
		out, _, code := vigia(t, nil, c.name, "--help")
		if code != 0 || !strings.Contains(out, "Example") {
			t.Errorf("vigia %s --help: exit %d, no examples:\n%s", c.name, code, out)
		}
	}
	out, _, code := vigia(t, nil, "--help")
	if code != 0 || !strings.Contains(out, "Commands:") {
		t.Errorf("vigia --help: exit %d\n%s", code, out)
	}
}

// TestHelpNamesOneDefault checks every flag of every command's --help
// states its default at most once: a flag whose Go default differs from
// the one its text gives shows both.
func TestHelpNamesOneDefault(t *testing.T) {
	t.Parallel()
	for _, c := range commands() {
		out, _, _ := vigia(t, nil, c.name, "--help")
		_, flags, ok := strings.Cut(out, "\nFlags:\n")
		if !ok {
			continue
		}
		// Each flag starts a line with "  -"; its text follows on lines
		// indented further.
		for _, entry := range strings.Split("\n"+flags, "\n  -")[1:] {
			if n := strings.Count(entry, "(default"); n > 1 {
				t.Errorf("vigia %s --help: -%s states %d defaults", c.name, entry, n)
			}
		}
	}
}

// TestConfigCheckExample runs the example of config check's own help on a
// fresh clone: the shipped file passes as it is, with no secret set.
func TestConfigCheckExample(t *testing.T) {
	t.Parallel()
	out, errOut, code := vigia(t, nil, "config", "check", "../../examples/vigia.yaml")
	if code != 0 || !strings.Contains(out, "OK") {
		t.Errorf("vigia config check examples/vigia.yaml: exit %d\n%s%s", code, out, errOut)
	}
}

// TestMissingSecretJudgedAlike runs config check and serve on one file
// whose webhook token is not set: both refuse it, with the same line.
func TestMissingSecretJudgedAlike(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "vigia.yaml")
	in := "notifiers:\n  - name: hook\n    type: webhook\n    url: http://127.0.0.1:9/\n    headers:\n      Authorization: {env: VIGIA_TEST_UNSET_TOKEN}\n"
	if err := os.WriteFile(path, []byte(in), 0o600); err != nil {
		t.Fatal(err)
	}
	want := path + `:6: notifier "hook": header Authorization: environment variable VIGIA_TEST_UNSET_TOKEN is not set or empty`
	for _, args := range [][]string{
		{"config", "check", path},
		{"serve", "--config", path, "--listen", "127.0.0.1:0", "--db", filepath.Join(dir, "v.db")},
		{"watch", "--config", path, "--count", "1"},
	} {
		_, errOut, code := vigia(t, nil, args...)
		if code != exitUsage || !strings.Contains(errOut, want) {
			t.Errorf("vigia %v: exit %d, stderr %q, want exit 2 and %q", args, code, errOut, want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "v.db")); err == nil {
		t.Error("serve refused the file but created its database")
	}
	out, errOut, code := vigia(t, []string{"VIGIA_TEST_UNSET_TOKEN=t0ken"}, "config", "check", path)
	if code != 0 {
		t.Errorf("with the token set: exit %d\n%s%s", code, out, errOut)
	}
}

// TestSnapshotAgainstOtherTools cross-checks values with independent tools
// on this machine: free -b for memory, ps for processes, nproc for cores.
func TestSnapshotAgainstOtherTools(t *testing.T) {
	t.Parallel()
	out, errOut, code := vigia(t, nil, "snapshot", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var rs []reading.Reading
	if err := json.Unmarshal([]byte(out), &rs); err != nil {
		t.Fatalf("snapshot --json: %v", err)
	}
	by := map[string]reading.Reading{}
	for _, r := range rs {
		by[r.Sensor] = r
		if r.Err != "" {
			t.Errorf("sensor %s failed: %s", r.Sensor, r.Err)
		}
	}
	cpu, mem, procs := by["cpu"], by["memory"], by["processes"]
	if cores, _ := cpu.Value(reading.CPUCores); cores != float64(nproc(t)) {
		t.Errorf("cpu.cores = %v, nproc says %d", cores, nproc(t))
	}
	freeOut, err := exec.Command("free", "-b").Output()
	if err != nil {
		t.Skipf("free: %v", err)
	}
	fields := strings.Fields(strings.Split(string(freeOut), "\n")[1])
	total, _ := strconv.ParseFloat(fields[1], 64)
	if got, _ := mem.Value(reading.MemTotal); got != total {
		t.Errorf("memory.total = %v, free -b says %v", got, total)
	}
	psOut, err := exec.Command("ps", "-e", "--no-headers").Output()
	if err != nil {
		t.Skipf("ps: %v", err)
	}
	ps := float64(strings.Count(string(psOut), "\n"))
	if got, _ := procs.Value(reading.ProcsCount); got < ps-20 || got > ps+20 {
		t.Errorf("procs.count = %v, ps -e counts %v", got, ps)
	}
	if len(procs.Processes) == 0 {
		t.Error("snapshot has no process table")
	}
}

func nproc(t *testing.T) int {
	out, err := exec.Command("nproc").Output()
	if err != nil {
		return runtime.NumCPU()
	}
	n, _ := strconv.Atoi(strings.TrimSpace(string(out)))
	return n
}

// TestBinaryIsStatic checks the promise of the README: the binary built as
// it says needs no dynamic loader, so it runs in any container.
func TestBinaryIsStatic(t *testing.T) {
	t.Parallel()
	f, err := elf.Open(vigiaBin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Fatal("the binary asks for a dynamic loader (PT_INTERP): it is not static")
		}
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		t.Errorf("the binary links %v", libs)
	}
}

// TestPlainVigiaWhenPiped: without a terminal, plain `vigia` is `vigia watch`.
func TestPlainVigiaWhenPiped(t *testing.T) {
	t.Parallel()
	out, errOut, code := vigia(t, nil, "--count", "1", "--interval", "200ms", "--sensors", "memory")
	if code != 0 || !strings.Contains(out, "watching Memory") || !watchLine.MatchString(strings.Split(out, "\n")[1]) {
		t.Errorf("plain vigia, piped: exit %d\n%s%s", code, out, errOut)
	}
}

func TestVersionFlag(t *testing.T) {
	t.Parallel()
	for _, arg := range []string{"version", "--version", "-V"} {
		out, _, code := vigia(t, nil, arg)
		if code != 0 || !strings.HasPrefix(out, "vigia "+version+" (go") {
			t.Errorf("vigia %s: exit %d, %q", arg, code, out)
		}
	}
}

// TestWatchCountEndsWithAFailingSensor runs watch --count on a /proc with
// no loadavg: the load sensor fails every read, and its failed reads count
// toward --count, so watch ends and says how many failed.
func TestWatchCountEndsWithAFailingSensor(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	for _, dir := range []string{"proc", "sys"} {
		if err := os.Mkdir(filepath.Join(root, dir), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"stat", "meminfo"} {
		b, err := os.ReadFile(filepath.Join("../../internal/sensor/testdata/old-kernel/proc", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, "proc", name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, vigiaBin, "watch", "--procfs", filepath.Join(root, "proc"), "--sysfs", filepath.Join(root, "sys"),
		"--sensors", "memory,load", "--interval", "100ms", "--count", "3")
	cmd.Env = []string{"HOME=" + t.TempDir(), "LANG=C"}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("watch --count 3 with a failing sensor: %v (a timeout means it never ended)\n%s%s", err, stdout.String(), stderr.String())
	}
	summary := regexp.MustCompile(`(?m)^Summary: Memory 3, Load 0 \((\d+) failed\) readings`).FindStringSubmatch(stdout.String())
	if summary == nil {
		t.Fatalf("no summary with the failed reads:\n%s", stdout.String())
	}
	if n, _ := strconv.Atoi(summary[1]); n < 3 {
		t.Errorf("summary says %s failed reads of load, want at least 3:\n%s", summary[1], stdout.String())
	}
}
