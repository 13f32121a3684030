package engine

import (
	"context"
	"runtime"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/supervise"
)

// selfWatch turns the process's own counters into the self reading.
type selfWatch struct {
	lastCPU  time.Duration
	lastWall time.Time
}

// clock emits the self reading on its cadence (unless it is off) and, when
// there are absent rules, a tick to every analyser, until ctx is done. It
// runs on the sensors' grid, so it adds no wake-up of its own.
func (e *Engine) clock(ctx context.Context) {
	w := &selfWatch{lastWall: time.Now()}
	w.lastCPU, _ = processCPUTime()
	partition := len(e.sensors) // the next partition after the sensors'
	every := e.opts.SelfInterval
	if every <= 0 {
		every = DefaultSelfInterval
	}
	next := func() time.Duration {
		return time.Until(supervise.NextOnGrid(e.epoch, time.Now().Add(every/2), every))
	}
	t := time.NewTimer(next())
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			if e.rules.Load().absent {
				for i := range e.queues {
					e.push(i, reading.Reading{Sensor: tickSensor, Time: now})
				}
			}
			if e.opts.SelfInterval > 0 {
				e.push(partition, w.reading(e, now))
			}
			t.Reset(next())
		}
	}
}

func (w *selfWatch) reading(e *Engine, now time.Time) reading.Reading {
	r := reading.Reading{Sensor: reading.SensorSelf, Time: now, Primary: reading.SelfCPU}
	if cpu, ok := processCPUTime(); ok {
		if wall := now.Sub(w.lastWall); wall > 0 {
			pct := 100 * float64(cpu-w.lastCPU) / float64(wall)
			r.Metrics = append(r.Metrics, reading.Metric{Name: reading.SelfCPU, Value: max(pct, 0), Unit: reading.Percent})
		}
		w.lastCPU = cpu
	}
	w.lastWall = now
	if rss, ok := residentBytes(); ok {
		r.Metrics = append(r.Metrics, reading.Metric{Name: reading.SelfRSS, Value: float64(rss), Unit: reading.Bytes})
	}
	r.Metrics = append(r.Metrics, reading.Metric{Name: reading.SelfGoroutines, Value: float64(runtime.NumGoroutine())})
	for _, s := range e.sensors {
		st := s.sup.Status()
		if st.LastRun.IsZero() {
			continue
		}
		r.Metrics = append(r.Metrics, reading.Metric{
			Name: reading.SelfReadSeconds, Value: st.LastDuration.Seconds(), Unit: reading.Seconds,
			Labels: []reading.Label{{Name: "sensor", Value: s.name}},
		})
	}
	var qlen int
	for _, q := range e.queues {
		qlen += q.Len()
	}
	r.Metrics = append(r.Metrics,
		reading.Metric{Name: reading.SelfQueueLen, Value: float64(qlen)},
		reading.Metric{Name: reading.SelfDropped, Value: float64(e.dropped()), Kind: reading.Counter},
	)
	return r
}
