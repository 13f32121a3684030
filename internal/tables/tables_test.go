package tables

import (
	"bytes"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigia-dev/vigia/internal/golden"
	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/store"
	"github.com/vigia-dev/vigia/internal/text"
)

// zone is three hours behind UTC all year, so the fixtures' times are
// shown in a zone other than the machine's and the cases' midnight is
// fixed.
var zone = time.FixedZone("-03", -3*3600)

// t0 is 22:00 in zone: a range of three hours from it crosses a midnight.
var t0 = time.Date(2026, 11, 28, 22, 0, 0, 0, zone)

func series() []store.SeriesPoints {
	cpu := store.SeriesPoints{SeriesInfo: store.SeriesInfo{Sensor: "cpu", Metric: reading.CPUUsage, Unit: reading.Percent}}
	for i := range 90 {
		v := 20 + float64(i%30)
		cpu.Points = append(cpu.Points, store.Point{Time: t0.Add(time.Duration(i) * 2 * time.Minute), Min: v - 5, Mean: v, Max: v + 5, Count: 1 + i%3})
	}
	fs := store.SeriesPoints{SeriesInfo: store.SeriesInfo{Sensor: "disk", Metric: reading.FSAvail, Unit: reading.Bytes,
		Labels: []reading.Label{{Name: "mountpoint", Value: "/srv/data"}}}}
	for i := range 3 {
		fs.Points = append(fs.Points, store.Point{Time: t0.Add(time.Duration(i) * time.Hour), Min: 1 << 30, Mean: 1.5 * (1 << 30), Max: float64(2+i) * (1 << 30), Count: 60})
	}
	empty := store.SeriesPoints{SeriesInfo: store.SeriesInfo{Sensor: "load", Metric: reading.Load1}}
	return []store.SeriesPoints{cpu, fs, empty}
}

func report() *store.Report {
	return &store.Report{
		From: t0, To: t0.Add(3*time.Hour + 20*time.Second),
		Peaks: []store.Peak{
			{Sensor: "cpu", Metric: reading.CPUUsage, Unit: reading.Percent, Max: 99.5, At: t0.Add(125 * time.Minute), Mean: 31.25},
			{Sensor: "a-sensor-with-a-long-name", Metric: "a.metric.with.a.very.long.name", Max: 12, At: t0, Mean: 3},
		},
		Alerts: []store.AlertTime{
			{Rule: "cpu-busy", Sensor: "cpu", Metric: reading.CPUUsage, Warning: 90 * time.Second, Critical: 3*time.Minute + 5*time.Second, Raised: 2, Active: reading.Normal},
			{Rule: "root_full", Sensor: "disk", Metric: reading.FSUsedPercent, Labels: []reading.Label{{Name: "mountpoint", Value: "/"}},
				Warning: 2*time.Hour + 3*time.Minute, Raised: 1, Active: reading.Critical},
		},
		TopCPU:      []store.ProcUsage{{PID: 77, Comm: "postgres", User: "pg", Cmdline: "postgres -D /srv", CPUSeconds: 3725, PeakRSS: 512 << 20}},
		TopMemory:   []store.ProcUsage{{PID: 1234567, Comm: "日本語のプロセス名前", User: "a-very-long-user", Cmdline: strings.Repeat("x", 80), CPUSeconds: 0.4, PeakRSS: 3 << 30}},
		Started:     12,
		Exited:      3,
		ExitedList:  []store.ProcLife{{PID: 900, Comm: "make", User: "root", Start: t0.Add(time.Minute), End: t0.Add(5 * time.Minute), Lifetime: 4 * time.Minute, PeakRSS: 40 << 20}},
		StartedList: []store.ProcLife{{PID: 901, Comm: "sleep", User: "root", Start: t0.Add(2 * time.Hour), PeakRSS: 1 << 20}},
		Exits: store.Exits{Count: 340, CPUSeconds: 61.25, Unlisted: 320, Lost: 2, Processes: []reading.ExitedProcess{
			{PID: 5000, PPID: 900, Comm: "cc1", Cmdline: "cc1 -O2 main.c", Start: t0.Add(2 * time.Minute), Exit: t0.Add(2*time.Minute + 40*time.Second),
				Lifetime: 40, CPUTime: 38.5, ReadBytes: 3 << 20, WriteBytes: 1 << 20, Final: true},
			{PID: 5100, PPID: 1, Comm: "crash\x1b[2Jer", Cmdline: "./crasher\x07", Exit: t0.Add(3 * time.Minute), Lifetime: 0.2, CPUTime: 0.01,
				Signal: 11, CoreDumped: true},
		}},
		Events: []reading.Event{
			{Time: t0.Add(30 * time.Minute), Kind: reading.EventThrottled, Cgroup: "/system.slice/nginx.service", Unit: "nginx.service", Count: 20, Value: 1.2},
			{Time: t0.Add(31 * time.Minute), Kind: reading.EventOOMKill, PID: 4242, Comm: "nginx", Cgroup: "/system.slice/nginx.service", Unit: "nginx.service", Count: 1},
		},
		EventCount: 5,
		Disks: []store.DiskGrowth{
			{Mountpoint: "/", Device: "/dev/sda1", Size: 100 << 30, StartUsed: 40 << 30, EndUsed: 41 << 30, Growth: 1 << 30},
			{Mountpoint: "/home", Device: "/dev/sda2", Size: 200 << 30, StartUsed: 50 << 30, EndUsed: 49 << 30, Growth: -1 << 30},
		},
	}
}

// TestGolden writes the history tables (on a terminal and not), the list
// of series and the report, full and empty, in both languages.
func TestGolden(t *testing.T) {
	t.Parallel()
	r := store.Range{From: t0, To: t0.Add(3 * time.Hour)}
	for file, lang := range map[string]text.Lang{"en.golden": text.English, "es.golden": text.Spanish} {
		tx := text.For(lang)
		var b bytes.Buffer
		History(&b, tx, series(), r, 2*time.Minute, false, zone)
		b.WriteString("--- terminal, step under a minute, within a day\n")
		History(&b, tx, series()[:1], store.Range{From: t0, To: t0.Add(time.Hour)}, 30*time.Second, true, zone)
		b.WriteString("--- list\n")
		List(&b, tx, []store.SeriesInfo{series()[0].SeriesInfo, series()[1].SeriesInfo})
		List(&b, tx, nil)
		b.WriteString("--- report\n")
		Report(&b, tx, report(), zone)
		b.WriteString("--- empty report\n")
		Report(&b, tx, &store.Report{From: t0, To: t0.Add(24 * time.Hour)}, zone)
		golden.Check(t, filepath.Join("testdata", file), b.Bytes())
	}
}

// TestTimesInTheZoneGiven shows one report in two zones: only the zone
// passed in moves its times.
func TestTimesInTheZoneGiven(t *testing.T) {
	t.Parallel()
	var utc, local strings.Builder
	Report(&utc, text.For(text.English), report(), time.UTC)
	Report(&local, text.For(text.English), report(), zone)
	if !strings.Contains(utc.String(), "2026-11-29 01:00") || !strings.Contains(local.String(), "2026-11-28 22:00") {
		t.Errorf("report times not in the zone given:\nUTC:\n%s\n-03:\n%s", utc.String(), local.String())
	}
}

func TestSparkline(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		vals  []float64
		width int
		want  string
	}{
		{"rising", []float64{0, 1, 2, 3, 4, 5, 6, 7}, 60, "▁▂▃▄▅▆▇█"},
		{"flat", []float64{5, 5, 5}, 60, "▁▁▁"},
		{"folded to the width", []float64{0, 0, 7, 7}, 2, "▁█"},
		{"infinities stay in the bars", []float64{math.Inf(-1), 0, math.Inf(1)}, 60, "▁▁▁"},
	}
	for _, tt := range tests {
		if got := sparkline(tt.vals, tt.width); got != tt.want {
			t.Errorf("%s: sparkline(%v, %d) = %q, want %q", tt.name, tt.vals, tt.width, got, tt.want)
		}
	}
}
