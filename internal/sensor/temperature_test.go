package sensor

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

// machineFS returns an FS over testdata/<machine>/{proc,sys}.
func machineFS(t testing.TB, machine string) procfs.FS {
	t.Helper()
	root := filepath.Join("testdata", machine)
	fs, err := procfs.NewFS(filepath.Join(root, "proc"), filepath.Join(root, "sys"))
	if err != nil {
		t.Fatal(err)
	}
	return fs
}

// metricLines renders a reading's metrics one a line, name{labels} value
// unit, so a whole reading compares readably with cmp.Diff.
func metricLines(r reading.Reading) []string {
	var out []string
	for _, m := range r.Metrics {
		var b strings.Builder
		b.WriteString(m.Name)
		if len(m.Labels) > 0 {
			b.WriteByte('{')
			for i, l := range m.Labels {
				if i > 0 {
					b.WriteByte(',')
				}
				fmt.Fprintf(&b, "%s=%q", l.Name, l.Value)
			}
			b.WriteByte('}')
		}
		fmt.Fprintf(&b, " %g", m.Value)
		if m.Unit != "" {
			fmt.Fprintf(&b, " %s", m.Unit)
		}
		if m.Kind == reading.Counter {
			b.WriteString(" counter")
		}
		out = append(out, b.String())
	}
	return out
}

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func TestTemperatureLaptop(t *testing.T) {
	t.Parallel()
	s := NewTemperature(machineFS(t, "hwmon-laptop"))
	if s.Name() != reading.SensorTemperature {
		t.Errorf("Name() = %q", s.Name())
	}
	r, err := s.Read(context.Background(), t0)
	if err != nil {
		t.Fatal(err)
	}
	if r.Sensor != reading.SensorTemperature || !r.Time.Equal(t0) || r.Primary != reading.TempMax || r.Note != "" {
		t.Errorf("reading header = %q %v primary %q note %q", r.Sensor, r.Time, r.Primary, r.Note)
	}
	want := []string{
		`temperature.max 63.5 °C`,
		`hwmon.chip{chip="thermal_thermal_zone0",chip_name="acpitz"} 1`,
		`hwmon.temp{chip="thermal_thermal_zone0",chip_name="acpitz",sensor="temp1"} -5 °C`,
		`hwmon.chip{chip="nvme_nvme0",chip_name="nvme"} 2`,
		`hwmon.temp{chip="nvme_nvme0",chip_name="nvme",label="Composite",sensor="temp1"} 38.85 °C`,
		`hwmon.temp_max{chip="nvme_nvme0",chip_name="nvme",label="Composite",sensor="temp1"} 81.85 °C`,
		`hwmon.temp_crit{chip="nvme_nvme0",chip_name="nvme",label="Composite",sensor="temp1"} 84.85 °C`,
		`hwmon.temp{chip="nvme_nvme0",chip_name="nvme",label="Sensor 1",sensor="temp2"} 38.85 °C`,
		`hwmon.temp_max{chip="nvme_nvme0",chip_name="nvme",label="Sensor 1",sensor="temp2"} 65261.85 °C`,
		`hwmon.chip{chip="hwmon2"} 1`,
		`hwmon.temp{chip="hwmon2",sensor="temp1"} 30 °C`,
		`hwmon.chip{chip="platform_coretemp_0",chip_name="coretemp"} 3`,
		`hwmon.temp{chip="platform_coretemp_0",chip_name="coretemp",label="Package id 0",sensor="temp1"} 61 °C`,
		`hwmon.temp_max{chip="platform_coretemp_0",chip_name="coretemp",label="Package id 0",sensor="temp1"} 100 °C`,
		`hwmon.temp_crit{chip="platform_coretemp_0",chip_name="coretemp",label="Package id 0",sensor="temp1"} 100 °C`,
		`hwmon.temp{chip="platform_coretemp_0",chip_name="coretemp",label="Core 0",sensor="temp2"} 58 °C`,
		`hwmon.temp_max{chip="platform_coretemp_0",chip_name="coretemp",label="Core 0",sensor="temp2"} 100 °C`,
		`hwmon.temp_crit{chip="platform_coretemp_0",chip_name="coretemp",label="Core 0",sensor="temp2"} 100 °C`,
		`hwmon.temp{chip="platform_coretemp_0",chip_name="coretemp",label="Core 1",sensor="temp3"} 63.5 °C`,
		`hwmon.temp_max{chip="platform_coretemp_0",chip_name="coretemp",label="Core 1",sensor="temp3"} 100 °C`,
		`hwmon.temp_crit{chip="platform_coretemp_0",chip_name="coretemp",label="Core 1",sensor="temp3"} 100 °C`,
		`hwmon.chip{chip="pci0000:00_0000:00:18_3",chip_name="k10temp"} 1`,
		`hwmon.temp{chip="pci0000:00_0000:00:18_3",chip_name="k10temp",label="Tctl",sensor="temp1"} 49.875 °C`,
		`hwmon.temp_max{chip="pci0000:00_0000:00:18_3",chip_name="k10temp",label="Tctl",sensor="temp1"} 70 °C`,
		`hwmon.chip{chip="platform_thinkpad_hwmon",chip_name="thinkpad"} 3`,
		`hwmon.fan{chip="platform_thinkpad_hwmon",chip_name="thinkpad",label="CPU fan",sensor="fan1"} 2951 rpm`,
		`hwmon.fan{chip="platform_thinkpad_hwmon",chip_name="thinkpad",sensor="fan2"} 0 rpm`,
		`hwmon.temp{chip="platform_thinkpad_hwmon",chip_name="thinkpad",sensor="temp1"} 45 °C`,
		`thermal.zone{type="acpitz",zone="0"} -5 °C`,
		`thermal.zone{type="x86_pkg_temp",zone="1"} 62 °C`,
		`thermal.zone{type="pch_cannonlake",zone="2"} 47.5 °C`,
	}
	if diff := cmp.Diff(want, metricLines(r)); diff != "" {
		t.Errorf("Read() metrics mismatch (-want +got):\n%s", diff)
	}
	if m, ok := r.PrimaryMetric(); !ok || m.Value != 63.5 {
		t.Errorf("PrimaryMetric() = %v, %v; want the hottest core, 63.5", m, ok)
	}
	if err := s.Probe(); err != nil {
		t.Errorf("Probe() = %v, want nil", err)
	}
}

// TestTemperatureSharedParent reads chips that share a parent device and
// chips with no temperature or fan channel: every channel keeps its own
// series and every chip is named.
func TestTemperatureSharedParent(t *testing.T) {
	t.Parallel()
	r, err := NewTemperature(machineFS(t, "hwmon-shared-parent")).Read(context.Background(), t0)
	if err != nil {
		t.Fatal(err)
	}
	cmlGolden(t, "temperature-hwmon-shared-parent", cmlText(r))
	seen := map[string]bool{}
	for _, m := range r.Metrics {
		if m.Name != reading.HwmonTemp && m.Name != reading.HwmonFan && m.Name != reading.HwmonChip {
			continue
		}
		k := m.Name + " " + m.Label("chip") + " " + m.Label("sensor")
		if seen[k] {
			t.Errorf("two series for %s", k)
		}
		seen[k] = true
	}
}

func TestTemperatureNoSensors(t *testing.T) {
	t.Parallel()
	s := NewTemperature(machineFS(t, "no-sensors"))
	r, err := s.Read(context.Background(), t0)
	if err != nil {
		t.Fatalf("Read() on a machine without sensors: %v, want no error", err)
	}
	want := reading.Reading{Sensor: reading.SensorTemperature, Time: t0, Note: "no temperature sensors"}
	if diff := cmp.Diff(want, r); diff != "" {
		t.Errorf("Read() mismatch (-want +got):\n%s", diff)
	}
	if err := s.Probe(); !errors.Is(err, ErrNoSensors) {
		t.Errorf("Probe() = %v, want ErrNoSensors", err)
	}
}

func TestTemperatureRescan(t *testing.T) {
	t.Parallel()
	root, fs := copyMachine(t, "hwmon-laptop")
	s := NewTemperature(fs)
	ctx := context.Background()
	value := func(r reading.Reading, chip, sensor string) (float64, bool) {
		for _, m := range r.Metrics {
			if m.Name == reading.HwmonTemp && m.Label("chip") == chip && m.Label("sensor") == sensor {
				return m.Value, true
			}
		}
		return 0, false
	}
	if _, err := s.Read(ctx, t0); err != nil {
		t.Fatal(err)
	}
	core := filepath.Join(root, "sys/devices/platform/coretemp.0/hwmon/hwmon3")
	k10 := filepath.Join(root, "sys/devices/pci0000:00/0000:00:18.3/hwmon/hwmon4")
	// Values move between scans.
	writeFile(t, filepath.Join(core, "temp3_input"), "91000\n")
	r, err := s.Read(ctx, t0.Add(2*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := value(r, "platform_coretemp_0", "temp3"); v != 91 {
		t.Errorf("Core 1 after its value changed = %v, want 91", v)
	}
	if v, _ := r.Value(reading.TempMax); v != 91 {
		t.Errorf("hottest = %v, want 91", v)
	}
	// A chip leaves: it is gone from the next reading, and the one after
	// that comes from a new scan.
	if err := os.RemoveAll(k10); err != nil {
		t.Fatal(err)
	}
	r, err = s.Read(ctx, t0.Add(4*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := value(r, "pci0000:00_0000:00:18_3", "temp1"); ok {
		t.Error("a removed chip is still reported")
	}
	if !s.rescan {
		t.Error("a vanished input file did not ask for a rescan")
	}
	// A new channel appears: seen after the next scan only.
	writeFile(t, filepath.Join(core, "temp4_input"), "40000\n")
	writeFile(t, filepath.Join(core, "temp4_label"), "Core 2\n")
	if r, err = s.Read(ctx, t0.Add(6*time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, ok := value(r, "platform_coretemp_0", "temp4"); !ok {
		t.Error("the rescan after a removal did not find the new channel")
	}
	writeFile(t, filepath.Join(core, "temp5_input"), "40000\n")
	if r, err = s.Read(ctx, t0.Add(8*time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, ok := value(r, "platform_coretemp_0", "temp5"); ok {
		t.Error("a new channel was found before the rescan interval")
	}
	if r, err = s.Read(ctx, t0.Add(6*time.Second+TemperatureRescan)); err != nil {
		t.Fatal(err)
	}
	if _, ok := value(r, "platform_coretemp_0", "temp5"); !ok {
		t.Error("a new channel was not found after the rescan interval")
	}
}

func TestTemperatureReading(t *testing.T) {
	t.Parallel()
	chip := func(temps ...float64) procfs.HwmonChip {
		c := procfs.HwmonChip{Chip: "c"}
		for i, v := range temps {
			c.Sensors = append(c.Sensors, procfs.HwmonSensor{Type: "temp", Num: i + 1, Input: v})
		}
		return c
	}
	tests := []struct {
		name        string
		in          thermalSample
		wantPrimary string
		wantMax     float64
	}{
		{name: "implausible probes never become the hottest", in: thermalSample{chips: []procfs.HwmonChip{chip(127, 41, -128, 255)}}, wantPrimary: reading.TempMax, wantMax: 41},
		{name: "a thermal zone can be the hottest", in: thermalSample{chips: []procfs.HwmonChip{chip(41)}, zones: []procfs.ThermalZone{{Zone: "0", Type: "x", Temp: 88}}}, wantPrimary: reading.TempMax, wantMax: 88},
		{name: "below zero", in: thermalSample{chips: []procfs.HwmonChip{chip(-12, -3)}}, wantPrimary: reading.TempMax, wantMax: -3},
		{name: "only fans: no primary", in: thermalSample{chips: []procfs.HwmonChip{{Chip: "f", Sensors: []procfs.HwmonSensor{{Type: "fan", Num: 1, Input: 900}}}}}},
		{name: "only broken probes: no primary", in: thermalSample{chips: []procfs.HwmonChip{chip(255)}}},
		{name: "chips without channels count as none", in: thermalSample{chips: []procfs.HwmonChip{{Chip: "empty"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := temperatureReading(t0, tt.in)
			if r.Primary != tt.wantPrimary {
				t.Fatalf("Primary = %q, want %q", r.Primary, tt.wantPrimary)
			}
			if tt.wantPrimary == "" {
				if _, ok := r.Value(reading.TempMax); ok {
					t.Errorf("reading without a primary still has %s", reading.TempMax)
				}
				return
			}
			if got, _ := r.Value(reading.TempMax); got != tt.wantMax {
				t.Errorf("%s = %v, want %v", reading.TempMax, got, tt.wantMax)
			}
		})
	}
}

// TestTemperatureOnlyVoltages: a machine whose only chip measures voltages
// has no temperature sensors, and the chip is still named.
func TestTemperatureOnlyVoltages(t *testing.T) {
	t.Parallel()
	r := temperatureReading(t0, thermalSample{chips: []procfs.HwmonChip{{Chip: "i2c_1_1_0040", Name: "ina3221"}}})
	want := reading.Reading{
		Sensor: reading.SensorTemperature, Time: t0, Note: ErrNoSensors.Error(),
		Metrics: []reading.Metric{{Name: reading.HwmonChip, Labels: []reading.Label{{Name: "chip", Value: "i2c_1_1_0040"}, {Name: "chip_name", Value: "ina3221"}}}},
	}
	if diff := cmp.Diff(want, r); diff != "" {
		t.Errorf("temperatureReading() mismatch (-want +got):\n%s", diff)
	}
}

// TestTemperatureThisMachine reads the real /sys: it must not fail whether
// or not the machine has sensors, and what it reports must be consistent.
func TestTemperatureThisMachine(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat("/proc/stat"); err != nil {
		t.Skip("no /proc on this system")
	}
	fs, err := procfs.NewFS("/proc", "/sys")
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewTemperature(fs).Read(context.Background(), time.Now())
	if err != nil {
		t.Fatalf("Read() on this machine: %v", err)
	}
	if len(r.Metrics) == 0 && r.Note != ErrNoSensors.Error() {
		t.Errorf("no metrics and note %q, want %q", r.Note, ErrNoSensors)
	}
	for _, m := range r.Metrics {
		if (m.Name == reading.HwmonTemp || m.Name == reading.HwmonFan) && (m.Label("chip") == "" || m.Label("sensor") == "") {
			t.Errorf("%s without chip or sensor label: %v", m.Name, m.Labels)
		}
	}
}

func BenchmarkTemperatureRead(b *testing.B) {
	s := NewTemperature(machineFS(b, "hwmon-laptop"))
	now := t0
	b.ReportAllocs()
	for b.Loop() {
		now = now.Add(time.Second)
		if _, err := s.Read(context.Background(), now); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTemperatureScan is a read that finds every channel again, as
// Read does once per TemperatureRescan; BenchmarkTemperatureRead is the
// usual read between scans.
func BenchmarkTemperatureScan(b *testing.B) {
	s := NewTemperature(machineFS(b, "hwmon-laptop"))
	b.ReportAllocs()
	for b.Loop() {
		smp, err := s.sample()
		if err != nil {
			b.Fatal(err)
		}
		_ = temperatureReading(t0, smp)
	}
}

// TestTemperatureNeedsRoot: a machine whose channels this user may not
// read says so, rather than that it has no sensors.
func TestTemperatureNeedsRoot(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		in       thermalSample
		wantNote string
	}{
		{name: "every input denied", in: thermalSample{chips: []procfs.HwmonChip{{Chip: "a"}, {Chip: "b", Denied: 2}}}, wantNote: reading.TemperatureNeedsRoot},
		{name: "nothing denied", in: thermalSample{chips: []procfs.HwmonChip{{Chip: "a"}}}, wantNote: reading.NoTemperatureSensors},
		{name: "one readable channel is shown, not the note", in: thermalSample{chips: []procfs.HwmonChip{
			{Chip: "a", Denied: 1},
			{Chip: "b", Sensors: []procfs.HwmonSensor{{Type: "temp", Num: 1, Input: 40}}},
		}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := temperatureReading(t0, tt.in).Note; got != tt.wantNote {
				t.Errorf("Note = %q, want %q", got, tt.wantNote)
			}
		})
	}
}
