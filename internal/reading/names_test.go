package reading

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"strings"
	"testing"
)

// TestMetricsListsEveryName keeps Metrics in step with the constants in
// names.go, so config validation knows every metric a sensor can emit.
func TestMetricsListsEveryName(t *testing.T) {
	t.Parallel()
	f, err := parser.ParseFile(token.NewFileSet(), "names.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, m := range Metrics {
		if listed[m] {
			t.Errorf("Metrics lists %q twice", m)
		}
		listed[m] = true
	}
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok || len(vs.Values) != 1 || strings.HasPrefix(vs.Names[0].Name, "Sensor") {
			return true
		}
		lit, ok := vs.Values[0].(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return true
		}
		name, _ := strconv.Unquote(lit.Value)
		if !listed[name] {
			t.Errorf("metric %s = %q is missing from Metrics", vs.Names[0].Name, name)
		}
		if SensorOf(name) == "" {
			t.Errorf("metric %q has no sensor prefix SensorOf knows", name)
		}
		return true
	})
}
