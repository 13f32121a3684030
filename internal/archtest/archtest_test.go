package archtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestImports checks every package of vigia, as built for Linux and for
// another platform (files with build tags import differently).
func TestImports(t *testing.T) {
	t.Parallel()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not found")
	}
	for _, goos := range []string{"linux", "darwin"} {
		cmd := exec.Command(goBin, "list", "-e", "-json=ImportPath,Imports,TestImports,XTestImports", Module+"/...")
		cmd.Env = append(os.Environ(), "GOOS="+goos)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("GOOS=%s go list: %v\n%s", goos, err, stderr.Bytes())
		}
		pkgs := decode(t, out)
		if len(pkgs) < len(rank) {
			t.Fatalf("GOOS=%s go list found %d packages, fewer than the %d the architecture names", goos, len(pkgs), len(rank))
		}
		for _, msg := range Check(pkgs) {
			t.Errorf("GOOS=%s: %s", goos, msg)
		}
	}
}

func decode(t *testing.T, out []byte) []Package {
	t.Helper()
	var pkgs []Package
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p Package
		err := dec.Decode(&p)
		if errors.Is(err, io.EOF) {
			return pkgs
		}
		if err != nil {
			t.Fatalf("go list output: %v", err)
		}
		pkgs = append(pkgs, p)
	}
}

// TestCheck feeds the check graphs that break each rule, so the test over
// the real graph can fail.
func TestCheck(t *testing.T) {
	t.Parallel()
	m := func(s string) string { return Module + "/" + s }
	tests := []struct {
		name string
		pkg  Package
		want []string
	}{
		{"as built", Package{ImportPath: m("internal/server"), Imports: []string{"net/http", m("internal/reading")}}, nil},
		{"toward the edge", Package{ImportPath: m("internal/reading"), Imports: []string{m("internal/text")}},
			[]string{"internal/reading imports internal/text: imports point toward internal/reading, and only cmd/vigia knows the whole graph"}},
		{"output to output", Package{ImportPath: m("internal/server"), Imports: []string{m("internal/live")}},
			[]string{"internal/server imports internal/live: imports point toward internal/reading, and only cmd/vigia knows the whole graph"}},
		{"output to engine", Package{ImportPath: m("internal/tui"), Imports: []string{m("internal/engine")}},
			[]string{"internal/tui imports internal/engine: imports point toward internal/reading, and only cmd/vigia knows the whole graph"}},
		{"output to procfs", Package{ImportPath: m("internal/metrics"), Imports: []string{m("internal/procfs")}},
			[]string{"internal/metrics imports internal/procfs: outputs never import sensors or procfs"}},
		{"output to sensor", Package{ImportPath: m("internal/store"), Imports: []string{m("internal/sensor")}},
			[]string{"internal/store imports internal/sensor: outputs never import sensors or procfs"}},
		{"client_golang outside metrics", Package{ImportPath: m("internal/server"), Imports: []string{"github.com/prometheus/client_golang/prometheus"}},
			[]string{"internal/server imports github.com/prometheus/client_golang/prometheus: that library lives in internal/metrics alone"}},
		{"client_golang in another's tests", Package{ImportPath: m("internal/server"), TestImports: []string{"github.com/prometheus/client_golang/prometheus/testutil"}},
			[]string{"internal/server imports github.com/prometheus/client_golang/prometheus/testutil: that library lives in internal/metrics alone"}},
		{"charm outside tui", Package{ImportPath: m("cmd/vigia"), Imports: []string{"github.com/charmbracelet/lipgloss"}},
			[]string{"cmd/vigia imports github.com/charmbracelet/lipgloss: that library lives in internal/tui alone"}},
		{"sqlite outside store", Package{ImportPath: m("cmd/vigia"), XTestImports: []string{"modernc.org/sqlite"}},
			[]string{"cmd/vigia imports modernc.org/sqlite: that library lives in internal/store alone"}},
		{"go-cmp in tests", Package{ImportPath: m("internal/queue"), TestImports: []string{"github.com/google/go-cmp/cmp"}}, nil},
		{"go-cmp in code", Package{ImportPath: m("internal/queue"), Imports: []string{"github.com/google/go-cmp/cmp"}},
			[]string{"internal/queue imports github.com/google/go-cmp/cmp: that library lives in internal/golden alone"}},
		{"a library with no owner", Package{ImportPath: m("internal/tui"), Imports: []string{"example.com/colors"}},
			[]string{"internal/tui imports example.com/colors, a library with no owner: name the one package that may import it in internal/archtest"}},
		{"a package with no place", Package{ImportPath: m("internal/utils")},
			[]string{"internal/utils has no place in the architecture: give it a rank in internal/archtest and docs/ARCHITECTURE.md"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, Check([]Package{tt.pkg})); diff != "" {
			t.Errorf("%s: Check mismatch (-want +got):\n%s", tt.name, diff)
		}
	}
}
