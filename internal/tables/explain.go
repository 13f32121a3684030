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
		res := string(rk.Resource)
		line := func(l explain.Line) string {
			return "  " + cell(tx.ExplainSubject(l.Name, l.PID, l.Started, l.Exited), 32) + " " + tx.ExplainChange(res, l.Delta, l.Share)
		}
		section(w, "\n"+tx.ExplainHead(res, rk.Rise), rk.Rose, line)
		section(w, "\n"+tx.ExplainHead(res, rk.Fall), rk.Fell, line)
		any = any || len(rk.Rose)+len(rk.Fell) > 0
	}
	if !any {
		fmt.Fprintln(w, "\n"+tx.ExplainNothing())
	}
	section(w, "\n"+tx.ExplainEnded(), r.Exited, func(u explain.Usage) string {
		return "  " + cell(tx.ExplainSubject(u.Name, u.PID, u.Started, false), 32) + " " + tx.ExplainAmount(string(explain.CPU), u.CPUSeconds)
	})
	section(w, "\n"+tx.ExplainEvents(), r.Events, func(e explain.Event) string {
		line := "  " + e.Time.In(loc).Format(time.TimeOnly)
		if tr := e.Transition; tr != nil {
			line += "  " + cell(tr.Rule, 20) + " " + cell(tx.ReportLevel(tr.To), 10) + " " + text.Printable(tx.Alert(tr))
		}
		return line
	})
}
