package rule

import (
	"math"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vigia-dev/vigia/internal/reading"
)

const gib = 1 << 30

// availReading is a disk reading with fs.avail of / at v bytes.
func availReading(now time.Time, v float64) reading.Reading {
	return reading.Reading{Sensor: reading.SensorDisk, Time: now, Metrics: []reading.Metric{
		{Name: reading.FSAvail, Unit: reading.Bytes, Value: v,
			Labels: []reading.Label{{Name: "device", Value: "/dev/sda1"}, {Name: "mountpoint", Value: "/"}}},
	}}
}

// noise is a deterministic jitter in [-1, 1) for sample i.
func noise(i int) float64 {
	x := uint32(i)*2654435761 + 12345
	x ^= x >> 13
	x *= 0x5bd1e995
	x ^= x >> 15
	return float64(x%2000)/1000 - 1
}

var inRe = regexp.MustCompile(`\(in ([0-9hms.]+),`)

// TestTrendPredictsFillTime fills a 100 GiB filesystem at 10 GiB an hour
// with ±0.5 GiB of jitter: a 4 h horizon must raise the warning when about
// 4 h are left, and the predicted time must be within 5 % of the truth.
func TestTrendPredictsFillTime(t *testing.T) {
	t.Parallel()
	rl := Rule{Name: "root_filling", Kind: Trend, Metric: reading.FSAvail, Within: 4 * time.Hour, CriticalWithin: time.Hour, Window: time.Hour}
	ev := NewEvaluator([]Rule{rl})
	const rate = 10.0 * gib / 3600 // bytes per second
	var raised []reading.Transition
	for i := 0; i <= 10*360; i++ { // every 10 s for 10 h
		now := t0.Add(time.Duration(i) * 10 * time.Second)
		truth := 100*gib - rate*float64(i*10)
		v := truth + noise(i)*gib/2
		_, trs := ev.Eval(availReading(now, v), now)
		for _, tr := range trs {
			if tr.To > tr.From {
				raised = append(raised, tr)
			}
		}
	}
	if len(raised) != 2 {
		t.Fatalf("got %d raising transitions, want warning then critical: %+v", len(raised), raised)
	}
	for i, want := range []struct {
		level reading.Status
		left  time.Duration // truly left when the level should rise
	}{{reading.Warning, 4 * time.Hour}, {reading.Critical, time.Hour}} {
		tr := raised[i]
		if tr.To != want.level {
			t.Errorf("raise %d to %v, want %v", i, tr.To, want.level)
		}
		full := t0.Add(10 * time.Hour) // when the filesystem is truly full
		left := full.Sub(tr.Time)
		if math.Abs(left.Seconds()-want.left.Seconds()) > 0.05*want.left.Seconds() {
			t.Errorf("%v raised with %v truly left, want %v within 5%%", want.level, left, want.left)
		}
		m := inRe.FindStringSubmatch(tr.Message)
		if m == nil {
			t.Fatalf("message %q says no time", tr.Message)
		}
		eta, err := time.ParseDuration(m[1])
		if err != nil {
			t.Fatalf("message %q: %v", tr.Message, err)
		}
		if math.Abs(eta.Seconds()-left.Seconds()) > 0.05*left.Seconds() {
			t.Errorf("predicted %v to full, truly %v: more than 5%% off (%q)", eta, left, tr.Message)
		}
		if !strings.Contains(tr.Message, "predicted to reach 0 B at 2026-03-01 ") || !regexp.MustCompile(`falling (9\.9|10\.0|10\.1) GiB/h`).MatchString(tr.Message) {
			t.Errorf("message %q does not say when and how fast", tr.Message)
		}
		if tr.Threshold != 0 || tr.Metric != reading.FSAvail {
			t.Errorf("transition threshold %g metric %q, want 0 and fs.avail", tr.Threshold, tr.Metric)
		}
	}
}

func TestTrendPercentRisingTo100(t *testing.T) {
	t.Parallel()
	rl := Rule{Name: "fs_trend", Kind: Trend, Metric: reading.FSUsedPercent, Within: 2 * time.Hour, Window: 30 * time.Minute}
	ev := NewEvaluator([]Rule{rl})
	var got []string
	// 1 % a minute from 50 %: 100 % at 50 min, so 2 h is always within reach
	// once the fit covers a quarter of the window (7.5 min).
	for i := 0; i <= 10; i++ {
		now := t0.Add(time.Duration(i) * time.Minute)
		_, trs := ev.Eval(fsReading(0, map[string]float64{"/": 50 + float64(i)}), now)
		for _, tr := range trs {
			got = append(got, now.Sub(t0).String()+" "+tr.From.String()+">"+tr.To.String())
		}
	}
	if diff := cmp.Diff([]string{"8m0s normal>warning"}, got); diff != "" {
		t.Errorf("transitions mismatch (-want +got):\n%s", diff)
	}
}

func TestTrendSequences(t *testing.T) {
	t.Parallel()
	rl := Rule{Name: "avail", Kind: Trend, Metric: reading.FSAvail, Within: time.Hour, Window: 20 * time.Minute}
	tests := []struct {
		name   string
		values func(i int) float64 // one a minute
		n      int
		want   []string
	}{
		{"flat never fires", func(int) float64 { return 5 * gib }, 60, nil},
		{"growing free space never fires", func(i int) float64 { return gib + float64(i)*gib/10 }, 60, nil},
		{"filling then cleaned up resolves", func(i int) float64 {
			if i < 30 {
				return 3*gib - float64(i)*gib/20 // 3 GiB/h: 1 h left at 2 GiB, i=20
			}
			return 10 * gib
		}, 60, []string{"5m normal>warning", "30m warning>normal"}},
		{"past the bound and moving away never fires", func(i int) float64 { return -float64(i) * 1000 }, 10, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ev := NewEvaluator([]Rule{rl})
			var got []string
			for i := range tt.n {
				now := t0.Add(time.Duration(i) * time.Minute)
				_, trs := ev.Eval(availReading(now, tt.values(i)), now)
				for _, tr := range trs {
					got = append(got, roundDuration(now.Sub(t0))+" "+tr.From.String()+">"+tr.To.String())
					if tr.Message == "" {
						t.Errorf("empty message: %+v", tr)
					}
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("transitions mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestWindowFitPrecision fits a line through byte counts of terabytes over
// a day: Welford's form must keep the slope exact where raw sums would not.
func TestWindowFitPrecision(t *testing.T) {
	t.Parallel()
	w := newWindow(24*time.Hour, t0)
	const base, slope = 8e12, 12345.678 // bytes, bytes per second
	var now time.Time
	for i := 0; i < 24*3600; i += 7 {
		now = t0.Add(time.Duration(i) * time.Second)
		w.add(now, base+slope*float64(i), false)
	}
	f := w.fit(now)
	if !f.ok || math.Abs(f.slope-slope)/slope > 1e-9 {
		t.Errorf("slope %v (ok %v), want %v", f.slope, f.ok, slope)
	}
	if got := f.m.at(w.seconds(now), f.slope); math.Abs(got-(base+slope*now.Sub(t0).Seconds())) > 1 {
		t.Errorf("fitted value at the end %v, want %v", got, base+slope*now.Sub(t0).Seconds())
	}
	// Buckets older than the window leave the fit.
	later := now.Add(48 * time.Hour)
	w.add(later, 1, false)
	if f := w.fit(later); f.m.n != 1 {
		t.Errorf("fit after two idle days has %v samples, want 1", f.m.n)
	}
}

func TestWindowMemoryIsBounded(t *testing.T) {
	t.Parallel()
	w := newWindow(time.Minute, t0)
	for i := range 100000 {
		w.add(t0.Add(time.Duration(i)*time.Millisecond), float64(i), false)
	}
	f := w.fit(t0.Add(100 * time.Second))
	// A minute of the last 100 s of samples, one a millisecond.
	if f.m.n < 58000 || f.m.n > 60001 {
		t.Errorf("fit holds %v samples, want about a minute's (60000)", f.m.n)
	}
	if math.Abs(f.slope-1000) > 1e-6 {
		t.Errorf("slope %v, want 1000", f.slope)
	}
}

func TestQuantity(t *testing.T) {
	t.Parallel()
	tests := []struct {
		v    float64
		unit reading.Unit
		want string
	}{
		{0, reading.Bytes, "0 B"},
		{1023, reading.Bytes, "1023 B"},
		{1536, reading.Bytes, "1.5 KiB"},
		{-10 * gib, reading.Bytes, "-10.0 GiB"},
		{3 << 20, reading.BytesPerSecond, "3.0 MiB/s"},
		{95, reading.Percent, "95%"},
	}
	for _, tt := range tests {
		if got := quantity(tt.v, tt.unit); got != tt.want {
			t.Errorf("quantity(%v, %q) = %q, want %q", tt.v, tt.unit, got, tt.want)
		}
	}
}

func TestRoundDuration(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{
		4 * time.Hour:                        "4h",
		4*time.Hour + 29*time.Second:         "4h",
		time.Hour + 10*time.Minute:           "1h10m",
		59*time.Minute + 49*time.Second:      "59m49s",
		12 * time.Minute:                     "12m",
		4*time.Second + 420*time.Millisecond: "4.4s",
		0:                                    "0s",
	} {
		if got := roundDuration(d); got != want {
			t.Errorf("roundDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

// TestTrendAccuracy: disks of several sizes filling at several rates,
// sampled at several intervals with jitter of 1 % of their size, raise the
// alert with the truly remaining time within 5 % of the horizon, and
// predict that time within 5 %.
func TestTrendAccuracy(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		size     float64       // bytes free at the start
		perHour  float64       // bytes written an hour
		interval time.Duration // between readings
		window   time.Duration
		within   time.Duration
	}{
		{"small disk, fast, every second", 2 * gib, 1 * gib, time.Second, 10 * time.Minute, 30 * time.Minute},
		{"big disk, slow, every minute", 4000 * gib, 50 * gib, time.Minute, 6 * time.Hour, 24 * time.Hour},
		{"medium disk, every 15 s", 200 * gib, 20 * gib, 15 * time.Second, time.Hour, 4 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ev := NewEvaluator([]Rule{{Name: "fill", Kind: Trend, Metric: reading.FSAvail, Within: tt.within, Window: tt.window}})
			rate := tt.perHour / 3600
			full := t0.Add(time.Duration(tt.size / rate * float64(time.Second)))
			for i := 0; ; i++ {
				now := t0.Add(time.Duration(i) * tt.interval)
				if now.After(full) {
					t.Fatal("never raised")
				}
				v := tt.size - rate*now.Sub(t0).Seconds() + noise(i)*tt.size/100
				_, trs := ev.Eval(availReading(now, v), now)
				if len(trs) == 0 {
					continue
				}
				left := full.Sub(now)
				if math.Abs(left.Seconds()-tt.within.Seconds()) > 0.05*tt.within.Seconds() {
					t.Errorf("raised with %v truly left, want %v within 5%%", left, tt.within)
				}
				m := inRe.FindStringSubmatch(trs[0].Message)
				if m == nil {
					t.Fatalf("message %q says no time", trs[0].Message)
				}
				eta, _ := time.ParseDuration(m[1])
				if math.Abs(eta.Seconds()-left.Seconds()) > 0.05*left.Seconds() {
					t.Errorf("predicted %v, truly %v (%q)", eta, left, trs[0].Message)
				}
				return
			}
		})
	}
}
