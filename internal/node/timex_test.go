package node

import (
	"errors"
	"fmt"
	"math"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/vigia-dev/vigia/internal/reading"
)

// TestTimexUnits: adjtimex's fixed-point and mixed units become seconds,
// ratios and hertz as node_exporter converts them; offset and jitter
// follow STA_NANO, the errors and tick stay in microseconds.
func TestTimexUnits(t *testing.T) {
	t.Parallel()
	base := timexValues{
		Offset: -1500, Freq: 655360, Maxerror: 16000, Esterror: 500, Status: 0x0001,
		Constant: 7, Tick: 10000, Ppsfreq: 65536, Jitter: 200, Shift: 4, Stabil: 131072,
		Jitcnt: 1, Calcnt: 2, Errcnt: 3, Stbcnt: 4, Tai: 37,
	}
	micro := map[string]float64{
		"node_timex_sync_status": 1, "node_timex_offset_seconds": -0.0015,
		"node_timex_frequency_adjustment_ratio": 1.00001, "node_timex_maxerror_seconds": 0.016,
		"node_timex_estimated_error_seconds": 0.0005, "node_timex_status": 1,
		"node_timex_loop_time_constant": 7, "node_timex_tick_seconds": 0.01,
		"node_timex_pps_frequency_hertz": 1e-6, "node_timex_pps_jitter_seconds": 0.0002,
		"node_timex_pps_shift_seconds": 4, "node_timex_pps_stability_hertz": 2e-6,
		"node_timex_pps_jitter_total": 1, "node_timex_pps_calibration_total": 2,
		"node_timex_pps_error_total": 3, "node_timex_pps_stability_exceeded_total": 4,
		"node_timex_tai_offset_seconds": 37,
	}
	nano := base
	nano.Status, nano.State = 0x2001, timeError
	wantNano := map[string]float64{}
	for k, v := range micro {
		wantNano[k] = v
	}
	wantNano["node_timex_offset_seconds"] = -1.5e-6
	wantNano["node_timex_pps_jitter_seconds"] = 2e-7
	wantNano["node_timex_status"] = 0x2001
	wantNano["node_timex_sync_status"] = 0
	for _, tt := range []struct {
		name string
		in   timexValues
		want map[string]float64
	}{{"microseconds, synchronised", base, micro}, {"nanoseconds, unsynchronised", nano, wantNano}} {
		t.Run(tt.name, func(t *testing.T) {
			got := map[string]float64{}
			c := &timex{adjtimex: func() (timexValues, error) { return tt.in, nil }}
			if err := c.Update(func(f *reading.Family, v float64, _ ...string) { got[f.Name] = v }); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateApprox(0, 1e-15)); diff != "" {
				t.Errorf("timex mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTimexErrors(t *testing.T) {
	t.Parallel()
	denied := &timex{adjtimex: func() (timexValues, error) { return timexValues{}, fmt.Errorf("adjtimex: %w", syscall.EPERM) }}
	if err := denied.Update(func(*reading.Family, float64, ...string) {}); !errors.Is(err, ErrNoData) {
		t.Errorf("adjtimex denied: %v, want ErrNoData", err)
	}
	broken := &timex{adjtimex: func() (timexValues, error) { return timexValues{}, syscall.EINVAL }}
	if err := broken.Update(func(*reading.Family, float64, ...string) {}); err == nil || errors.Is(err, ErrNoData) {
		t.Errorf("adjtimex failing: %v, want a failure", err)
	}
}

// TestTimexLive: the real system call answers and the clock's tick is
// plausible (1/HZ for HZ 100 to 1000).
func TestTimexLive(t *testing.T) {
	t.Parallel()
	c, _ := newTimex(Env{})
	got := map[string]float64{}
	err := c.Update(func(f *reading.Family, v float64, _ ...string) { got[f.Name] = v })
	if errors.Is(err, ErrNoData) {
		t.Skip("adjtimex not permitted here")
	}
	if err != nil {
		t.Fatal(err)
	}
	if tick := got["node_timex_tick_seconds"]; tick < 0.001 || tick > 0.0101 || math.IsNaN(tick) {
		t.Errorf("tick %v s, want 1/HZ", tick)
	}
}
