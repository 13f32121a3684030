package node

import "testing"

func TestStatGolden(t *testing.T) {
	t.Parallel()
	goldenCollector(t, "stat", "cpu-2core", "cpu-old")
}

func BenchmarkCollectorStat(b *testing.B) { benchCollector(b, "cpu-2core", "stat") }
