package server

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImports keeps the outputs' direction: the server reads state through
// its own interfaces and never imports the engine, sensors, procfs, another
// output or client_golang (which lives in package metrics alone).
func TestImports(t *testing.T) {
	t.Parallel()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not found")
	}
	for pkg, banned := range map[string][]string{
		".": {"internal/engine", "internal/sensor", "internal/procfs", "internal/live", "internal/metrics",
			"internal/tui", "internal/store", "internal/notify", "internal/stream", "prometheus/client_golang"},
		"../metrics": {"internal/engine", "internal/sensor", "internal/procfs", "internal/live", "internal/server",
			"internal/tui", "internal/store", "internal/notify", "internal/stream"},
	} {
		out, err := exec.Command(goBin, "list", "-deps", pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, b := range banned {
				if strings.HasSuffix(dep, b) || strings.Contains(dep, b+"/") {
					t.Errorf("%s depends on %s", pkg, dep)
				}
			}
		}
	}
}
