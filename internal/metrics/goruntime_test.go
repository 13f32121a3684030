package metrics

import (
	"bytes"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/common/expfmt"

	"github.com/vigia-dev/vigia/internal/reading"
)

var textFormat = expfmt.NewFormat(expfmt.TypeTextPlain)

// goRuntimeText is what a text scrape writes of the go_* series alone.
func goRuntimeText(t *testing.T, g *goRuntime) string {
	t.Helper()
	w := newTextWriter()
	fail := func(err error) { t.Error(err) }
	g.write(w, w.emit(fail), fail)
	w.render(nil, textFormat, fail)
	return w.out.String()
}

// gatherText is what client_golang's Gather and text encoder make of reg.
func gatherText(t *testing.T, reg prometheus.Gatherer) string {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	enc := expfmt.NewEncoder(&b, textFormat)
	for _, mf := range mfs {
		if err := enc.Encode(mf); err != nil {
			t.Fatal(err)
		}
	}
	return b.String()
}

// splitText returns the lines of a text exposition with each sample's
// value cut off, and the values by series.
func splitText(t *testing.T, text string) ([]string, map[string]float64) {
	t.Helper()
	var lines []string
	values := map[string]float64{}
	for l := range strings.SplitSeq(strings.TrimSuffix(text, "\n"), "\n") {
		if strings.HasPrefix(l, "#") {
			lines = append(lines, l)
			continue
		}
		i := strings.LastIndexByte(l, ' ')
		v, err := strconv.ParseFloat(l[i+1:], 64)
		if err != nil {
			t.Fatalf("%q: %v", l, err)
		}
		lines = append(lines, l[:i])
		values[l[:i]] = v
	}
	return lines, values
}

// TestGoRuntimeMatchesClientGolang: the go_* series a text scrape writes
// are client_golang's default Go collector's: the same families, help
// texts, types and series, line for line, the same values where they
// hold still, and, where the runtime moves them, values between what
// client_golang reads just before and just after. Not parallel, so that
// no other test's goroutines move them.
func TestGoRuntimeMatchesClientGolang(t *testing.T) {
	// Tiny allocations reach runtime/metrics at a collection, and
	// client_golang adds them to mallocs and frees: many more of them than
	// a Gather's allocations, so that leaving them out would show. The
	// collection also puts a pause in the summary.
	for i := range 100000 {
		tinySink = strconv.Itoa(1000 + i)
	}
	runtime.GC()
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector())
	g := newGoRuntime()
	var errs []string
	// A collection or the heap's growth during a read can put a value out
	// of bounds; a few tries give a quiet moment.
	for range 20 {
		wantLines, before := splitText(t, gatherText(t, reg))
		lines, got := splitText(t, goRuntimeText(t, g))
		_, after := splitText(t, gatherText(t, reg))
		if d := cmp.Diff(wantLines, lines); d != "" {
			t.Fatalf("families, help, types or series differ (-client_golang +vigia):\n%s", d)
		}
		if n := strings.Count(strings.Join(lines, "\n"), "# TYPE "); n != 29 || len(got) != 35 {
			t.Fatalf("%d families and %d series, want 29 and 35", n, len(got))
		}
		if errs = goRuntimeValuesDiffer(got, before, after); len(errs) == 0 {
			return
		}
	}
	t.Error(strings.Join(errs, "\n"))
}

var tinySink string

// goRuntimeValuesDiffer says which of got's values are not what
// client_golang read before and after got.
func goRuntimeValuesDiffer(got, before, after map[string]float64) []string {
	var errs []string
	for series, v := range got {
		lo, hi := min(before[series], after[series]), max(before[series], after[series])
		name, _, _ := strings.Cut(series, "{")
		var slack float64
		switch {
		case strings.HasPrefix(name, "go_gc_duration_seconds"), name == "go_memstats_last_gc_time_seconds",
			name == "go_info", name == "go_gc_gogc_percent", name == "go_gc_gomemlimit_bytes", name == "go_sched_gomaxprocs_threads":
			if lo != hi {
				return []string{"a collection between the reads"}
			}
		case name == "go_goroutines", name == "go_threads":
			slack = 10
		case strings.HasSuffix(name, "_total"):
			// Counters: between the two reads, exactly.
		case name == "go_memstats_sys_bytes":
			slack = 0.03 * hi
		default:
			slack = 0.05*hi + 1<<20
		}
		if v < lo-slack || v > hi+slack {
			errs = append(errs, fmt.Sprintf("%s = %v, client_golang's %v before and %v after", series, v, before[series], after[series]))
		}
	}
	slices.Sort(errs)
	return errs
}

// Families for TestTextSummaryHistogram: labels declared out of name
// order, one that sorts after quantile and le, and none.
var (
	textSum     = &reading.Family{Name: "test_summary_seconds", Help: "A summary \\ with\nhelp to escape.", Labels: []string{"z", "a"}}
	textSumBare = &reading.Family{Name: "test_bare_summary", Help: "No labels."}
	textHist    = &reading.Family{Name: "test_histogram_seconds", Help: "A histogram.", Labels: []string{"z", "a"}}
	textHistBar = &reading.Family{Name: "test_bare_histogram", Help: "No labels."}
	textBetween = &reading.Family{Name: "test_gauge", Help: "Sorts between them.", Type: reading.Gauge}
)

// distCase is one summary or histogram series, given to both writers.
type distCase struct {
	f      *reading.Family
	hist   bool
	count  uint64
	sum    float64
	points map[float64]float64
	labels []string
}

var distCases = []distCase{
	{f: textSum, count: 7, sum: 1.5, points: map[float64]float64{0.5: 0.25, 0: 0, 1: math.Inf(1), 0.99: math.NaN(), 0.9: 1e-7}, labels: []string{"zz", "a \"quoted\"\n"}},
	{f: textSum, count: 0, sum: 0, points: map[float64]float64{0.5: math.NaN()}, labels: []string{"aa", "b"}},
	{f: textSum, count: 1, sum: 2, labels: []string{"aa", "c"}},
	{f: textSumBare, count: 4, sum: math.NaN(), points: map[float64]float64{0.25: 1, 0.75: 3}},
	{f: textHist, hist: true, count: 10, sum: 0.01, points: map[float64]float64{0.01: 10, 0.0001: 2, 0.001: 9}, labels: []string{"z1", "a"}},
	{f: textHist, hist: true, count: 12, sum: math.NaN(), points: map[float64]float64{math.Inf(1): 12, 1: 11, -1: 0}, labels: []string{"z0", "a"}},
	{f: textHist, hist: true, count: 3, sum: 123456789012, labels: []string{"z2", "bad \xff utf-8"}},
	{f: textHistBar, hist: true, count: 5, sum: 2.5, points: map[float64]float64{2.5: 5, 0.5: 1}},
}

// TestTextSummaryHistogram: summaries and histograms written as text are
// what Gather and expfmt make of client_golang's const summaries and
// histograms with the same values, byte for byte: quantile and le last
// among the labels, a +Inf bucket added when there is none, NaN and
// infinities, families and series in order.
func TestTextSummaryHistogram(t *testing.T) {
	t.Parallel()
	w := newTextWriter()
	fail := func(err error) { t.Error(err) }
	emit := w.emit(fail)
	emit(textBetween, 3)
	coll := &constCollector{}
	coll.ms = append(coll.ms, prometheus.MustNewConstMetric(prometheus.NewDesc(textBetween.Name, textBetween.Help, nil, nil), prometheus.GaugeValue, 3))
	for _, c := range distCases {
		desc := prometheus.NewDesc(c.f.Name, c.f.Help, c.f.Labels, nil)
		if c.hist {
			buckets := map[float64]uint64{}
			for b, n := range c.points {
				buckets[b] = uint64(n)
			}
			w.histogram(c.f, c.count, c.sum, buckets, fail, c.labels...)
			coll.ms = append(coll.ms, prometheus.MustNewConstHistogram(desc, c.count, c.sum, buckets, validUTF8(slices.Clone(c.labels))...))
			continue
		}
		var qs []textPoint
		for q, v := range c.points {
			qs = append(qs, textPoint{q, v})
		}
		w.summary(c.f, c.count, c.sum, qs, fail, c.labels...)
		coll.ms = append(coll.ms, prometheus.MustNewConstSummary(desc, c.count, c.sum, c.points, validUTF8(slices.Clone(c.labels))...))
	}
	w.render(nil, textFormat, fail)
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(coll)
	if d := cmp.Diff(gatherText(t, reg), w.out.String()); d != "" {
		t.Errorf("(-gather +text):\n%s", d)
	}
}

type constCollector struct{ ms []prometheus.Metric }

func (*constCollector) Describe(chan<- *prometheus.Desc) {}
func (c *constCollector) Collect(ch chan<- prometheus.Metric) {
	for _, m := range c.ms {
		ch <- m
	}
}

// TestTextScrapeGoAllocations: the go_* series and the latency
// histogram cost a text scrape no allocation once its buffers have
// grown, where gathering them cost hundreds.
func TestTextScrapeGoAllocations(t *testing.T) {
	g, w := newGoRuntime(), newTextWriter()
	fail := func(err error) { t.Error(err) }
	emit := w.emit(fail)
	latency, latencyFamily := fixtureOptions().AnalysisLatency(), newDescs().analysisLatency
	write := func() {
		w.samples, w.labels, w.dists, w.points = w.samples[:0], w.labels[:0], w.dists[:0], w.points[:0]
		g.write(w, emit, fail)
		w.histogram(latencyFamily, latency.Count, latency.Sum, latency.Buckets, fail)
		w.render(nil, textFormat, fail)
	}
	write()
	if allocs := testing.AllocsPerRun(20, write); allocs != 0 {
		t.Errorf("writing the go_* series and the latency histogram allocates %v times", allocs)
	}

	// The whole scrape: what is left is the handler's negotiation.
	h := Handler(New(Options{
		Snapshot:        func() []reading.Reading { return nil },
		Process:         func(reading.Emit) {},
		AnalysisLatency: func() Histogram { return latency },
	}))
	req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
	rec := httptest.NewRecorder()
	serve := func() {
		rec.Body.Reset()
		h.ServeHTTP(rec, req)
	}
	serve()
	if !strings.Contains(rec.Body.String(), "go_memstats_sys_bytes ") || !strings.Contains(rec.Body.String(), `vigia_analysis_duration_seconds_bucket{le="+Inf"} 10`) {
		t.Fatalf("scrape lacks the Go or latency series:\n%s", rec.Body)
	}
	allocs := testing.AllocsPerRun(20, serve)
	t.Logf("allocations per scrape: %v", allocs)
	if allocs > 30 {
		t.Errorf("a scrape of the go_* series and the latency histogram allocates %v times", allocs)
	}
}
