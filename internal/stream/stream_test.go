package stream

import (
	"bytes"
	"encoding/json"
	"io"
	"math"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/vigia-dev/vigia/internal/golden"
	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/text"
)

var t0 = time.Date(2026, 11, 28, 14, 3, 7, 0, time.UTC)

func fixture() []reading.Reading {
	g := func(name string, v float64, u reading.Unit, labels ...reading.Label) reading.Metric {
		return reading.Metric{Name: name, Value: v, Unit: u, Labels: labels}
	}
	dev := func(d string) reading.Label { return reading.Label{Name: "device", Value: d} }
	return []reading.Reading{
		{Sensor: "cpu", Time: t0, Primary: reading.CPUUsage, Status: reading.Normal,
			Metrics: []reading.Metric{g(reading.CPUUsage, 41.3, reading.Percent), g(reading.CPUCores, 2, reading.None)}},
		{Sensor: "memory", Time: t0.Add(time.Second), Primary: reading.MemUsedPercent, Status: reading.Warning,
			Metrics:     []reading.Metric{g(reading.MemUsedPercent, 75, reading.Percent), g(reading.MemUsed, 6<<30, reading.Bytes), g(reading.MemTotal, 8<<30, reading.Bytes)},
			Transitions: []reading.Transition{{Rule: "memory", Metric: reading.MemUsedPercent, From: reading.Normal, To: reading.Warning, Value: 75, Threshold: 70, Time: t0}}},
		{Sensor: "temperature", Time: t0.Add(2 * time.Second), Note: "no temperature sensors", Status: reading.Normal},
		{Sensor: "temperature", Time: t0.Add(4 * time.Second), Note: "no temperature sensors", Status: reading.Normal},
		{Sensor: "network", Time: t0.Add(3 * time.Second), Primary: reading.NetThroughput, Status: reading.Normal,
			Metrics: []reading.Metric{g(reading.NetThroughput, 2048, reading.BytesPerSecond), g(reading.NetRxBytes, 1536, reading.BytesPerSecond, dev("eth0")), g(reading.NetTxBytes, 512, reading.BytesPerSecond, dev("eth0")), g(reading.NetRxBytes, 1e9, reading.BytesPerSecond, dev("lo"))}},
		{Sensor: "network", Time: t0.Add(5 * time.Second), Primary: reading.NetThroughput, Status: reading.Normal,
			Metrics: []reading.Metric{g(reading.NetThroughput, 1024, reading.BytesPerSecond)}},
		{Sensor: "disk", Time: t0.Add(6 * time.Second), Err: "read overran its 2s deadline", Status: reading.Unknown},
		{Sensor: "cpu", Time: t0.Add(7 * time.Second), Primary: reading.CPUUsage, Status: reading.Critical,
			Metrics: []reading.Metric{g(reading.CPUUsage, 97.25, reading.Percent), g("cpu.nan", math.NaN(), reading.Percent)}},
		{Sensor: "disk", Time: t0.Add(8 * time.Second), Primary: reading.DiskUsedPercent, Status: reading.Warning,
			Metrics: []reading.Metric{g(reading.DiskUsedPercent, 62, reading.Percent)},
			Transitions: []reading.Transition{{Rule: "root_fills", Metric: reading.FSAvail, From: reading.Normal, To: reading.Warning, Value: 1 << 30, Time: t0,
				Message: "fs.avail mountpoint=/ will reach 0 at 17:40 (in 3h37m), falling 4.7 MiB/min"},
				// A rule's facts, which each language puts in its own words.
				{Rule: "root_full", Metric: reading.FSUsedPercent, Labels: []reading.Label{{Name: "mountpoint", Value: "/"}}, From: reading.Normal,
					To: reading.Critical, Value: 93, Threshold: 90, Time: t0, Fact: &reading.Fact{Unit: reading.Percent, For: time.Minute}}}},
	}
}

func TestLinesGolden(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		file  string
		lang  text.Lang
		color bool
	}{{"watch.golden", text.English, false}, {"watch-es.golden", text.Spanish, false}, {"watch-color.golden", text.English, true}} {
		var buf bytes.Buffer
		l := NewLines(&buf, text.For(tc.lang), tc.color, time.UTC)
		l.Full = map[string]float64{reading.NetThroughput: 4096}
		for _, r := range fixture() {
			if err := l.Write(r); err != nil {
				t.Fatal(err)
			}
		}
		golden.Check(t, filepath.Join("testdata", tc.file), buf.Bytes())
	}
}

func TestLinesHaveNoEscapesWithoutColor(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	l := NewLines(&buf, text.For(text.English), false, time.UTC)
	for _, r := range fixture() {
		l.Write(r)
	}
	if bytes.ContainsRune(buf.Bytes(), 0x1b) {
		t.Errorf("output without colour has escape codes:\n%q", buf.String())
	}
}

func TestJSONGolden(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	j := NewJSON(&buf)
	for _, r := range fixture() {
		if err := j.Write(r); err != nil {
			t.Fatalf("Write: %v", err)
		}
	}
	if n := bytes.Count(buf.Bytes(), []byte("\n")); n != len(fixture()) {
		t.Errorf("%d lines for %d readings", n, len(fixture()))
	}
	golden.Check(t, "testdata/readings.jsonl.golden", buf.Bytes())
}

func TestFiniteLeavesInputAlone(t *testing.T) {
	t.Parallel()
	r := fixture()[7] // the cpu reading with a NaN metric
	f := Finite(r)
	if len(r.Metrics) != 2 || len(f.Metrics) != 1 {
		t.Errorf("Finite: input has %d metrics (want 2), output %d (want 1)", len(r.Metrics), len(f.Metrics))
	}
}

// TestLinesPrintable runs names a process, a mount or a rule chose through
// the line stream: nothing of them may reach the terminal as a control.
func TestLinesPrintable(t *testing.T) {
	t.Parallel()
	for _, lang := range []text.Lang{text.English, text.Spanish} {
		for _, color := range []bool{false, true} {
			var buf bytes.Buffer
			l := NewLines(&buf, text.For(lang), color, time.UTC)
			for _, r := range golden.HostileReadings(t0) {
				if err := l.Write(r); err != nil {
					t.Fatal(err)
				}
			}
			out := buf.String()
			if color {
				// The stream's own colours are the only escapes allowed.
				out = ansiColor.ReplaceAllString(out, "")
			}
			golden.Printable(t, "watch lines", out)
			if n := strings.Count(out, "\n"); n != 12 {
				t.Errorf("%d lines, want 12 (6 readings, 6 alert lines): a name broke a line\n%s", n, out)
			}
		}
	}
}

var ansiColor = regexp.MustCompile("\x1b\\[[0-9;]*m")

// TestJSONKeepsHostileNames checks that JSON, which escapes controls itself,
// gives back every control of a hostile name: sanitising is for text
// outputs. Only invalid UTF-8, which JSON cannot carry, comes back as
// U+FFFD, one per byte.
func TestJSONKeepsHostileNames(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	in := golden.HostileReadings(t0)
	j := NewJSON(&buf)
	for _, r := range in {
		if err := j.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	golden.Printable(t, "JSON lines", buf.String())
	dec := json.NewDecoder(&buf)
	for i, want := range in {
		var got reading.Reading
		if err := dec.Decode(&got); err != nil {
			t.Fatalf("reading %d: %v", i, err)
		}
		if diff := cmp.Diff(want, got, cmpopts.EquateEmpty(), cmp.Transformer("json", asJSONString)); diff != "" {
			t.Errorf("reading %d after a JSON round trip (-want +got):\n%s", i, diff)
		}
	}
}

// asJSONString is s as encoding/json carries it: each byte of invalid UTF-8
// replaced by U+FFFD.
func asJSONString(s string) string {
	var b strings.Builder
	for _, r := range s {
		b.WriteRune(r) // ranging yields U+FFFD for each invalid byte
	}
	return b.String()
}

// TestBarOfACount checks that a value with no natural 100 % fills its bar
// against the bound of the rule that watches it, and has no bar without
// one: a bar scaled to the largest value seen is always full and reads as
// 100 % beside NORMAL.
func TestBarOfACount(t *testing.T) {
	t.Parallel()
	procs := reading.Reading{Sensor: reading.SensorProcesses, Time: t0, Primary: reading.ProcsCount, Status: reading.Normal,
		Metrics: []reading.Metric{{Name: reading.ProcsCount, Value: 250}, {Name: reading.ProcsThreads, Value: 400}}}
	tests := []struct {
		name string
		full map[string]float64
		want string
	}{
		{"no rule, no bar", nil, "14:03:07 | Processes                                 250  NORMAL       0 running, 400 threads\n"},
		{"against the rule's bound", map[string]float64{reading.ProcsCount: 1000}, "14:03:07 | Processes    [|||||               ]       250  NORMAL       0 running, 400 threads\n"},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		l := NewLines(&buf, text.For(text.English), false, time.UTC)
		l.Full = tt.full
		for range 2 { // the same line both times: nothing is scaled to what was seen
			buf.Reset()
			if err := l.Write(procs); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, buf.String()); diff != "" {
				t.Errorf("%s: mismatch (-want +got):\n%s", tt.name, diff)
			}
		}
	}
}

func TestProcessesWithoutThreads(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	l := NewLines(&buf, text.For(text.English), false, time.UTC)
	l.Write(reading.Reading{Sensor: reading.SensorProcesses, Time: t0, Primary: reading.ProcsCount,
		Metrics: []reading.Metric{{Name: reading.ProcsCount, Value: 250}}})
	if strings.Contains(buf.String(), "threads") {
		t.Errorf("a count of threads the reading lacks: %q", buf.String())
	}
}

// BenchmarkJSONProcesses encodes the reading `watch --json` writes most
// bytes of: a process table of 1000 rows.
func BenchmarkJSONProcesses(b *testing.B) {
	r := reading.Reading{Sensor: reading.SensorProcesses, Time: t0, Primary: reading.ProcsCount,
		Metrics: []reading.Metric{{Name: reading.ProcsCount, Value: 1000}}}
	for i := range 1000 {
		r.Processes = append(r.Processes, reading.Process{PID: int32(i), PPID: 1, User: "postgres", State: "S", Comm: "postgres",
			Cmdline: "postgres: checkpointer process on /srv/db", CPUPercent: 1.5, RSS: 1 << 24, Threads: 4, Start: t0})
	}
	j := NewJSON(io.Discard)
	b.ReportAllocs()
	for b.Loop() {
		if err := j.Write(r); err != nil {
			b.Fatal(err)
		}
	}
}
