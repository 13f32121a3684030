package node

import (
	"strings"
	"testing"
)

// TestMeminfoGolden: this machine's every field, a small one with
// HugePages counts and a field no kernel has yet, and an old kernel
// without MemAvailable.
func TestMeminfoGolden(t *testing.T) {
	t.Parallel()
	goldenCollector(t, "meminfo", "cpu-2core", "cpu-4thread", "cpu-old")
}

func TestMemInfoName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		field string
		bytes bool
		want  string
	}{
		{"MemAvailable", true, "node_memory_MemAvailable_bytes"},
		{"Active(anon)", true, "node_memory_Active_anon_bytes"},
		{"Inactive(file)", true, "node_memory_Inactive_file_bytes"},
		{"HugePages_Total", false, "node_memory_HugePages_Total"},
		{"Active_anon", true, "node_memory_Active_anon_bytes"},
		{"a(b)c(d)", true, "node_memory_a_b)c(d_bytes"},
		{"x)y(", false, "node_memory_x)y("},
	}
	for _, tt := range tests {
		if got := memInfoName(tt.field, tt.bytes); got != tt.want {
			t.Errorf("memInfoName(%q, %v) = %q, want %q", tt.field, tt.bytes, got, tt.want)
		}
	}
}

func TestMeminfoGarbage(t *testing.T) {
	t.Parallel()
	env := writeMachine(t, map[string]string{"proc/stat": "cpu 1 1 1 1\n", "proc/meminfo": "MemTotal: lots kB\n"})
	if _, err := scrape(t, newCollector(t, env, "meminfo")); err == nil || !strings.Contains(err.Error(), "meminfo") {
		t.Errorf("garbage meminfo: error %v, want one naming the file", err)
	}
}

func BenchmarkCollectorMeminfo(b *testing.B) { benchCollector(b, "cpu-2core", "meminfo") }
