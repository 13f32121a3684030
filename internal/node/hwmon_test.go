package node

import (
	"errors"
	"testing"

	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

// TestHwmon scrapes a laptop with a fan controller and a GPU: every class
// node_exporter reads, chips sharing a parent device, chips without a
// device, probes that answer EIO or are gone, labels with odd bytes.
func TestHwmon(t *testing.T) {
	t.Parallel()
	c, err := newHwmon(fixtureEnv(t, "testdata/hwmon-laptop"))
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, c, "hwmon")
}

func TestHwmonNoClass(t *testing.T) {
	t.Parallel()
	c, err := newHwmon(fixtureEnv(t, "../sensor/testdata/no-sensors"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := scrape(t, c)
	if !errors.Is(err, ErrNoData) || got != "" {
		t.Errorf("hwmon on a machine without /sys/class/hwmon = %q, %v; want nothing and ErrNoData", got, err)
	}
}

func TestThermalZone(t *testing.T) {
	t.Parallel()
	c, err := newThermalZone(fixtureEnv(t, "testdata/hwmon-laptop"))
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, c, "thermal_zone")
}

func BenchmarkCollectorHwmon(b *testing.B) {
	benchCollector(b, newHwmon)
}

func BenchmarkCollectorThermalZone(b *testing.B) {
	benchCollector(b, newThermalZone)
}

func benchCollector(b *testing.B, newC func(Env) (Collector, error)) {
	fs, err := procfs.NewFS("testdata/hwmon-laptop/proc", "testdata/hwmon-laptop/sys")
	if err != nil {
		b.Fatal(err)
	}
	c, err := newC(Env{FS: fs})
	if err != nil {
		b.Fatal(err)
	}
	n := 0
	emit := func(*reading.Family, float64, ...string) { n++ }
	b.ReportAllocs()
	for b.Loop() {
		if err := c.Update(emit); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)/float64(b.N), "series/op")
}
