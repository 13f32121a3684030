package metrics

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	dto "github.com/prometheus/client_model/go"
)

// decodedSeries is one TimeSeries as the test's own decoder reads it.
type decodedSeries struct {
	Labels []string // name=value, in the order sent
	Value  float64
	TS     int64
}

// decodeWriteRequest reads a WriteRequest by the wire format alone, written
// apart from the encoder so a mistake in one is not repeated in the other.
func decodeWriteRequest(b []byte) ([]decodedSeries, error) {
	var out []decodedSeries
	err := fields(b, func(num int, wire int, v []byte, _ uint64) error {
		if num != 1 || wire != 2 {
			return fmt.Errorf("WriteRequest field %d wire %d", num, wire)
		}
		var s decodedSeries
		samples := 0
		err := fields(v, func(num, wire int, v []byte, _ uint64) error {
			switch {
			case num == 1 && wire == 2:
				var name, value string
				err := fields(v, func(num, wire int, v []byte, _ uint64) error {
					switch {
					case num == 1 && wire == 2:
						name = string(v)
					case num == 2 && wire == 2:
						value = string(v)
					default:
						return fmt.Errorf("Label field %d wire %d", num, wire)
					}
					return nil
				})
				s.Labels = append(s.Labels, name+"="+value)
				return err
			case num == 2 && wire == 2:
				samples++
				return fields(v, func(num, wire int, v []byte, x uint64) error {
					switch {
					case num == 1 && wire == 1:
						s.Value = math.Float64frombits(x)
					case num == 2 && wire == 0:
						s.TS = int64(x)
					default:
						return fmt.Errorf("Sample field %d wire %d", num, wire)
					}
					return nil
				})
			}
			return fmt.Errorf("TimeSeries field %d wire %d", num, wire)
		})
		if samples != 1 {
			return fmt.Errorf("series %v has %d samples", s.Labels, samples)
		}
		out = append(out, s)
		return err
	})
	return out, err
}

// fields calls f for each field of a message: bytes fields with their
// contents, varint and fixed64 fields with their value.
func fields(b []byte, f func(num, wire int, v []byte, x uint64) error) error {
	for len(b) > 0 {
		tag, n := binary.Uvarint(b)
		if n <= 0 {
			return errors.New("bad tag")
		}
		b = b[n:]
		num, wire := int(tag>>3), int(tag&7)
		var err error
		switch wire {
		case 0:
			x, n := binary.Uvarint(b)
			if n <= 0 {
				return errors.New("bad varint")
			}
			b = b[n:]
			err = f(num, wire, nil, x)
		case 1:
			if len(b) < 8 {
				return errors.New("short fixed64")
			}
			err = f(num, wire, nil, binary.LittleEndian.Uint64(b))
			b = b[8:]
		case 2:
			l, n := binary.Uvarint(b)
			if n <= 0 || uint64(len(b)-n) < l {
				return errors.New("bad length")
			}
			err = f(num, wire, b[n:n+int(l)], 0)
			b = b[n+int(l):]
		default:
			return fmt.Errorf("wire type %d", wire)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func lp(name, value string) *dto.LabelPair { return &dto.LabelPair{Name: &name, Value: &value} }

func TestWriteRequest(t *testing.T) {
	t.Parallel()
	counter, gauge, summary, histogram, untyped := dto.MetricType_COUNTER, dto.MetricType_GAUGE, dto.MetricType_SUMMARY, dto.MetricType_HISTOGRAM, dto.MetricType_UNTYPED
	fams := []*dto.MetricFamily{
		{Name: ptr("node_cpu_seconds_total"), Type: &counter, Metric: []*dto.Metric{
			{Label: []*dto.LabelPair{lp("mode", "idle"), lp("cpu", "0")}, Counter: &dto.Counter{Value: ptr(12.5)}},
		}},
		// A series with its own job keeps it; instance is added.
		{Name: ptr("node_load1"), Type: &gauge, Metric: []*dto.Metric{
			{Label: []*dto.LabelPair{lp("job", "mine")}, Gauge: &dto.Gauge{Value: ptr(0.0)}, TimestampMs: ptr[int64](-5)},
		}},
		{Name: ptr("node_vmstat_pgfault"), Type: &untyped, Metric: []*dto.Metric{{Untyped: &dto.Untyped{Value: ptr(math.Inf(1))}}}},
		{Name: ptr("go_gc_duration_seconds"), Type: &summary, Metric: []*dto.Metric{{Summary: &dto.Summary{
			SampleCount: ptr[uint64](3), SampleSum: ptr(0.25),
			Quantile: []*dto.Quantile{{Quantile: ptr(0.5), Value: ptr(0.1)}},
		}}}},
		{Name: ptr("vigia_analysis_latency_seconds"), Type: &histogram, Metric: []*dto.Metric{{Histogram: &dto.Histogram{
			SampleCount: ptr[uint64](4), SampleSum: ptr(0.002),
			Bucket: []*dto.Bucket{{UpperBound: ptr(0.00001), CumulativeCount: ptr[uint64](1)}, {UpperBound: ptr(1.0), CumulativeCount: ptr[uint64](3)}},
		}}}},
	}
	const now = 1_700_000_000_123
	b, n := writeRequest([]byte{}, fams, []label{{"job", "vigia"}, {"instance", "box"}}, now)
	got, err := decodeWriteRequest(b)
	if err != nil {
		t.Fatalf("decoding: %v", err)
	}
	want := []decodedSeries{
		{[]string{"__name__=node_cpu_seconds_total", "cpu=0", "instance=box", "job=vigia", "mode=idle"}, 12.5, now},
		{[]string{"__name__=node_load1", "instance=box", "job=mine"}, 0, -5},
		{[]string{"__name__=node_vmstat_pgfault", "instance=box", "job=vigia"}, math.Inf(1), now},
		{[]string{"__name__=go_gc_duration_seconds", "instance=box", "job=vigia", "quantile=0.5"}, 0.1, now},
		{[]string{"__name__=go_gc_duration_seconds_sum", "instance=box", "job=vigia"}, 0.25, now},
		{[]string{"__name__=go_gc_duration_seconds_count", "instance=box", "job=vigia"}, 3, now},
		{[]string{"__name__=vigia_analysis_latency_seconds_bucket", "instance=box", "job=vigia", "le=1e-05"}, 1, now},
		{[]string{"__name__=vigia_analysis_latency_seconds_bucket", "instance=box", "job=vigia", "le=1"}, 3, now},
		{[]string{"__name__=vigia_analysis_latency_seconds_bucket", "instance=box", "job=vigia", "le=+Inf"}, 4, now},
		{[]string{"__name__=vigia_analysis_latency_seconds_sum", "instance=box", "job=vigia"}, 0.002, now},
		{[]string{"__name__=vigia_analysis_latency_seconds_count", "instance=box", "job=vigia"}, 4, now},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("writeRequest decoded mismatch (-want +got):\n%s", diff)
	}
	if n != len(want) {
		t.Errorf("writeRequest counted %d samples, want %d", n, len(want))
	}
}

// The smallest request, byte for byte: one series, one label, one sample.
func TestWriteRequestBytes(t *testing.T) {
	t.Parallel()
	gauge := dto.MetricType_GAUGE
	fams := []*dto.MetricFamily{{Name: ptr("up"), Type: &gauge, Metric: []*dto.Metric{{Gauge: &dto.Gauge{Value: ptr(1.0)}}}}}
	got, _ := writeRequest(nil, fams, nil, 1)
	want := []byte{
		0x0a, 0x1d, // WriteRequest.timeseries, 29 bytes
		0x0a, 0x0e, // TimeSeries.labels, 14 bytes
		0x0a, 0x08, '_', '_', 'n', 'a', 'm', 'e', '_', '_', // Label.name
		0x12, 0x02, 'u', 'p', // Label.value
		0x12, 0x0b, // TimeSeries.samples, 11 bytes
		0x09, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f, // Sample.value 1.0
		0x10, 0x01, // Sample.timestamp 1
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("writeRequest bytes mismatch (-want +got):\n%s", diff)
	}
}

func FuzzWriteRequest(f *testing.F) {
	f.Add("node_load1", "device", "sda", 1.5, int64(1700000000000))
	f.Fuzz(func(t *testing.T, name, lname, lvalue string, v float64, ts int64) {
		gauge := dto.MetricType_GAUGE
		fams := []*dto.MetricFamily{{Name: &name, Type: &gauge, Metric: []*dto.Metric{{Label: []*dto.LabelPair{lp(lname, lvalue)}, Gauge: &dto.Gauge{Value: &v}}}}}
		b, _ := writeRequest(nil, fams, []label{{"job", "vigia"}}, ts)
		got, err := decodeWriteRequest(b)
		if err != nil || len(got) != 1 || got[0].TS != ts || math.Float64bits(got[0].Value) != math.Float64bits(v) {
			t.Fatalf("round trip of %q{%q=%q} %v @%d: %+v, %v", name, lname, lvalue, v, ts, got, err)
		}
	})
}
