package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the zones of the cases, on any machine

	"github.com/vigia-dev/vigia/internal/config"
	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/store"
)

// recordedDB writes an hour of cpu, disk and procs readings ending at now
// into a fresh history database and returns its path and the first
// reading's time.
func recordedDB(t *testing.T, now time.Time) (string, time.Time) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "vigia.db")
	s, err := store.Open(path, store.Options{FlushInterval: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	start := now.Add(-time.Hour).Truncate(time.Minute)
	fs := []reading.Label{{Name: "device", Value: "/dev/sda1"}, {Name: "fstype", Value: "ext4"}, {Name: "mountpoint", Value: "/"}}
	ch := make(chan reading.Reading, 1000)
	for i := range 60 {
		at := start.Add(time.Duration(i) * time.Minute)
		cpu := reading.Reading{Sensor: "cpu", Time: at, Primary: reading.CPUUsage, Status: reading.Normal,
			Metrics: []reading.Metric{{Name: reading.CPUUsage, Value: float64(20 + i%10), Unit: reading.Percent}}}
		if i == 42 {
			cpu.Metrics[0].Value = 99.5
			cpu.Transitions = []reading.Transition{{Rule: "cpu-busy", Sensor: "cpu", Metric: reading.CPUUsage, From: reading.Normal, To: reading.Critical, Time: at, Since: at}}
		}
		if i == 45 {
			cpu.Transitions = []reading.Transition{{Rule: "cpu-busy", Sensor: "cpu", Metric: reading.CPUUsage, From: reading.Critical, To: reading.Normal, Time: at, Since: at.Add(-3 * time.Minute)}}
		}
		disk := reading.Reading{Sensor: "disk", Time: at, Primary: reading.DiskUsedPercent, Metrics: []reading.Metric{
			{Name: reading.DiskUsedPercent, Value: 40, Unit: reading.Percent},
			{Name: reading.FSSize, Labels: fs, Value: 100 << 30, Unit: reading.Bytes},
			{Name: reading.FSFree, Labels: fs, Value: float64(60<<30 - i<<20), Unit: reading.Bytes},
		}}
		procs := reading.Reading{Sensor: reading.SensorProcesses, Time: at, Primary: reading.ProcsCount,
			Metrics:   []reading.Metric{{Name: reading.ProcsCount, Value: 1}},
			Processes: []reading.Process{{PID: 77, Comm: "postgres", Cmdline: "postgres -D /srv", User: "pg", CPUPercent: 50, RSS: 512 << 20, Start: start.Add(-time.Hour)}}}
		ch <- cpu
		ch <- disk
		ch <- procs
	}
	close(ch)
	if err := s.Record(context.Background(), ch); err != nil {
		t.Fatal(err)
	}
	s.Close()
	return path, start
}

// at is a clock fixed at hh:mm on 14 March 2026 in loc.
func at(hh, mm int, loc *time.Location) time.Time { return time.Date(2026, 3, 14, hh, mm, 0, 0, loc) }

// zone loads a time zone from the copy of the database the test carries
// (time/tzdata), so a machine without tzdata runs the same cases.
func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// runIn runs the history or report command in-process, as run would, with
// its clock stopped at now (and times shown in now's zone).
func runIn(t *testing.T, now time.Time, args ...string) (string, string, int) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" },
		now: func() time.Time { return now }}
	cmd := map[string]func(context.Context, *env, []string) error{"history": runHistory, "report": runReport}[args[0]]
	code := exitCode(e, cmd(context.Background(), e, args[1:]))
	return stdout.String(), stderr.String(), code
}

// TestHistoryCommand runs history at hours and in zones where the last two
// hours cross midnight and where they do not: the rows carry the date only
// in the first case, and every time is in the command's zone.
func TestHistoryCommand(t *testing.T) {
	t.Parallel()
	kiritimati := zone(t, "Pacific/Kiritimati") // UTC+14, the first to see a day
	plus1130, minus1130 := time.FixedZone("X", 11*3600+1800), time.FixedZone("Y", -(11*3600+1800))
	tests := []struct {
		name      string
		now       time.Time
		title     string // the range, as the first line shows it
		firstRow  string // the first 10-minute step, start of the hour recorded
		peakAt    string // the step of the 99.5% at start+42m
		crossesTo string // when the range crosses midnight, a row of the new day
	}{
		{"00:30 in Kiritimati", at(0, 30, kiritimati), "2026-03-13 22:30 → 2026-03-14 00:30",
			"2026-03-13 23:30", "2026-03-14 00:10", "2026-03-14 00:00"},
		{"23:59 in Kiritimati", at(23, 59, kiritimati), "2026-03-14 21:59 → 2026-03-14 23:59",
			"22:50", "23:40", ""},
		{"00:30 at UTC+11:30", at(0, 30, plus1130), "2026-03-13 22:30 → 2026-03-14 00:30",
			"2026-03-13 23:30", "2026-03-14 00:10", "2026-03-14 00:00"},
		{"01:59 at UTC-11:30", at(1, 59, minus1130), "2026-03-13 23:59 → 2026-03-14 01:59",
			"2026-03-14 00:50", "2026-03-14 01:40", ""},
		{"12:00 UTC", at(12, 0, time.UTC), "2026-03-14 10:00 → 2026-03-14 12:00",
			"11:00", "11:40", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path, _ := recordedDB(t, tt.now)
			out, errOut, code := runIn(t, tt.now, "history", "--db", path, "--since", "2h", "--metric", "cpu", "--step", "10m")
			if code != 0 {
				t.Fatalf("history exit %d: %s", code, errOut)
			}
			lines := strings.Split(out, "\n")
			if !strings.Contains(lines[0], tt.title) {
				t.Errorf("history title %q, want the range %q", lines[0], tt.title)
			}
			rows := map[string]bool{}
			for _, l := range lines[2:] {
				if f := strings.Fields(l); len(f) == 4 {
					rows[f[0]] = true
				} else if len(f) == 5 {
					rows[f[0]+" "+f[1]] = true
				}
			}
			for _, want := range []string{tt.firstRow, tt.crossesTo} {
				if want != "" && !rows[want] {
					t.Errorf("history has no row at %q:\n%s", want, out)
				}
			}
			if want := "max 99.5% at " + tt.peakAt + "\n"; !strings.Contains(out, want) {
				t.Errorf("history output lacks %q:\n%s", want, out)
			}
		})
	}
}

func TestHistoryCommandModes(t *testing.T) {
	t.Parallel()
	now := at(0, 30, time.UTC)
	path, _ := recordedDB(t, now)
	out, errOut, code := runIn(t, now, "history", "--db", path, "--since", "2h", "--metric", "cpu", "--step", "10m")
	if code != 0 {
		t.Fatalf("history exit %d: %s", code, errOut)
	}
	if strings.ContainsAny(out, "▁█") {
		t.Errorf("history drew a sparkline when not on a terminal:\n%s", out)
	}

	out, _, code = runIn(t, now, "history", "--db", path, "--since", "2h", "--metric", "fs.free{mountpoint=/}", "--json")
	if code != 0 {
		t.Fatalf("history --json exit %d", code)
	}
	var got struct {
		Series []store.SeriesPoints `json:"series"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("history --json: %v\n%s", err, out)
	}
	if len(got.Series) != 1 || got.Series[0].Metric != reading.FSFree || len(got.Series[0].Points) == 0 {
		t.Fatalf("history --json series = %+v", got.Series)
	}

	out, _, _ = runIn(t, now, "history", "--db", path, "--list")
	if !strings.Contains(out, "fs.free{device=/dev/sda1,fstype=ext4,mountpoint=/}") {
		t.Errorf("history --list lacks the fs.free series:\n%s", out)
	}
}

func TestHistoryErrors(t *testing.T) {
	t.Parallel()
	now := at(0, 30, time.UTC)
	path, _ := recordedDB(t, now)
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--since", "soon"}, exitUsage, `--since "soon": want a duration`},
		{[]string{"--from", "25:00"}, exitUsage, `--from: "25:00" is not a time`},
		{[]string{"--since", "1h", "--to", "now"}, exitUsage, "cannot be combined"},
		{[]string{"--metric", "nosuch"}, exitUsage, `metric not recorded: "nosuch"`},
		{[]string{"--metric", "fs.free{mountpoint=/"}, exitUsage, "labels must end with }"},
		{[]string{"--step", "1ms"}, exitUsage, "--step 1ms"},
		{[]string{"extra"}, exitUsage, "no arguments"},
	}
	for _, tt := range tests {
		_, errOut, code := runIn(t, now, append([]string{"history", "--db", path}, tt.args...)...)
		if code != tt.code || !strings.Contains(errOut, tt.want) {
			t.Errorf("history %v: exit %d, stderr %q; want exit %d and %q", tt.args, code, errOut, tt.code, tt.want)
		}
	}
	_, errOut, code := runIn(t, now, "history", "--db", filepath.Join(t.TempDir(), "none.db"))
	if code != exitFailure || !strings.Contains(errOut, "no history recorded yet") {
		t.Errorf("history on a missing database: exit %d, %q", code, errOut)
	}
}

func TestReportCommand(t *testing.T) {
	t.Parallel()
	now := at(0, 30, zone(t, "Pacific/Kiritimati"))
	path, _ := recordedDB(t, now)
	out, errOut, code := runIn(t, now, "report", "--db", path)
	if code != 0 {
		t.Fatalf("report exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		"Report 2026-03-13 00:30 → 2026-03-14 00:30 (24h0m0s)",
		"Peaks", "cpu.usage", "99.5%", "2026-03-14 00:12",
		"cpu-busy", "3m00s",
		"Top processes by CPU time", "postgres", "512 MiB",
		"Filesystems", "/dev/sda1", "+59.0 MiB",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report output lacks %q:\n%s", want, out)
		}
	}
	out, _, code = runIn(t, now, "report", "--db", path, "--since", "2h", "--json")
	var rep store.Report
	if err := json.Unmarshal([]byte(out), &rep); code != 0 || err != nil {
		t.Fatalf("report --json: exit %d, %v", code, err)
	}
	if len(rep.Alerts) != 1 || rep.Alerts[0].Critical != 3*time.Minute {
		t.Errorf("report --json alerts = %+v, want cpu-busy critical for 3m", rep.Alerts)
	}
	_, errOut, code = runIn(t, now, "report", "--db", path, "--from", "x")
	if code != exitUsage || !strings.Contains(errOut, `--from: "x"`) {
		t.Errorf("report --from x: exit %d, %q", code, errOut)
	}
}

func TestOpenRecorder(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	e := &env{stdin: strings.NewReader(""), stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{},
		getenv: func(k string) string { return map[string]string{"XDG_DATA_HOME": dir}[k] }}
	s, err := openRecorder(context.Background(), e, "", config.Store{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "vigia", "vigia.db"); s.Path() != want {
		t.Errorf("default recorder path %q, want %q", s.Path(), want)
	}
	// The same file cannot be recorded twice.
	if _, err := openRecorder(context.Background(), e, "", config.Store{}, nil); !errors.Is(err, store.ErrLocked) {
		t.Errorf("second recorder: %v, want store.ErrLocked", err)
	}
	s.Close()
	flagPath := filepath.Join(dir, "flag.db")
	s, err = openRecorder(context.Background(), e, flagPath, config.Store{Path: filepath.Join(dir, "cfg.db")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.Path() != flagPath {
		t.Errorf("--db lost to the config file: %q", s.Path())
	}
	if got := s.Health().MaxSizeBytes; got != store.DefaultMaxSize {
		t.Errorf("size budget without store.max_size: %d, want the store's default %d", got, store.DefaultMaxSize)
	}
	s.Close()
	s, err = openRecorder(context.Background(), e, flagPath, config.Store{MaxSize: 64 << 20}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Health().MaxSizeBytes; got != 64<<20 {
		t.Errorf("size budget with store.max_size 64MiB: %d", got)
	}
	s.Close()
}

// TestReportAndHistoryInSpanish runs the built binary under a Spanish
// locale, as a user would, and with --lang over an English one.
func TestReportAndHistoryInSpanish(t *testing.T) {
	t.Parallel()
	now := at(0, 30, time.UTC)
	path, _ := recordedDB(t, now)
	// The binary keeps its own clock: the range is given.
	from, to := "--from="+now.Add(-2*time.Hour).Format(time.RFC3339), "--to="+now.Format(time.RFC3339)
	out, errOut, code := vigia(t, []string{"LANG=es_ES.UTF-8"}, "report", "--db", path, from, to)
	if code != 0 {
		t.Fatalf("report exit %d: %s", code, errOut)
	}
	for _, want := range []string{"Informe ", "Picos", "MÉTRICA", "Procesos con más tiempo de CPU", "Sistemas de archivos"} {
		if !strings.Contains(out, want) {
			t.Errorf("Spanish report lacks %q:\n%s", want, out)
		}
	}
	out, errOut, code = vigia(t, nil, "history", "--db", path, from, to, "--step", "10m", "--lang", "es")
	if code != 0 {
		t.Fatalf("history --lang es exit %d: %s", code, errOut)
	}
	for _, want := range []string{", paso 10m0s", "HORA", "MEDIA", "máx 99.5% a las "} {
		if !strings.Contains(out, want) {
			t.Errorf("Spanish history lacks %q:\n%s", want, out)
		}
	}
}
