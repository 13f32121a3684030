package stream

import (
	"bytes"
	"github.com/vigia-dev/vigia/internal/golden"
	"math"
	"path/filepath"
	"testing"
	"time"

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
				Message: "fs.avail mountpoint=/ will reach 0 at 17:40 (in 3h37m), falling 4.7 MiB/min"}}},
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
