package text

import (
	"fmt"
	"math"

	"github.com/vigia-dev/vigia/internal/reading"
)

// ExplainTitle heads an explanation: the window and the span before it
// it is compared with.
func (t *Text) ExplainTitle(from, to, span, before string) string {
	return fmt.Sprintf(t.pick("What changed %s → %s (%s), against %s → %s", "Qué cambió %s → %s (%s), frente a %s → %s"), from, to, span, before, from)
}

// ExplainNoBaseline says the span before holds no recording.
func (t *Text) ExplainNoBaseline() string {
	return t.pick("Nothing was recorded before the window: every change is counted from zero.",
		"No hay registro antes de la ventana: cada cambio se cuenta desde cero.")
}

// ExplainNothing says no recorded process changed.
func (t *Text) ExplainNothing() string {
	return t.pick("No recorded process changed.", "Ningún proceso registrado cambió.")
}

// ExplainHead heads one resource's rises (delta > 0) or falls (delta < 0)
// with their total; resource is explain's "cpu", "memory" or "io".
func (t *Text) ExplainHead(resource string, delta float64) string {
	name := t.explainResource(resource)
	if delta < 0 {
		return fmt.Sprintf(t.pick("%s fell %s:", "%s bajó %s:"), name, t.ExplainAmount(resource, math.Abs(delta)))
	}
	return fmt.Sprintf(t.pick("%s rose %s:", "%s subió %s:"), name, t.ExplainAmount(resource, delta))
}

// explainResource names explain's "cpu", "memory" or "io".
func (t *Text) explainResource(resource string) string {
	switch resource {
	case "cpu":
		return t.pick("CPU time", "Tiempo de CPU")
	case "memory":
		return t.pick("Memory", "Memoria")
	case "io":
		return t.pick("Disk I/O", "E/S de disco")
	}
	return Printable(resource)
}

// ExplainAmount writes an amount of resource: CPU-seconds or bytes, with
// a minus sign when negative.
func (t *Text) ExplainAmount(resource string, v float64) string {
	sign := ""
	if v < 0 {
		sign, v = "−", -v
	}
	if resource == "cpu" {
		return sign + fmt.Sprintf(t.pick("%.1f CPU-s", "%.1f s de CPU"), v)
	}
	return sign + reading.FormatBytes(v)
}

// ExplainChange is one line's change and its share:
// "+41.2 CPU-s, 63 % of the rise".
func (t *Text) ExplainChange(resource string, delta, share float64) string {
	amount := t.ExplainAmount(resource, delta)
	if delta > 0 {
		return fmt.Sprintf(t.pick("+%s, %.0f %% of the rise", "+%s, %.0f %% de la subida"), amount, share*100)
	}
	return fmt.Sprintf(t.pick("%s, %.0f %% of the fall", "%s, %.0f %% de la bajada"), amount, share*100)
}

// ExplainSubject names what changed: "firefox (4711)", marked when it
// started or ended in the window.
func (t *Text) ExplainSubject(name string, pid int32, started, ended bool) string {
	s := Printable(name)
	if pid > 0 {
		s += fmt.Sprintf(" (%d)", pid)
	}
	return s + t.explainMark(started, ended)
}

// explainMark marks a subject that started or ended in the window.
func (t *Text) explainMark(started, ended bool) string {
	switch {
	case started && ended:
		return t.pick(", started and ended", ", iniciado y terminado")
	case started:
		return t.pick(", started", ", iniciado")
	case ended:
		return t.pick(", ended", ", terminado")
	}
	return ""
}

// ExplainEnded heads the processes that ended in the window.
func (t *Text) ExplainEnded() string {
	return t.pick("Ended in the window:", "Terminados en la ventana:")
}

// ExplainEvents heads what happened in the window.
func (t *Text) ExplainEvents() string {
	return t.pick("Events in the window:", "Sucesos en la ventana:")
}

// ExplainNeedsRecording says the explain key has nothing to read.
func (t *Text) ExplainNeedsRecording() string {
	return t.pick("Nothing recorded to explain: run vigia top --record, or replay what vigia serve records.",
		"Nada registrado que explicar: use vigia top --record, o reproduzca lo que registra vigia serve.")
}

// Explaining says the explanation is being read.
func (t *Text) Explaining() string {
	return t.pick("Reading the recording…", "Leyendo el registro…")
}

// ExplainFailed says the recording could not be read.
func (t *Text) ExplainFailed(err error) string {
	return fmt.Sprintf(t.pick("Cannot read the recording: %s", "No se puede leer el registro: %s"), Printable(err.Error()))
}

// ReplayMark is the replay's state while a span to explain is marked:
// where it starts.
func (t *Text) ReplayMark(at string) string {
	return fmt.Sprintf(t.pick("mark %s", "marca %s"), at)
}

// ReplayMarked says a span to explain starts at the clock, and that key
// explains it once the replay has moved; esc lets it go.
func (t *Text) ReplayMarked(at, key string) string {
	return fmt.Sprintf(t.pick("Span marked from %s: move, then %s explains it; esc clears the mark.",
		"Periodo marcado desde %s: muévase y %s lo explica; esc quita la marca."), at, key)
}
