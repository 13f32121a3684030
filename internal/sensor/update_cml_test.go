package sensor

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/vigia-dev/vigia/internal/golden"
	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

// cmlFS returns an FS over the fixture machine testdata/<machine>.
func cmlFS(t testing.TB, machine string) procfs.FS {
	t.Helper()
	root := filepath.Join("testdata", machine)
	pfs, err := procfs.NewFS(filepath.Join(root, "proc"), filepath.Join(root, "sys"))
	if err != nil {
		t.Fatal(err)
	}
	return pfs
}

// cmlKey spells a metric and its labels as Prometheus does: name{a="x",b="y"}.
func cmlKey(m reading.Metric) string {
	if len(m.Labels) == 0 {
		return m.Name
	}
	parts := make([]string, len(m.Labels))
	for i, l := range m.Labels {
		parts[i] = l.Name + "=" + strconv.Quote(l.Value)
	}
	return m.Name + "{" + strings.Join(parts, ",") + "}"
}

// cmlValues maps each metric's key to its value.
func cmlValues(r reading.Reading) map[string]float64 {
	out := make(map[string]float64, len(r.Metrics))
	for _, m := range r.Metrics {
		out[cmlKey(m)] = m.Value
	}
	return out
}

// cmlText renders a reading one metric a line, for golden files.
func cmlText(r reading.Reading) string {
	var b strings.Builder
	fmt.Fprintf(&b, "sensor %s primary %q note %q\n", r.Sensor, r.Primary, r.Note)
	for _, m := range r.Metrics {
		kind := "gauge"
		if m.Kind == reading.Counter {
			kind = "counter"
		}
		fmt.Fprintf(&b, "%s %s %s %s\n", cmlKey(m), strconv.FormatFloat(m.Value, 'g', 10, 64), kind, m.Unit)
	}
	return b.String()
}

// cmlGolden compares got with testdata/golden/<name>.golden (golden.Check:
// -update rewrites it).
func cmlGolden(t *testing.T, name, got string) {
	t.Helper()
	golden.Check(t, filepath.Join("testdata", "golden", name+".golden"), []byte(got))
}

// cmlCheckBounds fails when a percentage is negative, above 100 where it
// cannot be, or not a number.
func cmlCheckBounds(t *testing.T, r reading.Reading) {
	t.Helper()
	for _, m := range r.Metrics {
		if m.Value != m.Value {
			t.Errorf("%s is NaN", cmlKey(m))
		}
		if m.Unit == reading.Percent && m.Name != reading.LoadPercent && (m.Value < 0 || m.Value > 100) {
			t.Errorf("%s = %v, outside 0–100", cmlKey(m), m.Value)
		}
		if m.Value < 0 {
			t.Errorf("%s = %v, negative", cmlKey(m), m.Value)
		}
	}
}

// cmlRealFS returns an FS over this machine's /proc and /sys.
func cmlRealFS(t testing.TB) procfs.FS {
	t.Helper()
	pfs, err := procfs.NewFS("/proc", "/sys")
	if err != nil {
		t.Skipf("no readable /proc and /sys here: %v", err)
	}
	return pfs
}
