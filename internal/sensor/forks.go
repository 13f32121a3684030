package sensor

import (
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
)

// forkMetrics turns two samples of the fork counter into the fork rate
// (process churn: a shell loop or a build shows here even when none of its
// processes lives long enough to be seen in the table) and the raw
// counter. A counter that went backwards (a restored checkpoint, a
// wrapped value) gives no rate.
func forkMetrics(prev, cur uint64, dt time.Duration) []reading.Metric {
	ms := []reading.Metric{{Name: reading.ProcsForksTotal, Value: float64(cur), Kind: reading.Counter}}
	if rate, ok := Rate(prev, cur, dt); ok {
		ms = append(ms, reading.Metric{Name: reading.ProcsForks, Value: rate, Unit: reading.PerSecond})
	}
	return ms
}
