package main

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/sensor"
)

// rateSensor reports a gauge on every read and, like the memory sensor's
// swap traffic, a rate only from its second read on; first, when set, is
// what its first read returns instead.
type rateSensor struct {
	reads int
	first error
	later error
}

func (s *rateSensor) Name() string { return "fake" }

func (s *rateSensor) Read(_ context.Context, now time.Time) (reading.Reading, error) {
	s.reads++
	if s.reads == 1 && s.first != nil {
		return reading.Reading{}, s.first
	}
	if s.reads > 1 && s.later != nil {
		return reading.Reading{}, s.later
	}
	r := reading.Reading{Sensor: "fake", Time: now, Metrics: []reading.Metric{{Name: "gauge", Value: 1}}}
	if s.reads > 1 {
		r.Metrics = append(r.Metrics, reading.Metric{Name: "rate", Value: 2})
	}
	return r, nil
}

func TestReadSensorTakesTwoSamples(t *testing.T) {
	t.Parallel()
	broken := errors.New("read /proc/x: no such file")
	tests := []struct {
		name    string
		s       *rateSensor
		metrics []string
		err     string
	}{
		{"gauges at once, rates on the second read", &rateSensor{}, []string{"gauge", "rate"}, ""},
		{"warming up first", &rateSensor{first: sensor.ErrWarmup}, []string{"gauge", "rate"}, ""},
		{"failing at once is read once", &rateSensor{first: broken}, nil, broken.Error()},
		{"failing on the second read", &rateSensor{later: broken}, nil, broken.Error()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := readSensor(context.Background(), tt.s, 0)
			var got []string
			for _, m := range r.Metrics {
				got = append(got, m.Name)
			}
			if diff := cmp.Diff(tt.metrics, got); diff != "" || r.Err != tt.err {
				t.Errorf("readSensor: err %q (want %q), metrics mismatch (-want +got):\n%s", r.Err, tt.err, diff)
			}
		})
	}
}
