// Package text holds every user-facing string of vigia, in English and
// Spanish, so outputs never spell words themselves and a translation is one
// file's work.
package text

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/vigia-dev/vigia/internal/reading"
)

// Lang is a language vigia speaks.
type Lang uint8

const (
	English Lang = iota
	Spanish
)

// Langs lists every language vigia speaks.
var Langs = []Lang{English, Spanish}

// FromEnv picks the language as POSIX locales do: the first of LC_ALL,
// LC_MESSAGES and LANG that is set decides, and Spanish is any locale
// starting with "es". getenv is os.Getenv outside tests.
func FromEnv(getenv func(string) string) Lang {
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := getenv(k); v != "" {
			if strings.HasPrefix(strings.ToLower(v), "es") {
				return Spanish
			}
			return English
		}
	}
	return English
}

// Parse reads a language code from a config file or flag ("en", "es").
func Parse(code string) (Lang, error) {
	switch strings.ToLower(code) {
	case "en", "english":
		return English, nil
	case "es", "spanish", "español":
		return Spanish, nil
	}
	return English, fmt.Errorf("language %q not available (en, es)", code)
}

// Text is the catalogue of one language.
type Text struct {
	lang Lang
}

// For returns the catalogue of lang.
func For(lang Lang) *Text { return &Text{lang: lang} }

// Lang returns the catalogue's language.
func (t *Text) Lang() Lang { return t.lang }

func (t *Text) pick(en, es string) string {
	if t.lang == Spanish {
		return es
	}
	return en
}

// Status is the word `watch` prints for a status. Warning is ALERT as in
// vigia's original design (70 % and up), critical is worse still.
func (t *Text) Status(s reading.Status) string {
	switch s {
	case reading.Normal:
		return "NORMAL"
	case reading.Warning:
		return t.pick("ALERT", "ALERTA")
	case reading.Critical:
		return t.pick("CRITICAL", "CRÍTICO")
	}
	return t.pick("UNKNOWN", "DESCONOCIDO")
}

// sensorWords are the sensors' display names, by language. Every sensor of
// reading.Sensors has its words here; a test keeps it so.
var sensorWords = map[string]struct{ en, es string }{
	reading.SensorCPU:         {"CPU", "CPU"},
	reading.SensorMemory:      {"Memory", "Memoria"},
	reading.SensorLoad:        {"Load", "Carga"},
	reading.SensorTemperature: {"Temperature", "Temperatura"},
	reading.SensorDisk:        {"Disk", "Disco"},
	reading.SensorNetwork:     {"Network", "Red"},
	reading.SensorProcesses:   {"Processes", "Procesos"},
	reading.SensorCgroups:     {"Cgroups", "Cgroups"},
	reading.SensorSelf:        {"vigia", "vigia"},
}

// Sensor is the display name of a sensor; an unknown name passes through.
func (t *Text) Sensor(name string) string {
	if w, ok := sensorWords[name]; ok {
		return t.pick(w.en, w.es)
	}
	return name
}

// Note says a reading's note; unknown ones pass through, made Printable.
func (t *Text) Note(note string) string {
	switch note {
	case reading.NoTemperatureSensors:
		return t.pick("no temperature sensors", "sin sensores de temperatura")
	case reading.TemperatureNeedsRoot:
		return t.pick("temperature sensors readable only by root", "sensores de temperatura legibles solo por root")
	case reading.ProcessesHidden:
		return t.pick("only yours: /proc hides others (hidepid)", "solo los tuyos: /proc oculta los demás (hidepid)")
	}
	return Printable(note)
}

// Stopped is the last line of a clean shutdown.
func (t *Text) Stopped() string {
	return t.pick("System stopped cleanly", "Sistema detenido correctamente")
}

// Watching is the header of `watch`.
func (t *Text) Watching(version string, sensors []string, host string, cores int) string {
	names := make([]string, len(sensors))
	for i, s := range sensors {
		names[i] = t.Sensor(s)
	}
	return fmt.Sprintf(t.pick("vigia %s — watching %s on %s (%s) — Ctrl-C to stop",
		"vigia %s — vigilando %s en %s (%s) — Ctrl-C para detener"),
		version, strings.Join(names, ", "), Printable(host), t.Cores(cores))
}

// Transition describes an alert changing level, in one line.
func (t *Text) Transition(tr reading.Transition, value string) string {
	var verb string
	switch {
	case tr.Resolved():
		verb = t.pick("resolved", "resuelta")
	case tr.From <= reading.Normal:
		verb = t.pick("raised", "activada")
	case tr.To > tr.From:
		verb = t.pick("escalated", "agravada")
	default:
		verb = t.pick("lowered", "atenuada")
	}
	// A rule's own message says what a bare value cannot: when a disk will
	// be full, which process is missing, at what rate memory grows.
	// Rule names, labels and messages come from the config and from
	// what the machine runs (a process rule names a process): Printable.
	what := t.Alert(&tr)
	if what == "" {
		what = tr.Metric
		for _, l := range tr.Labels {
			what += fmt.Sprintf(" %s=%s", l.Name, l.Value)
		}
		what += " = " + value
	}
	return fmt.Sprintf("%s %s: %s — %s (%s → %s)", t.pick("alert", "alerta"), Printable(tr.Rule), verb, Printable(what), t.Status(tr.From), t.Status(tr.To))
}

// Summary is the closing summary of `watch`: readings per sensor and the
// reads of each that failed, alerts raised, and what was dropped.
func (t *Text) Summary(readings, failed map[string]int, order []string, alerts int, dropped uint64) string {
	var b strings.Builder
	b.WriteString(t.pick("Summary: ", "Resumen: "))
	first := true
	for _, s := range order {
		n, ok := readings[s]
		if _, bad := failed[s]; !ok && !bad {
			continue
		}
		if !first {
			b.WriteString(", ")
		}
		first = false
		fmt.Fprintf(&b, "%s %d", t.Sensor(s), n)
		if f := failed[s]; f > 0 {
			b.WriteString(" (" + strconv.Itoa(f) + " " + t.pick("failed", form(f, "fallida", "fallidas")) + ")")
		}
	}
	b.WriteString(t.pick(" readings; ", " lecturas; ") + t.count(alerts, "alert transition", "alert transitions", "cambio de alerta", "cambios de alerta") +
		"; " + strconv.FormatUint(dropped, 10) + " " + t.pick("dropped", form(int(min(dropped, 2)), "descartada", "descartadas")))
	return b.String()
}

// Interrupted is printed when a signal starts the shutdown.
func (t *Text) Interrupted(sig string) string {
	return fmt.Sprintf(t.pick("%s received, stopping…", "%s recibida, deteniendo…"), sig)
}

// NoReadings tells a snapshot that a sensor produced nothing in time.
func (t *Text) NoReadings(sensor string) string {
	return fmt.Sprintf(t.pick("%s: no reading", "%s: sin lectura"), t.Sensor(sensor))
}

// TopProcesses heads the process list of `snapshot`.
func (t *Text) TopProcesses(n, total int) string {
	return fmt.Sprintf(t.pick("Top %d of %d processes by CPU", "Los %d procesos de %d que más CPU usan"), n, total)
}

// ProcessHeader is the column header of the snapshot's process list.
func (t *Text) ProcessHeader() string {
	// The dashboard's table has the same columns: one set of words.
	return fmt.Sprintf("%7s %-10s %s %6s %5s %9s %3s %s", t.Column("PID"), t.Column("USER"), t.Column("S"),
		t.Column("CPU%"), t.Column("MEM%"), t.Column("RSS"), t.Column("THR"), t.Column("COMMAND"))
}

// ConfigOK confirms a valid config file.
func (t *Text) ConfigOK(path string, rules, notifiers int) string {
	return path + t.pick(": OK (", ": correcto (") + t.count(rules, "rule", "rules", "regla", "reglas") + ", " +
		t.count(notifiers, "notifier", "notifiers", "notificador", "notificadores") + ")"
}

// Cores is a core count, as `watch` shows it after the CPU bar.
func (t *Text) Cores(n int) string {
	return t.count(n, "core", "cores", "núcleo", "núcleos")
}

// ProcsDetail is what `watch` shows after the process count.
func (t *Text) ProcsDetail(running, threads int) string {
	return strconv.Itoa(running) + t.pick(" running, ", " en ejecución, ") + t.count(threads, "thread", "threads", "hilo", "hilos")
}
