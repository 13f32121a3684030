package metrics

import (
	"cmp"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/vigia-dev/vigia/internal/reading"
)

// textfile is node_exporter's textfile collector: every *.prom file of a
// directory, in the text format, merged into /metrics with its types
// (histograms and summaries included) as the files give them. Files are
// read at each scrape in name order. A file that does not parse, carries
// timestamps, repeats a series, or names a family vigia already exposes
// (or exposes one an earlier file gave with another type or help) is left
// out whole and counted in node_textfile_scrape_error; the rest are
// served. Other names (a file being written as x.prom.tmp, then renamed)
// are ignored.
type textfile struct {
	dir    string
	logger *slog.Logger
	// mu guards failing: each file's last error, so that a bad file is
	// logged when it turns bad and when it is fixed, not at every scrape.
	mu      sync.Mutex
	failing map[string]string
}

const (
	textfileMtime = "node_textfile_mtime_seconds"
	textfileError = "node_textfile_scrape_error"
)

// textfileFile is what one file contributed.
type textfileFile struct {
	path     string
	families map[string]*dto.MetricFamily
	mtime    time.Time
}

// gather reads the directory and returns its families merged with their
// node_textfile_* series; taken holds the names already exposed, which no
// file may add to.
func (t *textfile) gather(taken map[string]bool) []*dto.MetricFamily {
	errs := map[string]string{}
	var files []textfileFile
	if t.dir != "" {
		entries, err := os.ReadDir(t.dir)
		if err != nil {
			errs[t.dir] = err.Error()
		}
		for _, e := range entries {
			if !strings.HasSuffix(e.Name(), ".prom") || e.IsDir() {
				continue
			}
			f, err := readTextfile(filepath.Join(t.dir, e.Name()))
			if err != nil {
				errs[f.path] = err.Error()
				continue
			}
			files = append(files, f)
		}
	}
	merged := map[string]*dto.MetricFamily{}
	origin := map[string]string{} // family → the files it came from, for a missing HELP
	var ok []textfileFile
	for _, f := range files {
		if err := mergeTextfile(merged, f.families, taken); err != nil {
			errs[f.path] = err.Error()
			continue
		}
		for name := range f.families {
			origin[name] += ", " + f.path
		}
		ok = append(ok, f)
	}
	t.log(errs)

	out := make([]*dto.MetricFamily, 0, len(merged)+2)
	for name, mf := range merged {
		if mf.Help == nil {
			mf.Help = ptr("Metric read from " + strings.TrimPrefix(origin[name], ", "))
		}
		slices.SortFunc(mf.Metric, compareMetric)
		out = append(out, mf)
	}
	if len(ok) > 0 {
		mt := &dto.MetricFamily{Name: ptr(textfileMtime), Help: ptr("Unixtime mtime of textfiles successfully read."), Type: dto.MetricType_GAUGE.Enum()}
		for _, f := range ok {
			mt.Metric = append(mt.Metric, gaugeMetric(float64(f.mtime.Unix()), "file", f.path))
		}
		out = append(out, mt)
	}
	out = append(out, &dto.MetricFamily{
		Name: ptr(textfileError), Help: ptr("1 if there was an error opening or reading a file, 0 otherwise"),
		Type: dto.MetricType_GAUGE.Enum(), Metric: []*dto.Metric{gaugeMetric(b2f(len(errs) > 0))},
	})
	return out
}

// readTextfile parses one file; the mtime is taken after the parse, so a
// file that fails never looks fresh.
func readTextfile(path string) (textfileFile, error) {
	f := textfileFile{path: path}
	r, err := os.Open(path)
	if err != nil {
		return f, err
	}
	defer r.Close()
	p := expfmt.NewTextParser(model.LegacyValidation)
	if f.families, err = p.TextToMetricFamilies(r); err != nil {
		return f, err
	}
	for name, mf := range f.families {
		seen := make(map[string]bool, len(mf.Metric))
		for _, m := range mf.Metric {
			if m.TimestampMs != nil {
				return f, fmt.Errorf("%s: timestamps are not supported", name)
			}
			slices.SortFunc(m.Label, compareLabel)
			key := seriesKey(m)
			if seen[key] {
				return f, fmt.Errorf("%s{%s}: series repeated", name, key)
			}
			seen[key] = true
		}
	}
	st, err := r.Stat()
	if err != nil {
		return f, err
	}
	f.mtime = st.ModTime()
	return f, nil
}

// mergeTextfile adds one file's families to merged, or nothing if any of
// them clashes.
func mergeTextfile(merged, families map[string]*dto.MetricFamily, taken map[string]bool) error {
	for name, mf := range families {
		if taken[name] || reservedTextfileName(name) {
			return fmt.Errorf("%s is already exposed by vigia", name)
		}
		prev := merged[name]
		if prev == nil {
			continue
		}
		if prev.GetType() != mf.GetType() {
			return fmt.Errorf("%s: type %s, an earlier file gave %s", name, mf.GetType(), prev.GetType())
		}
		if prev.Help != nil && mf.Help != nil && prev.GetHelp() != mf.GetHelp() {
			return fmt.Errorf("%s: help %q, an earlier file gave %q", name, mf.GetHelp(), prev.GetHelp())
		}
		seen := make(map[string]bool, len(prev.Metric))
		for _, m := range prev.Metric {
			seen[seriesKey(m)] = true
		}
		for _, m := range mf.Metric {
			if seen[seriesKey(m)] {
				return fmt.Errorf("%s{%s}: series repeated from an earlier file", name, seriesKey(m))
			}
		}
	}
	for name, mf := range families {
		if prev := merged[name]; prev != nil {
			prev.Metric = append(prev.Metric, mf.Metric...)
			if prev.Help == nil {
				prev.Help = mf.Help
			}
			continue
		}
		merged[name] = mf
	}
	return nil
}

// reservedTextfileName: the families the textfile collector reports
// itself, which no file may give even when nothing else exposes them yet
// (its health goes into node_scrape_collector_*).
func reservedTextfileName(name string) bool {
	switch name {
	case textfileMtime, textfileError, reading.ScrapeCollectorSuccess.Name, reading.ScrapeCollectorDuration.Name:
		return true
	}
	return false
}

// seriesKey is a metric's labels in name order, as name="value",…; an
// empty value is the same series as the label left out.
func seriesKey(m *dto.Metric) string {
	ls := make([]string, 0, len(m.Label))
	for _, l := range m.Label {
		if l.GetValue() != "" {
			ls = append(ls, fmt.Sprintf("%s=%q", l.GetName(), l.GetValue()))
		}
	}
	slices.Sort(ls)
	return strings.Join(ls, ",")
}

// compareMetric orders series by their labels, which are sorted by name
// (the registry sorts its own; readTextfile sorts the files').
func compareMetric(a, b *dto.Metric) int {
	for i := 0; i < len(a.Label) && i < len(b.Label); i++ {
		if c := cmp.Or(cmp.Compare(a.Label[i].GetName(), b.Label[i].GetName()), cmp.Compare(a.Label[i].GetValue(), b.Label[i].GetValue())); c != 0 {
			return c
		}
	}
	return cmp.Compare(len(a.Label), len(b.Label))
}

func compareLabel(a, b *dto.LabelPair) int { return cmp.Compare(a.GetName(), b.GetName()) }

func ptr[T any](v T) *T { return &v }

func gaugeMetric(v float64, kv ...string) *dto.Metric {
	m := &dto.Metric{Gauge: &dto.Gauge{Value: ptr(v)}}
	for i := 0; i+1 < len(kv); i += 2 {
		m.Label = append(m.Label, &dto.LabelPair{Name: ptr(kv[i]), Value: ptr(kv[i+1])})
	}
	return m
}

// log says when a file starts failing, with why, and when it stops.
func (t *textfile) log(errs map[string]string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for path, msg := range errs {
		if t.failing[path] != msg {
			t.logger.Warn("textfile skipped", "file", path, "error", msg)
		}
	}
	for path := range t.failing {
		if _, still := errs[path]; !still {
			t.logger.Info("textfile read again", "file", path)
		}
	}
	t.failing = errs
}

// textfileGatherer serves what inner gathers plus the textfile
// directory's families, and the textfile collector's own health among
// the node collectors'.
type textfileGatherer struct {
	inner prometheus.Gatherer
	tf    *textfile
}

func (g textfileGatherer) Gather() ([]*dto.MetricFamily, error) {
	mfs, err := g.inner.Gather()
	start := time.Now()
	taken := make(map[string]bool, len(mfs))
	for _, mf := range mfs {
		taken[mf.GetName()] = true
	}
	mfs = append(mfs, g.tf.gather(taken)...)
	dur := time.Since(start).Seconds()
	for _, h := range []struct {
		f *reading.Family
		v float64
	}{{reading.ScrapeCollectorDuration, dur}, {reading.ScrapeCollectorSuccess, 1}} {
		i := slices.IndexFunc(mfs, func(mf *dto.MetricFamily) bool { return mf.GetName() == h.f.Name })
		if i < 0 {
			mfs = append(mfs, &dto.MetricFamily{Name: ptr(h.f.Name), Help: ptr(h.f.Help), Type: dto.MetricType_GAUGE.Enum()})
			i = len(mfs) - 1
		}
		mfs[i].Metric = append(mfs[i].Metric, gaugeMetric(h.v, "collector", "textfile"))
		slices.SortFunc(mfs[i].Metric, compareMetric)
	}
	slices.SortFunc(mfs, func(a, b *dto.MetricFamily) int { return cmp.Compare(a.GetName(), b.GetName()) })
	return mfs, err
}
