package metrics

import (
	"cmp"
	"encoding/binary"
	"math"
	"slices"
	"strconv"

	dto "github.com/prometheus/client_model/go"
)

// label is one name="value" pair of a remote-write series.
type label struct{ name, value string }

// writeRequest encodes families as a remote-write 1.0 WriteRequest
// (prometheus/prompb: WriteRequest{timeseries=1}, TimeSeries{labels=1,
// samples=2}, Label{name=1, value=2}, Sample{value=1, timestamp=2}), one
// sample a series, stamped nowMillis unless the metric carries its own
// time. Histograms and summaries become the _bucket/_sum/_count and
// quantile series the text format shows. extra labels are added to every
// series that does not have a label of that name already, as Prometheus
// adds external labels. It returns the encoding and its sample count.
func writeRequest(dst []byte, families []*dto.MetricFamily, extra []label, nowMillis int64) ([]byte, int) {
	e := seriesEncoder{buf: dst, extra: extra}
	for _, f := range families {
		name := f.GetName()
		for _, m := range f.GetMetric() {
			ts := nowMillis
			if m.TimestampMs != nil {
				ts = m.GetTimestampMs()
			}
			ls := m.GetLabel()
			switch f.GetType() {
			case dto.MetricType_COUNTER:
				e.series(name, ls, label{}, m.GetCounter().GetValue(), ts)
			case dto.MetricType_GAUGE:
				e.series(name, ls, label{}, m.GetGauge().GetValue(), ts)
			case dto.MetricType_UNTYPED:
				e.series(name, ls, label{}, m.GetUntyped().GetValue(), ts)
			case dto.MetricType_SUMMARY:
				s := m.GetSummary()
				for _, q := range s.GetQuantile() {
					e.series(name, ls, label{"quantile", formatFloat(q.GetQuantile())}, q.GetValue(), ts)
				}
				e.series(name+"_sum", ls, label{}, s.GetSampleSum(), ts)
				e.series(name+"_count", ls, label{}, float64(s.GetSampleCount()), ts)
			case dto.MetricType_HISTOGRAM, dto.MetricType_GAUGE_HISTOGRAM:
				h := m.GetHistogram()
				inf := false
				for _, b := range h.GetBucket() {
					inf = inf || math.IsInf(b.GetUpperBound(), 1)
					e.series(name+"_bucket", ls, label{"le", formatFloat(b.GetUpperBound())}, float64(b.GetCumulativeCount()), ts)
				}
				if !inf {
					e.series(name+"_bucket", ls, label{"le", "+Inf"}, float64(h.GetSampleCount()), ts)
				}
				e.series(name+"_sum", ls, label{}, h.GetSampleSum(), ts)
				e.series(name+"_count", ls, label{}, float64(h.GetSampleCount()), ts)
			}
		}
	}
	return e.buf, e.samples
}

// formatFloat writes a bucket bound or quantile as the text format does,
// so a pushed series has the labels a scraped one would.
func formatFloat(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "+Inf"
	case math.IsInf(f, -1):
		return "-Inf"
	case math.IsNaN(f):
		return "NaN"
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

type seriesEncoder struct {
	buf     []byte
	extra   []label
	samples int
	labels  []label // reused between series
	ts      []byte  // one TimeSeries, reused
}

// series appends one TimeSeries: its labels sorted by name, as the
// protocol asks, then its sample.
func (e *seriesEncoder) series(name string, ls []*dto.LabelPair, more label, v float64, ts int64) {
	e.labels = append(e.labels[:0], label{"__name__", name})
	for _, l := range ls {
		e.labels = append(e.labels, label{l.GetName(), l.GetValue()})
	}
	if more.name != "" {
		e.labels = append(e.labels, more)
	}
	for _, x := range e.extra {
		if !slices.ContainsFunc(e.labels, func(l label) bool { return l.name == x.name }) {
			e.labels = append(e.labels, x)
		}
	}
	slices.SortFunc(e.labels, func(a, b label) int { return cmp.Compare(a.name, b.name) })

	b := e.ts[:0]
	for _, l := range e.labels {
		b = appendTag(b, 1, wireBytes)
		b = binary.AppendUvarint(b, uint64(sizeString(1, l.name)+sizeString(2, l.value)))
		b = appendString(b, 1, l.name)
		b = appendString(b, 2, l.value)
	}
	b = appendTag(b, 2, wireBytes)
	b = binary.AppendUvarint(b, uint64(sampleSize(ts)))
	b = appendTag(b, 1, wireFixed64)
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
	b = appendTag(b, 2, wireVarint)
	b = binary.AppendUvarint(b, uint64(ts))
	e.ts = b

	e.buf = appendTag(e.buf, 1, wireBytes)
	e.buf = binary.AppendUvarint(e.buf, uint64(len(b)))
	e.buf = append(e.buf, b...)
	e.samples++
}

// Protocol buffers wire types.
const (
	wireVarint  = 0
	wireFixed64 = 1
	wireBytes   = 2
)

func appendTag(b []byte, field, wire int) []byte {
	return binary.AppendUvarint(b, uint64(field<<3|wire))
}

func appendString(b []byte, field int, s string) []byte {
	b = appendTag(b, field, wireBytes)
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func sizeString(field int, s string) int {
	return uvarintSize(uint64(field<<3|wireBytes)) + uvarintSize(uint64(len(s))) + len(s)
}

// sampleSize is a Sample's encoded length: the double's tag and 8 bytes,
// the timestamp's tag and varint (a negative int64 takes 10 bytes).
func sampleSize(ts int64) int {
	return 1 + 8 + 1 + uvarintSize(uint64(ts))
}

func uvarintSize(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}
