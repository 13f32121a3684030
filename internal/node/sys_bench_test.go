package node

import (
	"testing"

	"github.com/vigia-dev/vigia/internal/reading"
)

func benchCollector(b *testing.B, name string) {
	c, err := Registry[indexOf(name)].New(sysEnv(b, "sys-basic"))
	if err != nil {
		b.Fatal(err)
	}
	if u, ok := c.(*uname); ok {
		u.local = fakeUname
	}
	emit := func(*reading.Family, float64, ...string) {}
	b.ReportAllocs()
	for b.Loop() {
		if err := c.Update(emit); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCollectorEntropy(b *testing.B) { benchCollector(b, "entropy") }
func BenchmarkCollectorFilefd(b *testing.B)  { benchCollector(b, "filefd") }
func BenchmarkCollectorOS(b *testing.B)      { benchCollector(b, "os") }
func BenchmarkCollectorTime(b *testing.B)    { benchCollector(b, "time") }
func BenchmarkCollectorTimex(b *testing.B)   { benchCollector(b, "timex") }
func BenchmarkCollectorUname(b *testing.B)   { benchCollector(b, "uname") }
