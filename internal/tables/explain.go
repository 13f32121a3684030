package tables

import (
	"fmt"
	"io"
	"time"

	"github.com/vigia-dev/vigia/internal/explain"
	"github.com/vigia-dev/vigia/internal/text"
)

// explainLayout shows an explanation's times to the second: its windows
// are minutes long.
const explainLayout = "2006-01-02 15:04:05"

// Explain writes r as vigia report --explain shows it, with times in loc:
// per resource the largest rises and the largest falls, each with its
// share; the processes that ended; the events.
func Explain(w io.Writer, tx *text.Text, r explain.Result, loc *time.Location) {
	at := func(t time.Time) string { return t.In(loc).Format(explainLayout) }
	fmt.Fprintln(w, tx.ExplainTitle(at(r.From), at(r.To), duration(r.To.Sub(r.From)), at(r.BeforeFrom)))
	if r.NoBaseline {
		fmt.Fprintln(w, tx.ExplainNoBaseline())
	}
	any := false
	for _, rk := range r.Ranked {
		any = ranked(w, tx, rk, 32, func(l explain.Line) string { return tx.ExplainSubject(l.Name, l.PID, l.Started, l.Exited) }) || any
	}
	if !any {
		fmt.Fprintln(w, "\n"+tx.ExplainNothing())
	}
	if len(r.Cgroups) > 0 {
		fmt.Fprintln(w, "\n"+tx.ExplainCgroups())
		for _, rk := range r.Cgroups {
			ranked(w, tx, rk, 48, func(l explain.Line) string { return l.Name })
		}
	}
	ex := r.Exited
	if ex.Count > 0 {
		fmt.Fprintln(w, "\n"+tx.ExplainExited(ex.Count, ex.CPUSeconds, ex.Delta))
		for _, e := range ex.Processes {
			fmt.Fprintln(w, "  "+cell(tx.ExplainSubject(e.Name, e.PID, false, false), 32)+" "+tx.ExplainExit(e.PPID, e.Lifetime, e.CPUSeconds, e.Share, e.Signal))
		}
	}
	if ex.Lost > 0 {
		fmt.Fprintln(w, "  "+tx.ExitsLost(ex.Lost))
	}
	section(w, "\n"+tx.ExplainEvents(), r.Events, func(e explain.Event) string {
		line := "  " + e.Time.In(loc).Format(time.TimeOnly)
		switch {
		case e.Transition != nil:
			tr := e.Transition
			line += "  " + cell(tr.Rule, 20) + " " + cell(tx.ReportLevel(tr.To), 10) + " " + text.Printable(tx.Alert(tr))
		case e.Event != nil:
			line += "  " + cell(tx.EventKind(e.Event.Kind), 31) + " " + tx.EventLine(*e.Event)
		}
		return line
	})
	if r.MoreEvents > 0 {
		fmt.Fprintln(w, "  "+tx.ExplainMoreEvents(r.MoreEvents))
	}
}

// ranked writes one resource's rises and falls, each line named by name
// in a column width wide, and reports whether it wrote any.
func ranked(w io.Writer, tx *text.Text, rk explain.Ranked, width int, name func(explain.Line) string) bool {
	res := string(rk.Resource)
	line := func(l explain.Line) string {
		return "  " + cell(name(l), width) + " " + tx.ExplainChange(res, l.Delta, l.Share)
	}
	section(w, "\n"+tx.ExplainHead(res, rk.Rise), rk.Rose, line)
	section(w, "\n"+tx.ExplainHead(res, rk.Fall), rk.Fell, line)
	return len(rk.Rose)+len(rk.Fell) > 0
}
