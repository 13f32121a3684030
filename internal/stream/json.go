package stream

import (
	"encoding/json"
	"io"
	"math"

	"github.com/vigia-dev/vigia/internal/reading"
)

// JSON writes one reading per line as a JSON object (schema in
// docs/json.md). It is used by one goroutine.
type JSON struct {
	enc *json.Encoder
}

// NewJSON returns a JSON-lines writer.
func NewJSON(w io.Writer) *JSON {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return &JSON{enc: enc}
}

// Write writes r as one line. JSON has no NaN or infinity, so metrics
// without a finite value are left out rather than failing the line.
func (j *JSON) Write(r reading.Reading) error {
	return j.enc.Encode(Finite(r))
}

// Finite returns r without metrics whose value is NaN or infinite; r itself
// is not changed.
func Finite(r reading.Reading) reading.Reading {
	for i, m := range r.Metrics {
		if !isFinite(m.Value) {
			kept := make([]reading.Metric, i, len(r.Metrics))
			copy(kept, r.Metrics[:i])
			for _, m := range r.Metrics[i+1:] {
				if isFinite(m.Value) {
					kept = append(kept, m)
				}
			}
			r.Metrics = kept
			break
		}
	}
	for i, t := range r.Transitions {
		if !isFinite(t.Value) || !isFinite(t.Threshold) {
			trs := make([]reading.Transition, len(r.Transitions))
			copy(trs, r.Transitions)
			for k := i; k < len(trs); k++ {
				if !isFinite(trs[k].Value) {
					trs[k].Value = 0
				}
				if !isFinite(trs[k].Threshold) {
					trs[k].Threshold = 0
				}
			}
			r.Transitions = trs
			break
		}
	}
	return r
}

func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
