package metrics

import (
	"compress/gzip"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vigia-dev/vigia/internal/reading"
)

// Families whose text needs care: labels declared out of name order,
// help with a backslash and a newline, a name that sorts between others.
var (
	textZA    = &reading.Family{Name: "node_za", Help: `Labels declared z then a; help with \ and` + "\nnewline.", Type: reading.Counter, Labels: []string{"z", "a"}}
	textPlain = &reading.Family{Name: "node_plain", Help: "No labels.", Type: reading.Untyped}
	textOther = &reading.Family{Name: "node_plain", Help: "Same name, other help.", Type: reading.Untyped}
	textProc  = &reading.Family{Name: "process_fake", Help: "A process series.", Type: reading.Gauge}
	textLoad  = &reading.Family{Name: "node_load1", Help: "1m load average.", Type: reading.Gauge}
)

func textOptions(t *testing.T) Options {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "x.prom"), []byte("# HELP node_mid From a file.\n# TYPE node_mid gauge\nnode_mid{b=\"2\",a=\"1\"} 7\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	opts := fixtureOptions()
	opts.Logger = slog.New(slog.DiscardHandler)
	opts.Textfile, opts.TextfileDir = true, dir
	opts.Process = func(emit reading.Emit) { emit(textProc, 12345.678) }
	opts.Node = func(emit reading.Emit) {
		for i, v := range []float64{0, 1, -1, math.NaN(), math.Inf(1), math.Inf(-1), 1e-7, 123456789012, -0.5, math.Copysign(0, -1)} {
			emit(textZA, v, "z"+string(rune('a'+i)), "a")
		}
		emit(textZA, 2, `back\slash "quoted"`+"\nnew line", "x")
		emit(textZA, 3, "bad \xff utf-8", "x")
		emit(textZA, 4, "za", "a")  // repeats a series: left out
		emit(textZA, 5, "only one") // wrong label count: left out
		emit(textPlain, 6)
		emit(textOther, 7) // same name, other help: left out
		emit(textLoad, 0.25)
		emit(reading.ScrapeCollectorSuccess, 1, "loadavg")
		emit(reading.ScrapeCollectorDuration, 0.001, "loadavg")
	}
	return opts
}

// get serves one request and returns the status, the headers that
// matter and the body, gunzipped, with the Go runtime's families and the
// textfile collector's duration (which change between scrapes) taken out.
func get(t *testing.T, h http.Handler, header ...string) (int, []string, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var body io.Reader = rec.Body
	if rec.Header().Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(rec.Body)
		if err != nil {
			t.Fatal(err)
		}
		body = zr
	}
	b, err := io.ReadAll(body)
	if err != nil {
		t.Fatal(err)
	}
	hs := []string{rec.Header().Get("Content-Type"), rec.Header().Get("Content-Encoding"), strings.Join(rec.Header().Values("Vary"), ", ")}
	var keep []string
	skip := false
	for _, l := range strings.SplitAfter(string(b), "\n") {
		if f := strings.Fields(l); len(f) > 2 && f[0] == "#" && f[1] == "HELP" {
			skip = strings.HasPrefix(f[2], "go_")
		}
		if !skip {
			keep = append(keep, l)
		}
	}
	out := regexp.MustCompile(`(collector_duration_seconds\{collector="textfile"\}) .*`).ReplaceAllString(strings.Join(keep, ""), "$1 D")
	return rec.Code, hs, out
}

// TestTextMatchesGather: a text scrape written by serveText is what
// client_golang's Gather and encoder make of the same samples, byte for
// byte, plain and gzipped, with the same Content-Type and Vary; other
// formats still go through promhttp.
func TestTextMatchesGather(t *testing.T) {
	t.Parallel()
	c := New(textOptions(t))
	fast, slow := Handler(c), gatherHandler(c, slog.New(slog.DiscardHandler))
	for _, header := range [][]string{
		nil,
		{"Accept-Encoding", "gzip"},
		{"Accept", "text/plain;version=0.0.4;q=0.5,*/*;q=0.1", "Accept-Encoding", "gzip"},
		{"Accept", "text/plain;version=1.0.0;escaping=allow-utf-8"},
		{"Accept", "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.7,text/plain;version=0.0.4;q=0.3", "Accept-Encoding", "gzip"},
		{"Accept-Encoding", "gzip;q=0.5, identity"},
	} {
		wantCode, wantHeaders, want := get(t, slow, header...)
		code, headers, got := get(t, fast, header...)
		if code != wantCode {
			t.Errorf("%q: status %d, want %d", header, code, wantCode)
		}
		if d := cmp.Diff(wantHeaders, headers); d != "" {
			t.Errorf("%q: headers (-gather +text):\n%s", header, d)
		}
		if strings.HasPrefix(headers[0], "application/vnd.google.protobuf") {
			continue // gathered both times; its Go runtime values differ
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("%q: body (-gather +text):\n%s", header, d)
		}
	}
	_, _, body := get(t, fast)
	for _, want := range []string{"node_za{a=\"a\",z=\"zd\"} NaN\n", "node_mid{a=\"1\",b=\"2\"} 7\n", "process_fake 12345.678\n",
		`node_za{a="x",z="back\\slash \"quoted\"\nnew line"} 2` + "\n", "node_plain 6\n"} {
		if !strings.Contains(body, want) {
			t.Errorf("scrape lacks %q:\n%s", want, body)
		}
	}
}

// TestTextScrapeAllocations: node series written as text cost no
// allocation each once the writer's buffers have grown, where a const
// metric and its protobuf objects cost several per series.
func TestTextScrapeAllocations(t *testing.T) {
	allocs := func(n int) float64 {
		values := make([][]string, n) // passed as is: no slice allocated per call
		for i := range values {
			values[i] = []string{"v" + strconv.Itoa(i), "a"}
		}
		h := Handler(New(Options{Snapshot: func() []reading.Reading { return nil }, Node: func(emit reading.Emit) {
			for i := range n {
				emit(textZA, float64(i), values[i]...)
			}
		}}))
		req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
		serve := func() { h.ServeHTTP(httptest.NewRecorder(), req) }
		serve()
		return testing.AllocsPerRun(10, serve)
	}
	one, many := allocs(1), allocs(1000)
	t.Logf("allocations per scrape: %v with 1 node series, %v with 1000", one, many)
	if many > one+50 {
		t.Errorf("a scrape of 1000 node series allocates %v times, of 1 series %v", many, one)
	}
}
