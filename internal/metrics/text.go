package metrics

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"

	"github.com/vigia-dev/vigia/internal/reading"
)

// textWriter writes the families that internal/node's collectors, vigia's
// own process collector, the vigia_* and container_* series, the Go
// runtime's (goRuntime) and the latency histogram emit (hundreds of
// series a scrape) straight into the text exposition format,
// from the collectors' buffers: no const metric, no protobuf object and no
// per-series validation is built for them, which was a quarter of a
// scrape's CPU and most of its garbage (the vigia_* series alone: 250
// against 380 µs a scrape, 635 against 1,809 allocations,
// BenchmarkHandlerVigia). The output is what client_golang's Gather and text encoder
// make of the same samples, byte for byte: families in name order, series
// in label-value order with their labels in name order, the first of two
// identical series kept, a sample whose label count or family shape is
// wrong left out and logged; summaries and histograms as expfmt writes
// them, quantile or le after the series' labels and a +Inf bucket added.
// Only the text format takes this path; everything else (protobuf, a
// name[] filter, remote write) still gathers, client_golang's Go
// collector included.
type textWriter struct {
	mu sync.Mutex
	// fams caches what each family's lines start with, built the first
	// time the family is seen.
	fams    map[*reading.Family]*textFamily
	samples []textSample
	labels  []string // every sample's label values, in label-name order
	dists   []textDist
	points  []textPoint
	out     bytes.Buffer
	line    []byte
	taken   map[string]bool
}

// textFamily is one family's pre-encoded text: its HELP and TYPE lines,
// and the `{name="` / `",name="` prefix of each label, in name order.
type textFamily struct {
	f      *reading.Family
	name   string
	typ    string // the TYPE line's word
	head   []byte
	order  []int // f.Labels indexes in name order
	pre    [][]byte
	sorted []string // label names in name order, to compare shapes
}

type textSample struct {
	fam    *textFamily
	v      float64
	lo, hi int32
	// dist is 0 for a gauge, counter or untyped sample, else 1 + the
	// index of its summary or histogram in textWriter.dists.
	dist int32
}

// textDist is one summary's quantiles or one histogram's buckets,
// t.points[lo:hi], sorted by quantile or upper bound.
type textDist struct {
	count  uint64
	sum    float64
	lo, hi int32
}

// textPoint is a summary's quantile and its value, or a histogram's
// upper bound and the cumulative count at or below it.
type textPoint struct{ bound, v float64 }

func newTextWriter() *textWriter {
	return &textWriter{fams: map[*reading.Family]*textFamily{}, taken: map[string]bool{}}
}

// family returns f's pre-encoded text. typ is the TYPE line's word,
// f.Type's when empty; a family's first sample fixes it.
func (t *textWriter) family(f *reading.Family, typ string) *textFamily {
	if tf := t.fams[f]; tf != nil {
		return tf
	}
	tf := &textFamily{f: f, name: f.Name, order: make([]int, len(f.Labels))}
	for i := range tf.order {
		tf.order[i] = i
	}
	slices.SortStableFunc(tf.order, func(a, b int) int { return cmp.Compare(f.Labels[a], f.Labels[b]) })
	for k, i := range tf.order {
		sep := `",`
		if k == 0 {
			sep = "{"
		}
		tf.pre = append(tf.pre, []byte(sep+f.Labels[i]+`="`))
		tf.sorted = append(tf.sorted, f.Labels[i])
	}
	if typ == "" {
		typ = "gauge"
		switch f.Type {
		case reading.Counter:
			typ = "counter"
		case reading.Untyped:
			typ = "untyped"
		}
	}
	tf.typ = typ
	head := "# HELP " + f.Name + " " + helpEscaper.Replace(f.Help) + "\n# TYPE " + f.Name + " " + typ + "\n"
	tf.head = []byte(head)
	t.fams[f] = tf
	return tf
}

var (
	helpEscaper  = strings.NewReplacer(`\`, `\\`, "\n", `\n`)
	labelEscaper = strings.NewReplacer(`\`, `\\`, "\n", `\n`, `"`, `\"`)
)

// emit is a reading.Emit that keeps the sample for render.
func (t *textWriter) emit(logger func(error)) reading.Emit {
	return func(f *reading.Family, v float64, labelValues ...string) {
		t.keep(t.family(f, ""), v, 0, labelValues, logger)
	}
}

// summary keeps one series of the summary f: count and sum, and its
// quantiles as (quantile, value) points in any order.
func (t *textWriter) summary(f *reading.Family, count uint64, sum float64, quantiles []textPoint, logger func(error), labelValues ...string) {
	lo := len(t.points)
	t.points = append(t.points, quantiles...)
	t.dist(t.family(f, "summary"), count, sum, lo, logger, labelValues)
}

// histogram keeps one series of the histogram f: count and sum, and the
// cumulative count at or below each upper bound in buckets, as
// NewConstHistogram takes them; a +Inf bucket is written from count when buckets has none, as expfmt
// does.
func (t *textWriter) histogram(f *reading.Family, count uint64, sum float64, buckets map[float64]uint64, logger func(error), labelValues ...string) {
	lo := len(t.points)
	for bound, n := range buckets {
		t.points = append(t.points, textPoint{bound, float64(n)})
	}
	t.dist(t.family(f, "histogram"), count, sum, lo, logger, labelValues)
}

// dist keeps a summary's or histogram's series, whose points were
// appended to t.points from lo.
func (t *textWriter) dist(tf *textFamily, count uint64, sum float64, lo int, logger func(error), labelValues []string) {
	// client_golang's const summaries and histograms sort theirs so.
	slices.SortFunc(t.points[lo:], func(a, b textPoint) int { return cmp.Compare(a.bound, b.bound) })
	t.dists = append(t.dists, textDist{count: count, sum: sum, lo: int32(lo), hi: int32(len(t.points))})
	if !t.keep(tf, sum, int32(len(t.dists)), labelValues, logger) {
		t.points, t.dists = t.points[:lo], t.dists[:len(t.dists)-1]
	}
}

func (t *textWriter) keep(tf *textFamily, v float64, dist int32, labelValues []string, logger func(error)) bool {
	if len(labelValues) != len(tf.order) {
		logger(fmt.Errorf("%s: inconsistent label cardinality: expected %d label values but got %d", tf.name, len(tf.order), len(labelValues)))
		return false
	}
	lo := len(t.labels)
	for _, i := range tf.order {
		l := labelValues[i]
		if !utf8Valid(l) {
			l = strings.ToValidUTF8(l, "\uFFFD")
		}
		t.labels = append(t.labels, l)
	}
	t.samples = append(t.samples, textSample{fam: tf, v: v, lo: int32(lo), hi: int32(len(t.labels)), dist: dist})
	return true
}

func (t *textWriter) compare(a, b textSample) int {
	if a.fam != b.fam {
		if c := cmp.Compare(a.fam.name, b.fam.name); c != 0 {
			return c
		}
	}
	la, lb := t.labels[a.lo:a.hi], t.labels[b.lo:b.hi]
	if c := cmp.Compare(len(la), len(lb)); c != 0 {
		return c
	}
	for i := range la {
		if c := cmp.Compare(la[i], lb[i]); c != 0 {
			return c
		}
	}
	return 0
}

// render writes mfs (client_golang's families, sorted by name) and the
// kept samples, merged in name order, into t.out.
func (t *textWriter) render(mfs []*dto.MetricFamily, format expfmt.Format, logger func(error)) {
	slices.SortStableFunc(t.samples, t.compare)
	t.out.Reset()
	// An encoder costs ten allocations, and most scrapes have no family
	// left for it.
	var enc expfmt.Encoder
	encode := func(mf *dto.MetricFamily) {
		if enc == nil {
			enc = expfmt.NewEncoder(&t.out, format)
		}
		if err := enc.Encode(mf); err != nil {
			logger(err)
		}
	}
	m := 0
	for i := 0; i < len(t.samples); {
		first := t.samples[i]
		for m < len(mfs) && mfs[m].GetName() < first.fam.name {
			encode(mfs[m])
			m++
		}
		line := append(t.line[:0], first.fam.head...)
		var prev *textSample
		for ; i < len(t.samples) && t.samples[i].fam.name == first.fam.name; i++ {
			s := &t.samples[i]
			switch {
			case s.fam != first.fam && !sameShape(s.fam, first.fam):
				logger(fmt.Errorf("%s: help, type or labels differ from the family's first series", s.fam.name))
				continue
			case prev != nil && t.compare(*prev, *s) == 0:
				logger(fmt.Errorf("%s{%s}: was collected before with the same name and label values", s.fam.name, strings.Join(t.labels[s.lo:s.hi], ",")))
				continue
			}
			prev = s
			if s.dist == 0 {
				line = t.appendSample(line, first.fam, s, "", "", 0, s.v)
				continue
			}
			d := t.dists[s.dist-1]
			label, suffix := "quantile", ""
			if first.fam.typ == "histogram" {
				label, suffix = "le", "_bucket"
			}
			inf := false
			for _, p := range t.points[d.lo:d.hi] {
				line = t.appendSample(line, first.fam, s, suffix, label, p.bound, p.v)
				inf = inf || math.IsInf(p.bound, 1)
			}
			if label == "le" && !inf {
				line = t.appendSample(line, first.fam, s, suffix, label, math.Inf(1), float64(d.count))
			}
			line = t.appendSample(line, first.fam, s, "_sum", "", 0, d.sum)
			line = t.appendSample(line, first.fam, s, "_count", "", 0, float64(d.count))
		}
		t.out.Write(line)
		t.line = line
	}
	for ; m < len(mfs); m++ {
		encode(mfs[m])
	}
}

// appendSample appends one line of s: the family's name and suffix,
// s's labels and then, as expfmt places it, the quantile or le label
// named extra, if any.
func (t *textWriter) appendSample(line []byte, tf *textFamily, s *textSample, suffix, extra string, extraValue, v float64) []byte {
	line = append(line, tf.name...)
	line = append(line, suffix...)
	for k, l := range t.labels[s.lo:s.hi] {
		line = append(line, tf.pre[k]...)
		line = appendLabelValue(line, l)
	}
	switch {
	case extra != "":
		if s.hi > s.lo {
			line = append(line, `",`...)
		} else {
			line = append(line, '{')
		}
		line = append(line, extra...)
		line = append(line, `="`...)
		line = appendFloat(line, extraValue)
		line = append(line, `"}`...)
	case s.hi > s.lo:
		line = append(line, `"}`...)
	}
	line = append(line, ' ')
	line = appendFloat(line, v)
	return append(line, '\n')
}

func sameShape(a, b *textFamily) bool {
	return a.f.Help == b.f.Help && a.typ == b.typ && slices.Equal(a.sorted, b.sorted)
}

func appendLabelValue(b []byte, v string) []byte {
	if strings.ContainsAny(v, "\\\n\"") {
		return append(b, labelEscaper.Replace(v)...)
	}
	return append(b, v...)
}

// appendFloat formats v as the text format's encoder does.
func appendFloat(b []byte, v float64) []byte {
	switch {
	case v == 1:
		return append(b, '1')
	case v == 0:
		return append(b, '0')
	case v == -1:
		return append(b, "-1"...)
	case math.IsNaN(v):
		return append(b, "NaN"...)
	case math.IsInf(v, 1):
		return append(b, "+Inf"...)
	case math.IsInf(v, -1):
		return append(b, "-Inf"...)
	}
	return strconv.AppendFloat(b, v, 'g', -1, 64)
}

// textEncoding says how a text answer is sent: gzipped or not, or ok
// false for an Accept-Encoding this path does not decide itself (one
// with weights or other codings), which promhttp's negotiation then
// answers. Prometheus and Go's client send "gzip"; curl sends none.
func textEncoding(r *http.Request) (gz, ok bool) {
	switch strings.TrimSpace(r.Header.Get("Accept-Encoding")) {
	case "", "identity":
		return false, true
	case "gzip":
		return true, true
	}
	return false, false
}

var gzipPool = sync.Pool{New: func() any { return gzip.NewWriter(nil) }}

// serveText answers a scrape in the text format: every family written by
// textWriter, merged by name with the textfile directory's and, when
// Options.Process is nil, client_golang's process collector's, which
// are still gathered.
func (c *Collector) serveText(w http.ResponseWriter, format expfmt.Format, gz bool) {
	logger := func(err error) {
		if c.opts.Logger != nil {
			c.opts.Logger.Warn("metrics collection", "error", err.Error())
		}
	}
	t := c.text
	t.mu.Lock()
	defer t.mu.Unlock()
	var mfs []*dto.MetricFamily
	if c.base != nil {
		var err error
		if mfs, err = c.base.Gather(); err != nil {
			logger(fmt.Errorf("error gathering metrics: %w", err))
		}
	}
	t.samples, t.labels, t.dists, t.points = t.samples[:0], t.labels[:0], t.dists[:0], t.points[:0]
	emit := t.emit(logger)
	c.collect(emit)
	c.goRuntime.write(t, emit, logger)
	if c.opts.AnalysisLatency != nil {
		h := c.opts.AnalysisLatency()
		t.histogram(c.descs.analysisLatency, h.Count, h.Sum, h.Buckets, logger)
	}
	if c.tf != nil {
		start := time.Now()
		clear(t.taken)
		for _, mf := range mfs {
			t.taken[mf.GetName()] = true
		}
		for _, s := range t.samples {
			t.taken[s.fam.name] = true
		}
		mfs = append(mfs, c.tf.gather(t.taken)...)
		slices.SortFunc(mfs, func(a, b *dto.MetricFamily) int { return cmp.Compare(a.GetName(), b.GetName()) })
		dur := time.Since(start).Seconds()
		emit(reading.ScrapeCollectorDuration, dur, "textfile")
		emit(reading.ScrapeCollectorSuccess, 1, "textfile")
	}
	t.render(mfs, format, logger)
	h := w.Header()
	h.Add("Vary", "Accept")
	h.Add("Vary", "Accept-Encoding")
	h.Set("Content-Type", string(format))
	if !gz {
		w.Write(t.out.Bytes())
		return
	}
	h.Set("Content-Encoding", "gzip")
	zw := gzipPool.Get().(*gzip.Writer)
	zw.Reset(w)
	zw.Write(t.out.Bytes())
	zw.Close()
	gzipPool.Put(zw)
}
