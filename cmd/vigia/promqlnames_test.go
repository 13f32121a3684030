package main

import (
	"encoding/json"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vigia-dev/vigia/internal/golden"
)

// promqlNames returns the metric names an expression selects, sorted and
// once each. It reads PromQL as Grafana writes it: $variables, label
// matchers, ranges, strings and numbers are skipped, an identifier followed
// by "(" is a function, and the label lists after by, without, on, ignoring
// and group_left/right are not names. label_values(selector, label), a
// Grafana template query, names only its selector's metric.
func promqlNames(expr string) []string {
	seen := map[string]bool{}
	var scan func(s string)
	scan = func(s string) {
		for i := 0; i < len(s); {
			c := s[i]
			switch {
			case c == '"' || c == '\'' || c == '`':
				i = skipQuoted(s, i)
			case c == '{':
				i = skipTo(s, i, '}')
			case c == '[':
				i = skipTo(s, i, ']')
			case c == '#':
				for i < len(s) && s[i] != '\n' {
					i++
				}
			case c == '$':
				i++
				if i < len(s) && s[i] == '{' {
					i = skipTo(s, i, '}')
				}
				for i < len(s) && isIdentByte(s[i]) {
					i++
				}
			case c >= '0' && c <= '9' || c == '.':
				// Numbers, 1e3 and durations such as 5m or 1h30m.
				for i < len(s) && (isIdentByte(s[i]) || s[i] == '.') {
					i++
				}
			case isIdentByte(c):
				j := i
				for j < len(s) && isIdentByte(s[j]) {
					j++
				}
				word := s[i:j]
				k := j
				for k < len(s) && (s[k] == ' ' || s[k] == '\t' || s[k] == '\n' || s[k] == '\r') {
					k++
				}
				next := byte(0)
				if k < len(s) {
					next = s[k]
				}
				switch {
				case labelListKeyword[word]:
					// by (a, b): the list names labels, not series.
					if next == '(' {
						j = skipTo(s, k, ')')
					}
				case word == "label_values" && next == '(':
					end := skipTo(s, k, ')')
					args := s[k+1 : end-1]
					if comma := topLevelComma(args); comma >= 0 {
						scan(args[:comma])
					}
					j = end
				case next == '(', aggregation[word], operatorKeyword[strings.ToLower(word)]:
					// A function or aggregation (sum by (a) (…) too), whose
					// arguments the loop reads next, or an operator.
				default:
					seen[word] = true
				}
				i = j
			default:
				i++
			}
		}
	}
	scan(expr)
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

var labelListKeyword = map[string]bool{"by": true, "without": true, "on": true, "ignoring": true, "group_left": true, "group_right": true}

var aggregation = map[string]bool{"sum": true, "min": true, "max": true, "avg": true, "group": true, "stddev": true, "stdvar": true,
	"count": true, "count_values": true, "bottomk": true, "topk": true, "quantile": true, "limitk": true, "limit_ratio": true}

var operatorKeyword = map[string]bool{"and": true, "or": true, "unless": true, "bool": true, "offset": true, "atan2": true, "inf": true, "nan": true}

func isIdentByte(c byte) bool {
	return c == '_' || c == ':' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// skipQuoted returns the index after the string that starts at s[i].
func skipQuoted(s string, i int) int {
	q := s[i]
	for i++; i < len(s); i++ {
		if s[i] == '\\' && q != '`' {
			i++
			continue
		}
		if s[i] == q {
			return i + 1
		}
	}
	return len(s)
}

// skipTo returns the index after the bracket that closes the one at s[i],
// skipping strings and nested brackets of the same kind.
func skipTo(s string, i int, closing byte) int {
	open, depth := s[i], 0
	for ; i < len(s); i++ {
		switch s[i] {
		case '"', '\'', '`':
			i = skipQuoted(s, i) - 1
		case open:
			depth++
		case closing:
			if depth--; depth == 0 {
				return i + 1
			}
		}
	}
	return len(s)
}

// topLevelComma returns the index of the first comma outside brackets and
// strings, or -1.
func topLevelComma(s string) int {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"', '\'', '`':
			i = skipQuoted(s, i) - 1
		case '(', '{', '[':
			i = skipTo(s, i, map[byte]byte{'(': ')', '{': '}', '[': ']'}[s[i]]) - 1
		case ',':
			return i
		}
	}
	return -1
}

func TestPromQLNames(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, expr string
		want       []string
	}{
		{"bare", `node_load1`, []string{"node_load1"}},
		{"selector and range", `rate(node_cpu_seconds_total{mode="idle",instance="$node"}[$__rate_interval])`, []string{"node_cpu_seconds_total"}},
		{"aggregation with by before", `sum by (instance) (irate(node_disk_reads_completed_total{job="$job"}[5m]))`, []string{"node_disk_reads_completed_total"}},
		{"aggregation with by after", `count(count(node_cpu_seconds_total{instance="$node"}) by (cpu))`, []string{"node_cpu_seconds_total"}},
		{"arithmetic and bool", `100 - ((node_memory_MemAvailable_bytes{a="b"} * 100) / node_memory_MemTotal_bytes) > bool 0.5`, []string{"node_memory_MemAvailable_bytes", "node_memory_MemTotal_bytes"}},
		{"group_left with labels", `node_hwmon_temp_celsius * on(chip) group_left(chip_name) node_hwmon_chip_names`, []string{"node_hwmon_chip_names", "node_hwmon_temp_celsius"}},
		{"label values in strings are no names", `label_replace(node_uname_info, "dst", "src_value", "src", "(.*)")`, []string{"node_uname_info"}},
		{"grafana template query", `label_values(node_uname_info{job="$job"}, instance)`, []string{"node_uname_info"}},
		{"grafana template query of a label only", `label_values(job)`, []string{}},
		{"braced variable and offset", `node_time_seconds{instance="${node}"} - node_boot_time_seconds offset 1h`, []string{"node_boot_time_seconds", "node_time_seconds"}},
		{"numbers with exponent and duration", `predict_linear(node_filesystem_free_bytes[1h30m], 4*3600) < 1e9`, []string{"node_filesystem_free_bytes"}},
		{"set operators", `up and on(instance) node_exporter_build_info unless absent(process_max_fds)`, []string{"node_exporter_build_info", "process_max_fds", "up"}},
		{"escaped quote in a matcher", `node_filesystem_avail_bytes{mountpoint="/a\"b{"}`, []string{"node_filesystem_avail_bytes"}},
		{"recording rule name with colons", `instance:node_num_cpu:sum{job="node"}`, []string{"instance:node_num_cpu:sum"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, promqlNames(tt.expr)); diff != "" {
			t.Errorf("%s: promqlNames(%q) mismatch (-want +got):\n%s", tt.name, tt.expr, diff)
		}
	}
}

// dashboardExprs returns every PromQL expression of a Grafana dashboard:
// each panel target's expr, at any depth (rows nest panels), and the query
// of each templating variable of type query.
func dashboardExprs(t *testing.T, body []byte) []string {
	t.Helper()
	var root any
	if err := json.Unmarshal(body, &root); err != nil {
		t.Fatalf("dashboard: %v", err)
	}
	var exprs []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if s, ok := x.(string); ok && k == "expr" {
					exprs = append(exprs, s)
				}
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(root)
	if tmpl, ok := root.(map[string]any)["templating"].(map[string]any); ok {
		list, _ := tmpl["list"].([]any)
		for _, v := range list {
			v, _ := v.(map[string]any)
			if v["type"] != "query" {
				continue
			}
			switch q := v["query"].(type) {
			case string:
				exprs = append(exprs, q)
			case map[string]any:
				if s, ok := q["query"].(string); ok {
					exprs = append(exprs, s)
				}
			}
		}
	}
	return exprs
}

// dashboardNamesFile is the list of metric names dashboard 1860 queries,
// extracted from the dashboard kept beside it (testdata/nodeparity/README.md).
const dashboardNamesFile = "testdata/nodeparity/dashboard-1860-names.txt"

// TestDashboardNames keeps the list of names in step with the dashboard:
// go test -run TestDashboardNames -update rewrites it from the JSON.
func TestDashboardNames(t *testing.T) {
	t.Parallel()
	body, err := os.ReadFile("testdata/nodeparity/node-exporter-full.json")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, e := range dashboardExprs(t, body) {
		for _, n := range promqlNames(e) {
			seen[n] = true
		}
	}
	var b strings.Builder
	for _, n := range slices.Sorted(maps.Keys(seen)) {
		b.WriteString(n + "\n")
	}
	golden.Check(t, dashboardNamesFile, []byte(b.String()))
}
