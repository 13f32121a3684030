package node

import "testing"

// TestVMStatGolden: node_exporter's default filter keeps pgpg*, pswp*,
// pg*fault* and oom_kill, and drops thp_fault_alloc and pgdemote_*.
func TestVMStatGolden(t *testing.T) {
	t.Parallel()
	for _, fixture := range []string{"cpu-2core", "cpu-4thread"} {
		t.Run(fixture, func(t *testing.T) {
			t.Parallel()
			goldenCollector(t, fixture, "vmstat")
		})
	}
}

func BenchmarkCollectorVMStat(b *testing.B) { benchCollector(b, "cpu-2core", "vmstat") }
