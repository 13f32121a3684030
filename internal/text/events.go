package text

import (
	"fmt"
	"strconv"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
)

// EventsTitle is the title of the events view and of the report's section.
func (t *Text) EventsTitle() string { return t.pick("Events", "Eventos") }

// NoEvents says the timeline is empty.
func (t *Text) NoEvents() string {
	return t.pick("nothing has happened yet", "todavía no ha pasado nada")
}

// EventKind is the short word for a kind of event, for a column.
func (t *Text) EventKind(k reading.EventKind) string {
	switch k {
	case reading.EventOOMKill:
		return t.pick("OOM kill", "OOM")
	case reading.EventThrottled:
		return t.pick("throttled", "limitado")
	case reading.EventPressure:
		return t.pick("pressure", "presión")
	case reading.EventProcessStart:
		return t.pick("started", "inicio")
	case reading.EventProcessExit:
		return t.pick("exited", "fin")
	case reading.EventAlert:
		return t.pick("alert", "alerta")
	}
	return t.pick("event", "evento") + " " + string(k)
}

// EventLine says what happened and where, in one line; names from the
// kernel are made printable.
func (t *Text) EventLine(e reading.Event) string {
	proc := func() string { return Printable(e.Comm) + " (" + strconv.Itoa(int(e.PID)) + ")" }
	where := e.Cgroup
	if e.Unit != "" {
		where = e.Unit
	}
	where = Printable(where)
	switch e.Kind {
	case reading.EventOOMKill:
		if e.PID != 0 {
			return fmt.Sprintf(t.pick("the OOM killer killed %s in %s", "el OOM killer mató a %s en %s"), proc(), where)
		}
		return fmt.Sprintf(t.pick("the OOM killer killed %d processes in %s (the kernel log does not name them)",
			"el OOM killer mató %d procesos en %s (el registro del núcleo no los nombra)"), e.Count, where)
	case reading.EventThrottled:
		return fmt.Sprintf(t.pick("%s held %s of the last pass by its CPU limit (%d periods)",
			"%s detenido %s del último paso por su límite de CPU (%d periodos)"), where, Duration(seconds(e.Value)), e.Count)
	case reading.EventPressure:
		return fmt.Sprintf(t.pick("%s stalls passed 7.5%% (avg10 %.1f%%)", "las esperas por %s pasaron del 7,5%% (avg10 %.1f%%)"),
			Printable(e.Resource), e.Value)
	case reading.EventProcessStart:
		if e.PID == 0 {
			return fmt.Sprintf(t.pick("%d more processes started", "%d procesos más empezaron"), e.Count)
		}
		return fmt.Sprintf(t.pick("%s started", "%s empezó"), proc())
	case reading.EventProcessExit:
		if e.PID == 0 {
			return fmt.Sprintf(t.pick("%d more processes ended", "%d procesos más terminaron"), e.Count)
		}
		line := fmt.Sprintf(t.pick("%s ended after %s", "%s terminó tras %s"), proc(), Duration(seconds(e.Value)))
		if e.Resource != "" { // the signal that ended it
			line += fmt.Sprintf(t.pick(", killed by %s", ", terminado por %s"), Printable(e.Resource))
			if e.Detail == "core" {
				line += t.pick(" (core dumped)", " (volcó un core)")
			}
		}
		return line
	case reading.EventAlert:
		return Printable(e.Detail) // worded by whoever made the event
	}
	return t.EventKind(e.Kind) + " " + Printable(e.Detail)
}

func seconds(v float64) time.Duration { return time.Duration(v * float64(time.Second)) }

// EventCount says how many events the view holds.
func (t *Text) EventCount(n int) string {
	return strconv.Itoa(n) + t.pick(" events", " eventos")
}

// MoreEvents says how many events a list left out.
func (t *Text) MoreEvents(n int) string {
	return fmt.Sprintf(t.pick("… and %d more (vigia report --json lists the first 100; the API all)",
		"… y %d más (vigia report --json lista los 100 primeros; la API todos)"), n)
}
