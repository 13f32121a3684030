package metrics

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/prometheus/common/expfmt"

	"github.com/vigia-dev/vigia/internal/golden"
	"github.com/vigia-dev/vigia/internal/reading"
)

var t0 = time.Date(2026, 11, 28, 4, 0, 0, 0, time.UTC)

func lbl(kv ...string) []reading.Label {
	var ls []reading.Label
	for i := 0; i+1 < len(kv); i += 2 {
		ls = append(ls, reading.Label{Name: kv[i], Value: kv[i+1]})
	}
	return ls
}

func counter(name string, v float64, kv ...string) reading.Metric {
	return reading.Metric{Name: name, Labels: lbl(kv...), Value: v, Kind: reading.Counter}
}

func gauge(name string, v float64, unit reading.Unit, kv ...string) reading.Metric {
	return reading.Metric{Name: name, Labels: lbl(kv...), Value: v, Unit: unit}
}

// fixture is one snapshot with every sensor, a failed sensor and a process
// table, as the engine would hand it over.
func fixture() []reading.Reading {
	fs := []string{"device", "/dev/vda1", "fstype", "ext4", "mountpoint", "/"}
	return []reading.Reading{
		{Sensor: reading.SensorCPU, Time: t0, Primary: reading.CPUUsage, Status: reading.Normal, Metrics: []reading.Metric{
			gauge(reading.CPUUsage, 12.5, reading.Percent),
			counter(reading.CPUSecondsTotal, 1234.5, "cpu", "0", "mode", "user"),
			counter(reading.CPUSecondsTotal, 99.25, "cpu", "0", "mode", "idle"),
			counter(reading.CPUSecondsTotal, 1000, "cpu", "1", "mode", "user"),
		}},
		{Sensor: reading.SensorMemory, Time: t0, Status: reading.Warning, Metrics: []reading.Metric{
			gauge(reading.MemUsedPercent, 81, reading.Percent),
			gauge(reading.MemInfo, 4096e6, reading.Bytes, "field", "MemTotal"),
			gauge(reading.MemInfo, 1024e6, reading.Bytes, "field", "MemAvailable"),
			gauge(reading.MemInfo, 2048, reading.Bytes, "field", "Active(anon)"),
			gauge(reading.MemInfo, 0, reading.None, "field", "HugePages_Total"),
			gauge(reading.MemVMStat, 12, reading.None, "field", "pswpin"),
			gauge(reading.MemVMStat, 3, reading.None, "field", "oom_kill"),
			gauge(reading.SwapIn, 49152, reading.BytesPerSecond),
		}},
		{Sensor: reading.SensorLoad, Time: t0, Status: reading.Normal, Metrics: []reading.Metric{
			gauge(reading.Load1, 0.5, reading.None), gauge(reading.Load5, 0.25, reading.None), gauge(reading.Load15, 0.125, reading.None),
			counter(reading.PressureStalledSecondsTotal, 1.5, "kind", "some", "resource", "cpu"),
			counter(reading.PressureStalledSecondsTotal, 2.5, "kind", "full", "resource", "io"),
			counter(reading.PressureStalledSecondsTotal, 3.5, "kind", "some", "resource", "memory"),
			gauge(reading.Pressure, 0.1, reading.Percent, "kind", "some", "resource", "cpu", "window", "avg10"),
		}},
		{Sensor: reading.SensorDisk, Time: t0, Status: reading.Normal, Metrics: []reading.Metric{
			gauge(reading.FSSize, 1e10, reading.Bytes, fs...), gauge(reading.FSFree, 4e9, reading.Bytes, fs...),
			gauge(reading.FSAvail, 3.5e9, reading.Bytes, fs...), gauge(reading.FSFiles, 655360, reading.None, fs...),
			gauge(reading.FSFilesFree, 600000, reading.None, fs...), gauge(reading.FSReadOnly, 0, reading.None, fs...),
			gauge(reading.FSError, 0, reading.None, fs...),
			// A mount point absent under --rootfs is an error to Prometheus.
			gauge(reading.FSError, reading.FSErrAbsent, reading.None, "device", "/dev/vdb1", "fstype", "xfs", "mountpoint", "/backup"),
			counter(reading.DiskReadBytesTotal, 1e6, "device", "vda"), counter(reading.DiskWrittenBytesTotal, 2e6, "device", "vda"),
			counter(reading.DiskReadsTotal, 100, "device", "vda"), counter(reading.DiskWritesTotal, 200, "device", "vda"),
			counter(reading.DiskIOTimeTotal, 1.5, "device", "vda"), counter(reading.DiskReadTimeTotal, 0.5, "device", "vda"),
			counter(reading.DiskWriteTimeTotal, 1, "device", "vda"),
			gauge(reading.DiskReadBytes, 512, reading.BytesPerSecond, "device", "vda"),
		}},
		// Network readings are not exposed as node_network_*: the netdev
		// collector reads those at scrape time (the golden has none).
		{Sensor: reading.SensorNetwork, Time: t0, Status: reading.Normal, Metrics: []reading.Metric{
			counter(reading.NetRxBytesTotal, 1e9, "device", "eth0"), counter(reading.NetTxBytesTotal, 5e8, "device", "eth0"),
			counter(reading.NetRxPacketsTotal, 1e6, "device", "eth0"), counter(reading.NetTxPacketsTotal, 5e5, "device", "eth0"),
			counter(reading.NetRxErrsTotal, 1, "device", "eth0"), counter(reading.NetTxErrsTotal, 2, "device", "eth0"),
			counter(reading.NetRxDropTotal, 3, "device", "eth0"), counter(reading.NetTxDropTotal, 4, "device", "eth0"),
		}},
		// The temperature readings export no node_hwmon_* or node_thermal_zone_*
		// series: the node collectors read those at scrape time.
		{Sensor: reading.SensorTemperature, Time: t0, Status: reading.Normal, Metrics: []reading.Metric{
			gauge(reading.HwmonTemp, 45, reading.Celsius, "chip", "platform_coretemp_0", "chip_name", "coretemp", "label", "Package id 0", "sensor", "temp1"),
			gauge(reading.HwmonTempMax, 80, reading.Celsius, "chip", "platform_coretemp_0", "chip_name", "coretemp", "label", "Package id 0", "sensor", "temp1"),
			gauge(reading.HwmonTempCrit, 100, reading.Celsius, "chip", "platform_coretemp_0", "chip_name", "coretemp", "label", "Package id 0", "sensor", "temp1"),
			gauge(reading.HwmonTemp, 43, reading.Celsius, "chip", "platform_coretemp_0", "chip_name", "coretemp", "label", "Core 0", "sensor", "temp2"),
			gauge(reading.HwmonFan, 1200, reading.RPM, "chip", "platform_thinkpad_hwmon", "chip_name", "thinkpad", "sensor", "fan1"),
			gauge(reading.ThermalZone, 44.5, reading.Celsius, "type", "x86_pkg_temp", "zone", "0"),
		}},
		{Sensor: reading.SensorProcesses, Time: t0, Status: reading.Normal, Metrics: []reading.Metric{gauge(reading.ProcsCount, 3, reading.None)},
			Processes: []reading.Process{
				{PID: 1, Comm: "init", User: "root", CPUPercent: 0.1, CPUTime: 12, RSS: 10 << 20, Threads: 1},
				{PID: 42, Comm: "busy\xff", User: "ana", CPUPercent: 95, CPUTime: 300, RSS: 100 << 20, Threads: 8},
				{PID: 7, Comm: "idle", User: "ana", CPUPercent: 0, CPUTime: 1, RSS: 1 << 20, Threads: 1},
			},
			Exits: &reading.Exits{Watching: true, Taskstats: true, TaskstatsLost: 1, TaskstatsLostTotal: 4, Processes: []reading.ExitedProcess{}}},
		{Sensor: reading.SensorSelf, Time: t0, Err: "sensor stale: no reading for 10s", Metrics: nil},
	}
}

func fixtureHealth() reading.Health {
	return reading.Health{
		Started: t0.Add(-time.Hour), Readings: 3600, QueueLen: 2, QueueCap: 256, QueueDropped: 5, AnalysisOverruns: 1,
		Sensors: []reading.SensorHealth{
			{Name: "cpu", Interval: time.Second, LastRead: t0, LastDuration: 300 * time.Microsecond},
			{Name: "self", Interval: time.Second, LastRead: t0.Add(-10 * time.Second), Stale: true, Restarts: 2, Failures: 3, LastError: "deadline exceeded"},
		},
		Outputs: []reading.OutputHealth{{Name: "server", Buffered: 1, Dropped: 7}},
		Notifiers: []reading.NotifierHealth{
			{Name: "log", Type: "log", Sent: 4},
			{Name: "ops", Type: "webhook", Sent: 2, Failed: 1, Dropped: 3, Suppressed: 5, Queued: 1, LastFailed: t0.Add(-time.Minute)},
		},
		Store: &reading.StoreHealth{BacklogBytes: 4096, Dropped: 2, Written: 3500, Err: "disk full", ErrSince: t0.Add(-30 * time.Second),
			SizeBytes: 120 << 20, MaxSizeBytes: 500 << 20, Evicted: 7},
	}
}

func fixtureOptions() Options {
	return Options{
		Snapshot: fixture,
		Health:   fixtureHealth,
		Alerts: func() []reading.Transition {
			return []reading.Transition{{Rule: "memory-high", Sensor: "memory", Metric: reading.MemUsedPercent, From: reading.Normal, To: reading.Warning, Value: 81, Threshold: 80, Time: t0, Since: t0.Add(-time.Minute)}}
		},
		Rules: func() []string { return []string{"memory-high", "cpu-busy"} },
		AnalysisLatency: func() Histogram {
			return Histogram{Count: 10, Sum: 0.01, Buckets: map[float64]uint64{0.0001: 2, 0.001: 9, 0.01: 10}}
		},
		Stream:       func() StreamClients { return StreamClients{Connected: 3, Refused: 12} },
		TopProcesses: 2,
		Version:      "1.0.0-test", Revision: "3175d29c1e2b4f7a9d0e8c6b5a4f3e2d1c0b9a88", Date: "2026-12-02T05:44:10Z",
	}
}

func TestCollectGolden(t *testing.T) {
	t.Parallel()
	got, err := collectText(New(fixtureOptions()))
	if err != nil {
		t.Fatalf("CollectAndFormat: %v", err)
	}
	golden.Check(t, filepath.Join("testdata", "metrics.golden"), got)
}

// collectText gathers c alone on a private registry in the text format.
func collectText(c *Collector) ([]byte, error) {
	reg := prometheus.NewPedanticRegistry()
	if err := reg.Register(c); err != nil {
		return nil, err
	}
	mfs, err := reg.Gather()
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := expfmt.NewEncoder(&buf, expfmt.NewFormat(expfmt.TypeTextPlain))
	for _, mf := range mfs {
		if err := enc.Encode(mf); err != nil {
			return nil, err
		}
	}
	return buf.Bytes(), nil
}

func TestPromtoolCheckMetrics(t *testing.T) {
	t.Parallel()
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		t.Skip("promtool not installed (Debian package prometheus)")
	}
	srv := httptest.NewServer(Handler(New(fixtureOptions())))
	defer srv.Close()
	body := scrape(t, srv.URL)
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, promtool, "check", "metrics")
	cmd.Stdin = strings.NewReader(body)
	out, err := cmd.CombinedOutput()
	if err == nil {
		return
	}
	if p := lintProblems(string(out)); len(p) > 0 || ctx.Err() != nil {
		t.Errorf("promtool check metrics: %v\n%s", err, strings.Join(p, "\n"))
	}
}

// lintProblems returns promtool's complaints less the one node_exporter
// compatibility forces on us: /proc/meminfo field names keep their case
// (node_memory_MemAvailable_bytes), which promtool calls camelCase. The real
// node_exporter gets the same complaint.
func lintProblems(out string) []string {
	var p []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if line == "" || (strings.HasPrefix(line, "node_memory_") && strings.Contains(line, "camelCase")) {
			continue
		}
		p = append(p, line)
	}
	return p
}

func scrape(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics: %s\n%s", resp.Status, b)
	}
	return string(b)
}

// A duplicate series (a filesystem mounted twice, a collector bug) or a
// sample with the wrong number of labels must not fail the whole scrape.
func TestDuplicateSeriesKeepsScrape(t *testing.T) {
	t.Parallel()
	load1 := &reading.Family{Name: "node_load1", Help: "1m load average.", Type: reading.Gauge}
	load5 := &reading.Family{Name: "node_load5", Help: "5m load average.", Type: reading.Gauge}
	node := func(emit reading.Emit) {
		emit(load1, 1)
		emit(load1, 2)
		emit(load5, 3, "unexpected label value")
		emit(load5, 3)
	}
	srv := httptest.NewServer(Handler(New(Options{Snapshot: func() []reading.Reading { return nil }, Node: node})))
	defer srv.Close()
	body := scrape(t, srv.URL)
	if !strings.Contains(body, "node_load5 3\n") {
		t.Errorf("scrape lost the healthy series:\n%s", body)
	}
}

func TestTopProcessesBounded(t *testing.T) {
	t.Parallel()
	procs := make([]reading.Process, 2000)
	for i := range procs {
		procs[i] = reading.Process{PID: int32(i + 1), Comm: "p", CPUPercent: float64(i % 100), RSS: uint64(i)}
	}
	snap := func() []reading.Reading {
		return []reading.Reading{{Sensor: reading.SensorProcesses, Processes: procs}}
	}
	tests := []struct {
		name string
		top  int
		want int
	}{
		{"off by default", 0, 0},
		{"ten", 10, 10},
		{"negative is off", -1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := testutil.CollectAndCount(New(Options{Snapshot: snap, TopProcesses: tt.top}), "vigia_process_cpu_percent")
			if got != tt.want {
				t.Errorf("vigia_process_cpu_percent series = %d, want %d", got, tt.want)
			}
		})
	}
	out, err := testutil.CollectAndFormat(New(Options{Snapshot: snap, TopProcesses: 1}), expfmt.TypeTextPlain, "vigia_process_cpu_percent")
	if err != nil {
		t.Fatal(err)
	}
	// The busiest is CPU 99 with the most memory: PID 2000.
	if !bytes.Contains(out, []byte(`pid="2000"`)) {
		t.Errorf("top process is not the busiest:\n%s", out)
	}
}

func BenchmarkScrape(b *testing.B) {
	procs := make([]reading.Process, 1000)
	for i := range procs {
		procs[i] = reading.Process{PID: int32(i + 1), Comm: "sleep", CPUPercent: float64(i % 7)}
	}
	base := fixture()
	snap := func() []reading.Reading {
		rs := append([]reading.Reading(nil), base...)
		rs[6].Processes = procs
		return rs
	}
	h := Handler(New(Options{Snapshot: snap, Health: fixtureHealth}))
	req := httptest.NewRequest("GET", "/metrics", nil)
	for b.Loop() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
	}
}

// TestAlertSeriesLabel checks the series label of an alert: its labels in
// one value, with a quote in a mount point escaped so the value cannot end
// early and read as other labels.
func TestAlertSeriesLabel(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		labels []reading.Label
		want   string // the series label as the exposition writes it
	}{
		{"no labels", nil, `series=""`},
		{"one", lbl("mountpoint", "/"), `series="mountpoint=\"/\""`},
		{"two", lbl("cpu", "0", "mode", "user"), `series="cpu=\"0\",mode=\"user\""`},
		{"a quote", lbl("mountpoint", `/mnt/a",b="x`), `series="mountpoint=\"/mnt/a\\\",b=\\\"x\""`},
		{"a backslash and a newline", lbl("mountpoint", "/mnt/a\\b\nc"), `series="mountpoint=\"/mnt/a\\\\b\\nc\""`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			opts := Options{Snapshot: func() []reading.Reading { return nil }, Alerts: func() []reading.Transition {
				return []reading.Transition{{Rule: "disk-full", Sensor: "disk", Metric: reading.FSUsedPercent, Labels: tt.labels, To: reading.Critical}}
			}}
			out, err := testutil.CollectAndFormat(New(opts), expfmt.TypeTextPlain, "vigia_alert_active")
			if err != nil {
				t.Fatal(err)
			}
			want := `vigia_alert_active{metric="fs.used_percent",rule="disk-full",sensor="disk",` + tt.want + `,severity="critical"} 1`
			if !strings.Contains(string(out), want+"\n") {
				t.Errorf("want the line\n%s\nin\n%s", want, out)
			}
		})
	}
}
