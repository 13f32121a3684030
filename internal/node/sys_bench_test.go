package node

import (
	"errors"
	"testing"

	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

// benchSys measures collector name over the sys-basic fixture.
func benchSys(b *testing.B, name string) {
	c, err := Registry[indexOf(name)].New(sysEnv(b, "sys-basic"))
	if err != nil {
		b.Fatal(err)
	}
	if u, ok := c.(*uname); ok {
		u.local = fakeUname
	}
	benchUpdate(b, c)
}

// benchUpdate runs c's Update in a loop, with the series it emits per
// scrape.
func benchUpdate(b *testing.B, c Collector) {
	n := 0
	emit := func(*reading.Family, float64, ...string) { n++ }
	b.ReportAllocs()
	for b.Loop() {
		if err := c.Update(emit); err != nil && !errors.Is(err, ErrNoData) {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)/float64(b.N), "series/op")
}

func BenchmarkCollectorEntropy(b *testing.B) { benchSys(b, "entropy") }
func BenchmarkCollectorFilefd(b *testing.B)  { benchSys(b, "filefd") }
func BenchmarkCollectorOS(b *testing.B)      { benchSys(b, "os") }
func BenchmarkCollectorTime(b *testing.B)    { benchSys(b, "time") }
func BenchmarkCollectorTimex(b *testing.B)   { benchSys(b, "timex") }
func BenchmarkCollectorUname(b *testing.B)   { benchSys(b, "uname") }

// benchThisMachine measures collector name over this machine's /proc,
// /sys and /, with the held files a Set gives each collector.
func benchThisMachine(b *testing.B, name string) {
	fs, err := procfs.NewFS("/proc", "/sys")
	if err != nil {
		b.Skip("no /proc:", err)
	}
	c, err := Registry[indexOf(name)].New(Env{FS: fs.WithHeldFiles(), Rootfs: "/"})
	if err != nil {
		b.Fatal(err)
	}
	benchUpdate(b, c)
}

func BenchmarkCollectorCpufreqThisMachine(b *testing.B) { benchThisMachine(b, "cpufreq") }
func BenchmarkCollectorTimeThisMachine(b *testing.B)    { benchThisMachine(b, "time") }
func BenchmarkCollectorOSThisMachine(b *testing.B)      { benchThisMachine(b, "os") }
