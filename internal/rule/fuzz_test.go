package rule

import (
	"math"
	"testing"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
)

// fuzzRule builds a valid rule from fuzz arguments.
func fuzzRule(w, c, h float64, below bool, forSec uint8) Rule {
	fin := func(v float64) float64 {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return 0
		}
		return math.Mod(v, 1e6)
	}
	w, c, h = fin(w), fin(c), fin(h)
	if (!below && w > c) || (below && w < c) {
		w, c = c, w
	}
	r := Rule{Name: "r", Metric: reading.FSUsedPercent, Warning: w, Critical: c, Below: below, For: time.Duration(forSec) * time.Second}
	switch {
	case h < 0:
		r.Hysteresis = new(float64) // none
	case h > 0:
		r.Hysteresis = &h
	}
	return r
}

// replay feeds a random history: each byte pair is a value (0..127.5) and
// which of three series carries it; a high bit drops a series for a tick.
func replay(ev *Evaluator, hist []byte, t *testing.T) time.Time {
	now := t0
	for i := 0; i+1 < len(hist); i += 2 {
		now = now.Add(time.Second)
		r := fsReading(0, nil)
		for s, mp := range []string{"/", "/home", "/srv"} {
			if int(hist[i+1]&3) == s && hist[i+1]&0x80 != 0 {
				continue // series missing this tick
			}
			v := float64(hist[i]) / 2
			if hist[i+1]&0x40 != 0 {
				v = math.NaN()
			}
			r.Metrics = append(r.Metrics, reading.Metric{Name: reading.FSUsedPercent, Value: v, Unit: reading.Percent,
				Labels: []reading.Label{{Name: "mountpoint", Value: mp}}})
		}
		st, trs := ev.Eval(r, now)
		if st < reading.Normal || st > reading.Critical {
			t.Fatalf("status %v out of range", st)
		}
		for _, tr := range trs {
			if tr.From == tr.To || tr.Message == "" || tr.Since.After(tr.Time) {
				t.Fatalf("bad transition %+v", tr)
			}
		}
	}
	return now
}

// steady feeds value v on one series long past the rule's For and returns
// the status it settles on.
func steady(ev *Evaluator, now time.Time, v float64) reading.Status {
	var st reading.Status
	for range 3 {
		now = now.Add(300 * time.Second)
		st, _ = ev.Eval(fsReading(0, map[string]float64{"/": v}), now)
	}
	return st
}

func FuzzEval(f *testing.F) {
	f.Add(70.0, 90.0, 0.0, false, uint8(0), []byte{100, 0, 180, 1, 140, 0x82}, 60.0, 95.0)
	f.Add(20.0, 10.0, 1.0, true, uint8(30), []byte{10, 0, 40, 0x41, 0, 2}, 5.0, 50.0)
	f.Add(50.0, 50.0, -1.0, false, uint8(5), []byte{}, 49.9, 50.0)
	f.Fuzz(func(t *testing.T, w, c, h float64, below bool, forSec uint8, hist []byte, a, b float64) {
		if math.IsNaN(a) || math.IsNaN(b) {
			return
		}
		r := fuzzRule(w, c, h, below, forSec)
		if err := r.Validate(); err != nil {
			t.Fatalf("fuzzRule made an invalid rule: %v", err)
		}
		if a > b {
			a, b = b, a
		}
		// Two evaluators with the same history must judge a and b in order:
		// the steady status is monotonic in the value (reversed for Below).
		ea, eb := NewEvaluator([]Rule{r}), NewEvaluator([]Rule{r})
		now := replay(ea, hist, t)
		replay(eb, hist, t)
		sa, sb := steady(ea, now, a), steady(eb, now, b)
		if !below && sa > sb {
			t.Errorf("steady status %v at %g above %v at %g (rule %+v)", sa, a, sb, b, r)
		}
		if below && sa < sb {
			t.Errorf("below rule: steady status %v at %g under %v at %g (rule %+v)", sa, a, sb, b, r)
		}
	})
}
