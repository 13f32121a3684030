package node

import (
	"errors"
	"os"

	"github.com/vigia-dev/vigia/internal/reading"
)

// timexValues is what adjtimex(2) answers, in the kernel's own units:
// microseconds or nanoseconds (by staNano in Status) for offset and
// jitter, microseconds for the errors and tick, ppm with a 16-bit
// fraction for the frequencies.
type timexValues struct {
	State                                          int // the return value: TIME_OK … TIME_ERROR
	Offset, Freq, Maxerror, Esterror, Status       int64
	Constant, Tick, Ppsfreq, Jitter, Shift, Stabil int64
	Jitcnt, Calcnt, Errcnt, Stbcnt, Tai            int64
}

const (
	// timeError is adjtimex's answer when the clock is not synchronised.
	timeError = 5
	// staNano says offset and jitter are in nanoseconds, not microseconds.
	staNano = 0x2000
	// ppm16frac turns a "ppm with 16-bit fraction" into a ratio (adjtimex(2)
	// NOTES).
	ppm16frac = 1e6 * 65536
)

func timexGauge(name, help string) *reading.Family {
	return &reading.Family{Name: "node_timex_" + name, Help: help, Type: reading.Gauge}
}

func timexCounter(name, help string) *reading.Family {
	return &reading.Family{Name: "node_timex_" + name, Help: help, Type: reading.Counter}
}

var (
	timexSync     = timexGauge("sync_status", "Is clock synchronized to a reliable server (1 = yes, 0 = no).")
	timexOffset   = timexGauge("offset_seconds", "Time offset in between local system and reference clock.")
	timexFreq     = timexGauge("frequency_adjustment_ratio", "Local clock frequency adjustment.")
	timexMaxerror = timexGauge("maxerror_seconds", "Maximum error in seconds.")
	timexEsterror = timexGauge("estimated_error_seconds", "Estimated error in seconds.")
	timexStatus   = timexGauge("status", "Value of the status array bits.")
	timexConstant = timexGauge("loop_time_constant", "Phase-locked loop time constant.")
	timexTick     = timexGauge("tick_seconds", "Seconds between clock ticks.")
	timexPPSFreq  = timexGauge("pps_frequency_hertz", "Pulse per second frequency.")
	timexJitter   = timexGauge("pps_jitter_seconds", "Pulse per second jitter.")
	timexShift    = timexGauge("pps_shift_seconds", "Pulse per second interval duration.")
	timexStabil   = timexGauge("pps_stability_hertz", "Pulse per second stability, average of recent frequency changes.")
	timexJitcnt   = timexCounter("pps_jitter_total", "Pulse per second count of jitter limit exceeded events.")
	timexCalcnt   = timexCounter("pps_calibration_total", "Pulse per second count of calibration intervals.")
	timexErrcnt   = timexCounter("pps_error_total", "Pulse per second count of calibration errors.")
	timexStbcnt   = timexCounter("pps_stability_exceeded_total", "Pulse per second count of stability limit exceeded events.")
	timexTai      = timexGauge("tai_offset_seconds", "International Atomic Time (TAI) offset.")
)

// timex is node_exporter's timex collector: the kernel clock discipline's
// state from adjtimex(2), read-only (modes 0).
type timex struct {
	adjtimex func() (timexValues, error)
}

func newTimex(Env) (Collector, error) { return &timex{adjtimex: adjtimex}, nil }

func (c *timex) Update(emit reading.Emit) error {
	t, err := c.adjtimex()
	if errors.Is(err, os.ErrPermission) {
		// A seccomp profile that forbids adjtimex: nothing to report.
		return ErrNoData
	}
	if err != nil {
		return err
	}
	emitTimex(emit, t)
	return nil
}

func emitTimex(emit reading.Emit, t timexValues) {
	unit := 1e6
	if t.Status&staNano != 0 {
		unit = 1e9
	}
	emit(timexSync, b2f(t.State != timeError))
	emit(timexOffset, float64(t.Offset)/unit)
	emit(timexFreq, 1+float64(t.Freq)/ppm16frac)
	emit(timexMaxerror, float64(t.Maxerror)/1e6)
	emit(timexEsterror, float64(t.Esterror)/1e6)
	emit(timexStatus, float64(t.Status))
	emit(timexConstant, float64(t.Constant))
	emit(timexTick, float64(t.Tick)/1e6)
	emit(timexPPSFreq, float64(t.Ppsfreq)/ppm16frac)
	emit(timexJitter, float64(t.Jitter)/unit)
	emit(timexShift, float64(t.Shift))
	emit(timexStabil, float64(t.Stabil)/ppm16frac)
	emit(timexJitcnt, float64(t.Jitcnt))
	emit(timexCalcnt, float64(t.Calcnt))
	emit(timexErrcnt, float64(t.Errcnt))
	emit(timexStbcnt, float64(t.Stbcnt))
	emit(timexTai, float64(t.Tai))
}
