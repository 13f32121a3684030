package text

import (
	"fmt"
	"math"

	"github.com/vigia-dev/vigia/internal/reading"
)

// InEnglish is the catalogue alert payloads and the history are written
// in, whatever the user's language.
var InEnglish = For(English)

// Alert says what a threshold transition means: the series, its value and
// the bound it crossed. Rules hand it the facts; the words are here.
func (t *Text) Alert(tr *reading.Transition) string {
	f := tr.Fact
	if f == nil {
		return tr.Message
	}
	if f.Retired {
		name := SeriesName(tr.Metric, tr.Labels)
		if tr.Metric == "" {
			name = SeriesName(tr.Sensor, tr.Labels)
		}
		return fmt.Sprintf(t.pick("rule %s left the config: %s is no longer judged (was %s)", "la regla %s salió de la configuración: %s ya no se juzga (estaba en %s)"),
			tr.Rule, name, t.level(tr.From))
	}
	switch f.Shape {
	case reading.ShapeTrend:
		return t.trendAlert(tr, f)
	case reading.ShapeRate:
		return t.rateAlert(tr, f)
	case reading.ShapeProcessCPU, reading.ShapeProcessRSS, reading.ShapeLeak:
		return t.processAlert(tr, f)
	case reading.ShapeMissing:
		return t.missingAlert(tr, f)
	case reading.ShapeAbsent:
		return t.absentAlert(tr, f)
	}
	name := SeriesName(tr.Metric, tr.Labels)
	val, bound := FormatValue(tr.Value, f.Unit), FormatValue(tr.Threshold, f.Unit)
	switch {
	case tr.To > tr.From:
		return fmt.Sprintf(t.pick("%s is %s, %s", "%s está en %s, %s"), name, val, t.crossed(tr, f, bound))
	case f.Gone:
		return t.gone(name, tr.From, val)
	case tr.To == reading.Normal:
		return fmt.Sprintf(t.pick("%s is back to normal at %s (%s bound %s)", "%s vuelve a la normalidad con %s (umbral de %s %s)"), name, val, t.level(f.Left), bound)
	}
	return fmt.Sprintf(t.pick("%s is down to %s at %s (%s bound %s)", "%s baja a %s con %s (umbral de %s %s)"), name, t.level(tr.To), val, t.level(f.Left), bound)
}

// crossed says which bound a raised transition crossed, and how long it
// waited: "above the critical bound 90% for 1m0s".
func (t *Text) crossed(tr *reading.Transition, f *reading.Fact, bound string) string {
	dir := t.pick("above", "por encima del")
	if f.Below {
		dir = t.pick("below", "por debajo del")
	}
	s := fmt.Sprintf(t.pick("%s the %s bound %s", "%s umbral de %s %s"), dir, t.level(tr.To), bound)
	if f.For > 0 {
		s += fmt.Sprintf(t.pick(" for %v", " durante %v"), f.For)
	}
	return s
}

// gone says a series is no longer reported, and how it was last; val is
// empty when its value says nothing.
func (t *Text) gone(name string, from reading.Status, val string) string {
	if val == "" {
		return fmt.Sprintf(t.pick("%s is no longer reported (was %s)", "%s ya no se informa (estaba en %s)"), name, t.level(from))
	}
	return fmt.Sprintf(t.pick("%s is no longer reported (was %s at %s)", "%s ya no se informa (estaba en %s con %s)"), name, t.level(from), val)
}

// level names a level inside a sentence.
func (t *Text) level(s reading.Status) string {
	switch s {
	case reading.Warning:
		return t.pick("warning", "aviso")
	case reading.Critical:
		return t.pick("critical", "crítico")
	case reading.Normal:
		return t.pick("normal", "normal")
	}
	return t.pick("unknown", "desconocido")
}

// SeriesName writes metric{a="x",b="y"} for alert messages.
func SeriesName(metric string, labels []reading.Label) string {
	return metric + reading.Labels(labels).String()
}

// FormatValue writes a value with its unit the way alert messages show it.
func FormatValue(v float64, unit reading.Unit) string {
	var s string
	switch {
	case v == math.Trunc(v) && math.Abs(v) < 1e15:
		s = fmt.Sprintf("%.0f", v)
	case math.Abs(v) < 1:
		s = fmt.Sprintf("%.3g", v)
	default:
		s = fmt.Sprintf("%.1f", v)
	}
	switch unit {
	case reading.None:
		return s
	case reading.Percent, reading.Celsius:
		return s + string(unit)
	}
	return s + " " + string(unit)
}
