package node

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/vigia-dev/vigia/internal/golden"
	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

// fixtureEnv is an Env over a fixture machine: a directory with proc/,
// sys/ and optionally root/ (the machine's /).
func fixtureEnv(t testing.TB, dir string) Env {
	t.Helper()
	fs, err := procfs.NewFS(filepath.Join(dir, "proc"), filepath.Join(dir, "sys"))
	if err != nil {
		t.Fatal(err)
	}
	return Env{FS: fs, Rootfs: filepath.Join(dir, "root")}
}

// exposition renders what emit received in the text format's shape
// (# HELP, # TYPE, then name{labels} value), families and series sorted,
// so golden files read like a scrape and do not depend on map order.
type exposition struct {
	families map[string]*reading.Family
	series   map[string][]string
	mismatch []string
}

func (x *exposition) emit(f *reading.Family, v float64, lv ...string) {
	if x.families == nil {
		x.families, x.series = map[string]*reading.Family{}, map[string][]string{}
	}
	if g, ok := x.families[f.Name]; ok && (g.Help != f.Help || g.Type != f.Type || strings.Join(g.Labels, ",") != strings.Join(f.Labels, ",")) {
		x.mismatch = append(x.mismatch, f.Name)
	}
	x.families[f.Name] = f
	if len(lv) != len(f.Labels) {
		x.mismatch = append(x.mismatch, fmt.Sprintf("%s: %d label values for %d labels", f.Name, len(lv), len(f.Labels)))
		return
	}
	var b strings.Builder
	b.WriteString(f.Name)
	if len(lv) > 0 {
		b.WriteByte('{')
		for i, l := range f.Labels {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(l + "=" + strconv.Quote(lv[i]))
		}
		b.WriteByte('}')
	}
	b.WriteString(" " + strconv.FormatFloat(v, 'g', -1, 64))
	x.series[f.Name] = append(x.series[f.Name], b.String())
}

func (x *exposition) String() string {
	names := make([]string, 0, len(x.families))
	for n := range x.families {
		names = append(names, n)
	}
	sort.Strings(names)
	types := map[reading.Kind]string{reading.Gauge: "gauge", reading.Counter: "counter", reading.Untyped: "untyped"}
	var b strings.Builder
	for _, n := range names {
		f := x.families[n]
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s %s\n", n, f.Help, n, types[f.Type])
		s := x.series[n]
		sort.Strings(s)
		for _, l := range s {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}

// scrape runs one collector once and returns its exposition; the test
// fails if a family is emitted with two shapes or a wrong label count.
func scrape(t *testing.T, c Collector) (string, error) {
	t.Helper()
	var x exposition
	err := c.Update(x.emit)
	if len(x.mismatch) > 0 {
		t.Errorf("inconsistent families: %v", x.mismatch)
	}
	return x.String(), err
}

// checkGolden scrapes c and compares with testdata/golden/name.prom.
func checkGolden(t *testing.T, c Collector, name string) {
	t.Helper()
	got, err := scrape(t, c)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	checkGoldenText(t, name, got)
}

// checkGoldenText compares an exposition with testdata/golden/name.prom.
func checkGoldenText(t *testing.T, name, got string) {
	t.Helper()
	golden.Check(t, filepath.Join("testdata", "golden", name+".prom"), []byte(got))
}

// tempMachine builds a fixture machine in a new directory from files
// (path under it → contents), with a proc/stat and a sys/ for NewFS, and
// returns the directory and a writer for changing files later.
func tempMachine(t *testing.T, files map[string]string) (string, func(path, contents string)) {
	t.Helper()
	dir := t.TempDir()
	write := func(path, contents string) {
		t.Helper()
		p := filepath.Join(dir, path)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(contents), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("proc/stat", "cpu  1 0 0 0 0 0 0 0 0 0\n")
	if err := os.MkdirAll(filepath.Join(dir, "sys"), 0o755); err != nil {
		t.Fatal(err)
	}
	for p, c := range files {
		write(p, c)
	}
	return dir, write
}
