package node

import "testing"

func TestStatGolden(t *testing.T) {
	t.Parallel()
	for _, fixture := range []string{"cpu-2core", "cpu-old"} {
		t.Run(fixture, func(t *testing.T) {
			t.Parallel()
			goldenCollector(t, fixture, "stat")
		})
	}
}

func BenchmarkCollectorStat(b *testing.B) { benchCollector(b, "cpu-2core", "stat") }
