package node

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// runNodeExporter starts the installed node_exporter over a fixture
// machine with only the named collectors and returns one scrape, or skips
// the test when node_exporter is not installed.
func runNodeExporter(t *testing.T, dir string, collectors ...string) string {
	t.Helper()
	bin, err := exec.LookPath("prometheus-node-exporter")
	if err != nil {
		if bin, err = exec.LookPath("node_exporter"); err != nil {
			t.Skip("node_exporter not installed")
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"--web.listen-address=" + addr, "--path.procfs=" + filepath.Join(abs, "proc"),
		"--path.sysfs=" + filepath.Join(abs, "sys"), "--collector.disable-defaults", "--web.disable-exporter-metrics"}
	for _, c := range collectors {
		args = append(args, "--collector."+c)
	}
	cmd := exec.Command(bin, args...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/metrics")
		if err == nil {
			b, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err == nil && resp.StatusCode == http.StatusOK {
				return string(b)
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("node_exporter on %s: no scrape: %v", addr, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// family is one exposition family with its series, each written as
// name{labels sorted} → value.
type family struct {
	help, typ string
	series    map[string]string
}

// parseText reads the text format as both sides write it, with label
// pairs put in name order (node_exporter sorts them, the fixture
// exposition keeps a family's order).
func parseText(t *testing.T, text string) map[string]*family {
	t.Helper()
	fams := map[string]*family{}
	get := func(n string) *family {
		if fams[n] == nil {
			fams[n] = &family{series: map[string]string{}}
		}
		return fams[n]
	}
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := sc.Text()
		if h, ok := strings.CutPrefix(line, "# HELP "); ok {
			n, help, _ := strings.Cut(h, " ")
			get(n).help = help
			continue
		}
		if ty, ok := strings.CutPrefix(line, "# TYPE "); ok {
			n, typ, _ := strings.Cut(ty, " ")
			get(n).typ = typ
			continue
		}
		if line == "" || line[0] == '#' {
			continue
		}
		sp := strings.LastIndexByte(line, ' ')
		name, labels := line[:sp], ""
		if i := strings.IndexByte(name, '{'); i >= 0 {
			name, labels = line[:i], line[i+1:sp-1]
		}
		pairs, err := splitLabels(labels)
		if err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		slices.Sort(pairs)
		get(name).series[name+"{"+strings.Join(pairs, ",")+"}"] = line[sp+1:]
	}
	return fams
}

// splitLabels splits k="v",k="v" where values may hold escaped quotes
// and commas.
func splitLabels(s string) ([]string, error) {
	var out []string
	for s != "" {
		eq := strings.Index(s, `="`)
		if eq < 0 {
			return nil, fmt.Errorf("no value in %q", s)
		}
		i := eq + 2
		for ; i < len(s) && s[i] != '"'; i++ {
			if s[i] == '\\' {
				i++
			}
		}
		if i >= len(s) {
			return nil, fmt.Errorf("unterminated value in %q", s)
		}
		out = append(out, s[:i+1])
		s = strings.TrimPrefix(s[i+1:], ",")
	}
	return out, nil
}

// scrapeBoth scrapes the installed node_exporter's collector name and
// vigia's over the fixture machine dir, both parsed.
func scrapeBoth(t *testing.T, dir, name string, newC func(Env) (Collector, error)) (ne, ours map[string]*family) {
	t.Helper()
	ne = parseText(t, runNodeExporter(t, dir, name))
	text, err := scrape(t, fixtureCollector(t, newC, dir))
	if err != nil {
		t.Fatal(err)
	}
	return ne, parseText(t, text)
}
