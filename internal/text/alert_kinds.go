package text

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
)

// trendAlert says when a series is predicted to reach its bound.
func (t *Text) trendAlert(tr *reading.Transition, f *reading.Fact) string {
	name := SeriesName(tr.Metric, tr.Labels)
	val, bound := Quantity(tr.Value, f.Unit), Quantity(tr.Threshold, f.Unit)
	switch {
	case f.Gone:
		return t.gone(name, tr.From, val)
	case tr.To > tr.From:
		dir := t.pick("rising", "sube a")
		if f.Slope < 0 {
			dir = t.pick("falling", "baja a")
		}
		at := f.At.UTC().Format("2006-01-02 15:04 MST")
		return fmt.Sprintf(t.pick("%s is %s and %s %s/h: predicted to reach %s at %s (in %s, %s horizon %s)",
			"%s está en %s y %s %s/h: se prevé que llegue a %s el %s (en %s, horizonte de %s %s)"),
			name, val, dir, Quantity(math.Abs(f.Slope), f.Unit), bound, at, Duration(f.ETA), t.level(tr.To), Duration(f.Horizon))
	case tr.To == reading.Normal:
		return fmt.Sprintf(t.pick("%s at %s is no longer predicted to reach %s soon", "%s, con %s, ya no se prevé que llegue pronto a %s"), name, val, bound)
	}
	return fmt.Sprintf(t.pick("%s at %s is down to %s: %s predicted in more than %s", "%s, con %s, baja a %s: %s previsto en más de %s"),
		name, val, t.level(tr.To), bound, Duration(f.Horizon))
}

// rateAlert says how fast a series changes per unit of time.
func (t *Text) rateAlert(tr *reading.Transition, f *reading.Fact) string {
	name := SeriesName(tr.Metric, tr.Labels)
	rate := func(v float64) string { return Quantity(v, f.Unit) + t.Per(f.Per) }
	switch {
	case f.Gone:
		return t.gone(name, tr.From, "")
	case tr.To > tr.From:
		bound := t.crossed(tr, f, rate(tr.Threshold))
		if tr.Value < 0 {
			// A signed rate reads better than "shrinking -5 B/min".
			return fmt.Sprintf(t.pick("%s is changing %s over the last %s, %s", "%s cambia %s en los últimos %s, %s"),
				name, rate(tr.Value), Duration(f.Window), bound)
		}
		return fmt.Sprintf(t.pick("%s is growing %s over the last %s, %s", "%s crece %s en los últimos %s, %s"),
			name, rate(tr.Value), Duration(f.Window), bound)
	case tr.To == reading.Normal:
		return fmt.Sprintf(t.pick("%s changes %s, back to normal (%s bound %s)", "%s cambia %s, vuelve a la normalidad (umbral de %s %s)"),
			name, rate(tr.Value), t.level(f.Left), rate(tr.Threshold))
	}
	return fmt.Sprintf(t.pick("%s changes %s, down to %s (%s bound %s)", "%s cambia %s, baja a %s (umbral de %s %s)"),
		name, rate(tr.Value), t.level(tr.To), t.level(f.Left), rate(tr.Threshold))
}

// processAlert says what one process uses: CPU, memory, or memory growth.
func (t *Text) processAlert(tr *reading.Transition, f *reading.Fact) string {
	who := fmt.Sprintf(t.pick("process %s (pid %s)", "el proceso %s (pid %s)"), label(tr.Labels, "comm"), label(tr.Labels, "pid"))
	switch {
	case f.Gone && f.Exec:
		return fmt.Sprintf(t.pick("%s no longer runs the command matched (was %s)", "%s ya no ejecuta la orden buscada (estaba en %s)"), who, t.level(tr.From))
	case f.Gone:
		return fmt.Sprintf(t.pick("%s has exited (was %s)", "%s ha terminado (estaba en %s)"), who, t.level(tr.From))
	}
	show := func(v float64) string { return Quantity(v, f.Unit) }
	var what string
	switch f.Shape {
	case reading.ShapeProcessCPU:
		what = fmt.Sprintf(t.pick("uses %s CPU", "usa %s de CPU"), show(tr.Value))
	case reading.ShapeProcessRSS:
		what = fmt.Sprintf(t.pick("uses %s of memory", "usa %s de memoria"), show(tr.Value))
	default:
		show = func(v float64) string { return Quantity(v, f.Unit) + t.Per(f.Per) }
		what = fmt.Sprintf(t.pick("RSS is %s, growing %s", "tiene una RSS de %s que crece %s"), Quantity(f.Last, f.Unit), show(tr.Value))
		if f.Span > 0 {
			what = fmt.Sprintf(t.pick("RSS grew from %s to %s over %s (%s)", "ha pasado de %s a %s de RSS en %s (%s)"),
				Quantity(f.First, f.Unit), Quantity(f.Last, f.Unit), Duration(f.Span), show(tr.Value))
		}
	}
	switch {
	case tr.To > tr.From:
		return fmt.Sprintf("%s %s, %s", who, what, t.crossed(tr, f, show(tr.Threshold)))
	case tr.To == reading.Normal:
		return fmt.Sprintf(t.pick("%s %s, back to normal (%s bound %s)", "%s %s, vuelve a la normalidad (umbral de %s %s)"),
			who, what, t.level(f.Left), show(tr.Threshold))
	}
	return fmt.Sprintf(t.pick("%s %s, down to %s (%s bound %s)", "%s %s, baja a %s (umbral de %s %s)"),
		who, what, t.level(tr.To), t.level(f.Left), show(tr.Threshold))
}

// missingAlert says no process runs that a rule expects, or that some
// run again.
func (t *Text) missingAlert(tr *reading.Transition, f *reading.Fact) string {
	comm, cmdline := label(tr.Labels, "comm"), label(tr.Labels, "cmdline")
	var which string
	switch {
	case comm != "" && cmdline != "":
		which = fmt.Sprintf(t.pick("named %q with a command line matching %q", "de nombre %q y con una línea de órdenes que casa con %q"), comm, cmdline)
	case comm != "":
		which = fmt.Sprintf(t.pick("named %q", "de nombre %q"), comm)
	default:
		which = fmt.Sprintf(t.pick("with a command line matching %q", "con una línea de órdenes que casa con %q"), cmdline)
	}
	if tr.To > tr.From {
		s := fmt.Sprintf(t.pick("no process %s is running", "no hay ningún proceso %s en marcha"), which)
		if f.For > 0 {
			s += fmt.Sprintf(t.pick(" (for %v)", " (durante %v)"), f.For)
		}
		return s
	}
	if tr.Value > 1 {
		return fmt.Sprintf(t.pick("%.0f processes %s are running again (lowest pid %d)", "vuelve a haber %.0f procesos %s en marcha (pid más bajo %d)"),
			tr.Value, which, f.PID)
	}
	return fmt.Sprintf(t.pick("a process %s is running again (pid %d)", "vuelve a haber un proceso %s en marcha (pid %d)"), which, f.PID)
}

// absentAlert says a series or a whole sensor has gone silent, or is back.
func (t *Text) absentAlert(tr *reading.Transition, f *reading.Fact) string {
	name := SeriesName(tr.Metric, tr.Labels)
	switch {
	case tr.To <= tr.From && tr.Metric != "":
		return fmt.Sprintf(t.pick("%s is reported again", "%s vuelve a informarse"), name)
	case tr.To <= tr.From:
		return fmt.Sprintf(t.pick("sensor %s is reporting again", "el sensor %s vuelve a informar"), tr.Sensor)
	case tr.Metric != "":
		s := fmt.Sprintf(t.pick("%s has not been reported for %v", "%s no se informa desde hace %v"), name, f.Silent)
		if f.Err != "" && !strings.HasPrefix(f.Err, "stale") {
			s += fmt.Sprintf(" (sensor %s: %s)", tr.Sensor, f.Err)
		}
		return s
	}
	what := fmt.Sprintf(t.pick("has failed: %s", "ha fallado: %s"), f.Err)
	if rest, ok := strings.CutPrefix(f.Err, "stale: "); ok {
		what = fmt.Sprintf(t.pick("is stale: %s", "se ha atascado: %s"), rest)
	} else if f.Err == "stale" {
		what = t.pick("is stale", "se ha atascado")
	}
	return fmt.Sprintf(t.pick("sensor %s %s (for %v)", "el sensor %s %s (desde hace %v)"), tr.Sensor, what, f.Silent)
}

// label is the value of the label called name, or "".
func label(ls []reading.Label, name string) string {
	for _, l := range ls {
		if l.Name == name {
			return l.Value
		}
	}
	return ""
}

// Per writes a unit of time as a rate shows it: /s, /min, /h, /10m.
func (t *Text) Per(d time.Duration) string {
	switch d {
	case time.Second:
		return "/s"
	case time.Minute:
		return "/min"
	case time.Hour:
		return "/h"
	case 24 * time.Hour:
		return t.pick("/day", "/día")
	}
	return "/" + Duration(d)
}

// Duration shortens a duration for alert messages: 3h59m, 12m30s, 4s.
func Duration(d time.Duration) string {
	switch {
	case d >= time.Hour:
		d = d.Round(time.Minute)
	case d >= time.Minute:
		d = d.Round(time.Second)
	default:
		d = d.Round(100 * time.Millisecond)
	}
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}

// Quantity writes a value with its unit, bytes in binary multiples.
func Quantity(v float64, unit reading.Unit) string {
	if unit != reading.Bytes && unit != reading.BytesPerSecond {
		return FormatValue(v, unit)
	}
	suffix := "B"
	if unit == reading.BytesPerSecond {
		suffix = "B/s"
	}
	a := math.Abs(v)
	for _, p := range []string{"", "Ki", "Mi", "Gi", "Ti", "Pi"} {
		if a < 1024 || p == "Pi" {
			if p == "" {
				return fmt.Sprintf("%.0f %s", v, suffix)
			}
			return fmt.Sprintf("%.1f %s%s", math.Copysign(a, v), p, suffix)
		}
		a /= 1024
	}
	return FormatValue(v, unit)
}
