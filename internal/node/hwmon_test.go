package node

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vigia-dev/vigia/internal/procfs"
)

// TestHwmon scrapes a laptop with a fan controller and a GPU: every class
// node_exporter reads, chips sharing a parent device, chips without a
// device, probes that answer EIO or are gone, labels with odd bytes.
func TestHwmon(t *testing.T) {
	t.Parallel()
	c := fixtureCollector(t, newHwmon, "testdata/hwmon-laptop")
	checkGolden(t, c, "hwmon")
}

func TestHwmonNoClass(t *testing.T) {
	t.Parallel()
	c := fixtureCollector(t, newHwmon, "../sensor/testdata/no-sensors")
	got, err := scrape(t, c)
	if !errors.Is(err, ErrNoData) || got != "" {
		t.Errorf("hwmon on a machine without /sys/class/hwmon = %q, %v; want nothing and ErrNoData", got, err)
	}
}

func TestThermalZone(t *testing.T) {
	t.Parallel()
	c := fixtureCollector(t, newThermalZone, "testdata/hwmon-laptop")
	checkGolden(t, c, "thermal_zone")
}

func BenchmarkCollectorHwmon(b *testing.B) {
	benchFixture(b, newHwmon)
}

func BenchmarkCollectorThermalZone(b *testing.B) {
	benchFixture(b, newThermalZone)
}

func benchFixture(b *testing.B, newC func(Env) (Collector, error)) {
	fs, err := procfs.NewFS("testdata/hwmon-laptop/proc", "testdata/hwmon-laptop/sys")
	if err != nil {
		b.Fatal(err)
	}
	c, err := newC(Env{FS: fs})
	if err != nil {
		b.Fatal(err)
	}
	benchUpdate(b, c)
}

// TestHwmonAgainstNodeExporter scrapes the installed node_exporter over
// the same fixture and compares every family and series, but for what
// docs/metrics.md says differs on purpose from 1.5.0: chips sharing a
// device (named apart since 1.12) and the freq class (new since).
func TestHwmonAgainstNodeExporter(t *testing.T) {
	t.Parallel()
	const dir = "testdata/hwmon-laptop"
	ne, ours := scrapeBoth(t, dir, "hwmon", newHwmon)
	newer := func(series string) bool {
		return strings.Contains(series, `chip="pci0000:00_0000:00:14_3`) || strings.Contains(series, `chip="platform_asus_nb_wmi`) ||
			strings.HasPrefix(series, "node_hwmon_freq_") || strings.Contains(series, `sensor="freq`)
	}
	compared := 0
	for name, nf := range ne {
		if !strings.HasPrefix(name, "node_hwmon_") {
			continue
		}
		of := ours[name]
		if of == nil {
			t.Errorf("%s: node_exporter has it, vigia does not", name)
			continue
		}
		if of.help != nf.help || of.typ != nf.typ {
			t.Errorf("%s: HELP %q TYPE %s, node_exporter HELP %q TYPE %s", name, of.help, of.typ, nf.help, nf.typ)
		}
		for s, v := range nf.series {
			if newer(s) {
				continue
			}
			compared++
			if ov, ok := of.series[s]; !ok || ov != v {
				t.Errorf("%s = %q (present %v), node_exporter %s", s, ov, ok, v)
			}
		}
	}
	for name, of := range ours {
		for s := range of.series {
			if newer(s) {
				continue
			}
			if nf := ne[name]; nf == nil || nf.series[s] == "" {
				t.Errorf("%s: vigia has it, node_exporter does not", s)
			}
		}
	}
	if compared < 100 {
		t.Errorf("compared only %d series", compared)
	}
}

// TestThermalZoneAgainstNodeExporter compares with the installed
// node_exporter over a machine both read alike: the fixture's odd zones
// (EIO, no number, bytes that are not UTF-8) fail or crash 1.5.0.
func TestThermalZoneAgainstNodeExporter(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	files := map[string]string{"proc/stat": "cpu  1 0 1 1 0 0 0 0 0 0\n"}
	for i, z := range []struct{ typ, temp string }{{"acpitz", "27800"}, {"x86_pkg_temp", "52000"}, {"INT3400 Thermal", "-5500"}} {
		d := fmt.Sprintf("sys/class/thermal/thermal_zone%d/", i*5)
		files[d+"type"], files[d+"temp"], files[d+"policy"] = z.typ+"\n", z.temp+"\n", "step_wise\n"
	}
	for i, c := range []struct{ typ, cur, max string }{{"Processor", "1", "3"}, {"intel_powerclamp", "-1", "50"}, {"TCC Offset", "0", "63"}} {
		d := fmt.Sprintf("sys/class/thermal/cooling_device%d/", i*6)
		files[d+"type"], files[d+"cur_state"], files[d+"max_state"] = c.typ+"\n", c.cur+"\n", c.max+"\n"
	}
	for p, body := range files {
		p = filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ne, ours := scrapeBoth(t, dir, "thermal_zone", newThermalZone)
	for name := range ne {
		if !strings.HasPrefix(name, "node_thermal_zone_") && !strings.HasPrefix(name, "node_cooling_device_") {
			delete(ne, name)
		}
	}
	if len(ne) != 3 {
		t.Errorf("node_exporter gave %d thermal families, want 3", len(ne))
	}
	if diff := cmp.Diff(ne, ours, cmp.AllowUnexported(family{})); diff != "" {
		t.Errorf("thermal_zone mismatch (-node_exporter +vigia):\n%s", diff)
	}
}

// fixtureCollector builds a collector over the fixture machine dir.
func fixtureCollector(t *testing.T, newC func(Env) (Collector, error), dir string) Collector {
	t.Helper()
	c, err := newC(fixtureEnv(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestHwmonUnlistableChip: a chip whose directory cannot be listed is left
// out and fails the scrape; the others are exported.
func TestHwmonUnlistableChip(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for p, body := range map[string]string{
		"proc/stat":                                    "cpu  1 0 1 1 0 0 0 0 0 0\n",
		"sys/devices/virtual/hwmon/hwmon0/name":        "acpi_fan\n",
		"sys/devices/virtual/hwmon/hwmon0/fan1_input":  "1200\n",
		"sys/devices/virtual/hwmon/hwmon1/name":        "broken\n",
		"sys/devices/virtual/hwmon/hwmon1/temp1_input": "40000\n",
	} {
		p = filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range []string{"hwmon0", "hwmon1"} {
		if err := os.MkdirAll(filepath.Join(dir, "sys/class/hwmon"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink("../../devices/virtual/hwmon/"+n, filepath.Join(dir, "sys/class/hwmon", n)); err != nil {
			t.Fatal(err)
		}
	}
	// hwmon1's device link points at a file: it exists, but cannot be
	// listed.
	if err := os.Symlink("name", filepath.Join(dir, "sys/devices/virtual/hwmon/hwmon1/device")); err != nil {
		t.Fatal(err)
	}
	got, err := scrape(t, fixtureCollector(t, newHwmon, dir))
	want := `# HELP node_hwmon_chip_names Annotation metric for human-readable chip names
# TYPE node_hwmon_chip_names gauge
node_hwmon_chip_names{chip="acpi_fan",chip_name="acpi_fan"} 1
# HELP node_hwmon_fan_rpm Hardware monitor for fan revolutions per minute (input)
# TYPE node_hwmon_fan_rpm gauge
node_hwmon_fan_rpm{chip="acpi_fan",sensor="fan1"} 1200
`
	if diff := cmp.Diff(want, got); diff != "" || err == nil {
		t.Errorf("scrape error %v (want one); mismatch (-want +got):\n%s", err, diff)
	}
}
