package tables

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigia-dev/vigia/internal/explain"
	"github.com/vigia-dev/vigia/internal/golden"
	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/text"
)

func explained() explain.Result {
	from, to := t0.Add(3*time.Hour-time.Minute), t0.Add(3*time.Hour)
	before, _ := explain.Before(from, to)
	p := func(id, name string, pid int32) explain.Subject {
		return explain.Subject{Kind: explain.Process, ID: id, Name: name, PID: pid}
	}
	firefox, mk, cc1 := p("1", "firefox", 4711), p("2", "make", 4800), p("3", "cc1", 4801)
	at := from.Add(20 * time.Second)
	return explain.Result{
		From: from, To: to, BeforeFrom: before,
		Ranked: []explain.Ranked{
			{Resource: explain.CPU, Rise: 65.4, Fall: -1.5, Rose: []explain.Line{
				{Subject: firefox, Before: 2, After: 43.2, Delta: 41.2, Share: 41.2 / 65.4},
				{Subject: mk, After: 24.2, Delta: 24.2, Share: 24.2 / 65.4, Started: true},
			}, Fell: []explain.Line{
				{Subject: cc1, Before: 1.5, Delta: -1.5, Share: 1, Exited: true},
			}},
			{Resource: explain.Memory, Rise: 300 << 20, Rose: []explain.Line{
				{Subject: firefox, Before: 1 << 30, After: 1<<30 + 300<<20, Delta: 300 << 20, Share: 1},
			}},
		},
		Exited: []explain.Usage{{Subject: cc1, CPUSeconds: 0.4, Exited: true}},
		Events: []explain.Event{{Time: at, Transition: &reading.Transition{Rule: "cpu", Sensor: "cpu", Metric: reading.CPUUsage,
			From: reading.Normal, To: reading.Warning, Value: 93, Threshold: 90, Time: at, Since: at, Message: "cpu_usage_percent is 93%, above the warning bound 90%"}}},
	}
}

// TestExplainGolden writes an explanation, one with nothing recorded
// before it, and one where nothing changed, in both languages.
func TestExplainGolden(t *testing.T) {
	t.Parallel()
	for file, lang := range map[string]text.Lang{"explain.en.golden": text.English, "explain.es.golden": text.Spanish} {
		tx := text.For(lang)
		var b bytes.Buffer
		Explain(&b, tx, explained(), zone)
		b.WriteString("--- no baseline, nothing changed\n")
		r := explained()
		r.Ranked, r.Exited, r.Events, r.NoBaseline = nil, nil, nil, true
		Explain(&b, tx, r, zone)
		golden.Check(t, filepath.Join("testdata", file), b.Bytes())
	}
}

// TestExplainPrintable: hostile process names are shown, not acted on.
func TestExplainPrintable(t *testing.T) {
	t.Parallel()
	r := explained()
	var b strings.Builder
	for i, h := range golden.Hostile {
		r.Ranked[0].Rose[0].Name = h
		r.Exited[0].Name = h
		r.Events[0].Transition.Rule = golden.Hostile[(i+1)%len(golden.Hostile)]
		r.Events[0].Transition.Message = golden.Hostile[(i+2)%len(golden.Hostile)]
		Explain(&b, text.For(text.English), r, time.UTC)
	}
	golden.Printable(t, "explain", b.String())
}
