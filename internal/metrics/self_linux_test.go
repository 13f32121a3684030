package metrics

import (
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	dto "github.com/prometheus/client_model/go"

	"github.com/vigia-dev/vigia/internal/node"
	"github.com/vigia-dev/vigia/internal/reading"
)

// gather collects c alone on a registry: family name to its help, type and
// the one sample's value.
func gather(t *testing.T, c prometheus.Collector) map[string]selfSample {
	t.Helper()
	reg := prometheus.NewRegistry()
	reg.MustRegister(c)
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]selfSample{}
	for _, mf := range mfs {
		m := mf.GetMetric()[0]
		v := m.GetGauge().GetValue() + m.GetCounter().GetValue()
		got[mf.GetName()] = selfSample{Help: mf.GetHelp(), Type: mf.GetType(), Value: v}
	}
	return got
}

type selfSample struct {
	Help  string
	Type  dto.MetricType
	Value float64
}

// The process_* series are client_golang's: same names, help texts and
// types, and values that agree within what moves between two reads.
func TestSelfCollectorMatchesClientGolang(t *testing.T) {
	want := gather(t, collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	self := node.Self()
	got := gather(t, New(Options{Snapshot: func() []reading.Reading { return nil }, Process: func(emit reading.Emit) { self.Update(emit) }}))
	for name := range got {
		if !strings.HasPrefix(name, "process_") {
			delete(got, name)
		}
	}
	// tolerance per family: what may change between the two collections.
	tol := map[string]float64{
		"process_cpu_seconds_total":            0.5,
		"process_open_fds":                     4,
		"process_virtual_memory_bytes":         256 << 20, // the Go heap reserves 64 MiB arenas at a time
		"process_resident_memory_bytes":        32 << 20,
		"process_start_time_seconds":           0.011,
		"process_network_receive_bytes_total":  1 << 20,
		"process_network_transmit_bytes_total": 1 << 20,
	}
	approx := cmp.Comparer(func(a, b selfSample) bool {
		return a.Help == b.Help && a.Type == b.Type
	})
	if diff := cmp.Diff(want, got, approx); diff != "" {
		t.Errorf("families (-client_golang +vigia):\n%s", diff)
	}
	for name, w := range want {
		if g, ok := got[name]; ok && math.Abs(g.Value-w.Value) > tol[name] {
			t.Errorf("%s = %v, client_golang reads %v", name, g.Value, w.Value)
		}
	}
}
