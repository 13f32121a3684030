package rule

import "math"

// CriticalBounds returns, per metric, the value at which a threshold rule
// on its unlabelled series turns critical (warning when the rule has no
// critical level); the highest when several rules watch one metric. A
// display without a natural 100 % for a value (a process count, a
// throughput) fills its bar against it, so a full bar means the rule fires.
// Rules that fire below their bounds or on chosen series only are left out.
func CriticalBounds(rules []Rule) map[string]float64 {
	out := map[string]float64{}
	for _, r := range rules {
		if (r.Kind != "" && r.Kind != Threshold) || r.Below || len(r.Match) > 0 {
			continue
		}
		b := r.Critical
		if math.IsNaN(b) {
			b = r.Warning
		}
		if math.IsNaN(b) || b <= 0 {
			continue
		}
		out[r.Metric] = max(out[r.Metric], b)
	}
	return out
}
