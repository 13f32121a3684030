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
	g := func(path string) explain.Subject { return explain.Subject{Kind: explain.Cgroup, ID: path, Name: path} }
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
		Cgroups: []explain.Ranked{
			{Resource: explain.CPU, Rise: 66, Rose: []explain.Line{
				{Subject: g("/user.slice"), Before: 3, After: 69, Delta: 66, Share: 1},
				{Subject: g("/user.slice/user-1000.slice/app-firefox.scope"), Before: 2, After: 43.2, Delta: 41.2, Share: 41.2 / 66},
			}},
			{Resource: explain.Memory, Fall: -(64 << 20), Fell: []explain.Line{
				{Subject: g("/system.slice/postgresql.service"), Before: 1 << 30, After: 1<<30 - 64<<20, Delta: -(64 << 20), Share: 1},
			}},
		},
		Exited: explain.Exited{Count: 41, CPUSeconds: 8, Before: 0.5, Delta: 7.5, Lost: 3, Processes: []explain.Exit{
			{Subject: cc1, PPID: 4800, Lifetime: 12.5, CPUSeconds: 6, Share: 0.75, Count: 1},
			{Subject: p("", "crasher", 4900), PPID: 1, Lifetime: 0.3, CPUSeconds: 0.1, Share: 0.0125, Signal: "SIGSEGV", Count: 1},
		}},
		Events: []explain.Event{{Time: at, Transition: &reading.Transition{Rule: "cpu", Sensor: "cpu", Metric: reading.CPUUsage,
			From: reading.Normal, To: reading.Warning, Value: 93, Threshold: 90, Time: at, Since: at, Message: "cpu_usage_percent is 93%, above the warning bound 90%"}},
			{Time: at.Add(5 * time.Second), Event: &reading.Event{Time: at.Add(5 * time.Second), Kind: reading.EventOOMKill, PID: 4902, Comm: "java",
				Cgroup: "/system.slice/app.service", Unit: "app.service", Count: 1}},
			{Time: at.Add(9 * time.Second), Event: &reading.Event{Time: at.Add(9 * time.Second), Kind: reading.EventProcessExit, PID: 4900, Comm: "crasher",
				Count: 1, Value: 0.3, Resource: "SIGSEGV", Detail: "core"}},
		},
		MoreEvents: 2,
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
		r.Ranked, r.Cgroups, r.Exited, r.Events, r.MoreEvents, r.NoBaseline = nil, nil, explain.Exited{}, nil, 0, true
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
		r.Exited.Processes[0].Name = h
		r.Exited.Processes[1].Signal = golden.Hostile[(i+3)%len(golden.Hostile)]
		r.Cgroups[0].Rose[0].Name = golden.Hostile[(i+4)%len(golden.Hostile)]
		r.Events[1].Event.Comm = golden.Hostile[(i+5)%len(golden.Hostile)]
		r.Events[0].Transition.Rule = golden.Hostile[(i+1)%len(golden.Hostile)]
		r.Events[0].Transition.Message = golden.Hostile[(i+2)%len(golden.Hostile)]
		Explain(&b, text.For(text.English), r, time.UTC)
	}
	golden.Printable(t, "explain", b.String())
}
