package node

import "testing"

// TestVMStatGolden: node_exporter's default filter keeps pgpg*, pswp*,
// pg*fault* and oom_kill, and drops thp_fault_alloc and pgdemote_*.
func TestVMStatGolden(t *testing.T) {
	t.Parallel()
	goldenCollector(t, "vmstat", "cpu-2core", "cpu-4thread")
}

func BenchmarkCollectorVMStat(b *testing.B) { benchCollector(b, "cpu-2core", "vmstat") }
