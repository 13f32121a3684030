package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigia-dev/vigia/internal/explain"
	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/text"
)

// fakeExplainer answers with res and keeps the spans it was asked for.
type fakeExplainer struct {
	asked *[]time.Time
	res   explain.Result
}

func (f fakeExplainer) Explain(before, from, to time.Time) (explain.Result, error) {
	*f.asked = append(*f.asked, before, from, to)
	return f.res, nil
}

func explainedFixture() explain.Result {
	p := func(id, name string, pid int32) explain.Subject {
		return explain.Subject{Kind: explain.Process, ID: id, Name: name, PID: pid}
	}
	firefox, mk, cc1 := p("1", "firefox", 4711), p("2", "make", 4800), p("3", "cc1\x1b[2J", 4801)
	at := base.Add(-20 * time.Second)
	return explain.Result{
		Ranked: []explain.Ranked{
			{Resource: explain.CPU, Rise: 65.4, Fall: -1.5, Rose: []explain.Line{
				{Subject: firefox, Before: 2, After: 43.2, Delta: 41.2, Share: 41.2 / 65.4},
				{Subject: mk, After: 24.2, Delta: 24.2, Share: 24.2 / 65.4, Started: true},
			}, Fell: []explain.Line{{Subject: cc1, Before: 1.5, Delta: -1.5, Share: 1, Exited: true}}},
			{Resource: explain.Memory, Rise: 300 << 20, Rose: []explain.Line{
				{Subject: firefox, Before: 1 << 30, After: 1<<30 + 300<<20, Delta: 300 << 20, Share: 1},
			}},
		},
		Events: []explain.Event{{Time: at, Transition: &reading.Transition{Rule: "cpu", Sensor: "cpu", Metric: reading.CPUUsage,
			From: reading.Normal, To: reading.Warning, Time: at, Since: at, Message: "cpu.usage is 93%, above the warning bound 90%"}}},
	}
}

// TestExplainKey: e asks the explainer for the minute up to the newest
// reading against the four before it and shows the ranked lines, in both
// languages; e again goes back.
func TestExplainKey(t *testing.T) {
	t.Parallel()
	for name, lang := range map[string]text.Lang{"en": text.English, "es": text.Spanish} {
		var asked []time.Time
		m := newModel(Options{Explainer: fakeExplainer{asked: &asked, res: explainedFixture()}, Text: text.For(lang)}, machine(false), 100, 24)
		keys(m, "x")
		if diff := cmp.Diff([]time.Time{base.Add(-5 * time.Minute), base.Add(-time.Minute), base}, asked); diff != "" {
			t.Errorf("explainer asked (-want +got):\n%s", diff)
		}
		frame := m.render()
		checkFrame(t, frame, 100, 24)
		checkGolden(t, "explain-"+name, frame)
		keys(m, "x")
		if m.view != viewMain {
			t.Errorf("e again left the view at %v", m.view)
		}
	}
}

// TestExplainWithoutRecording: with nothing recorded the key says how to
// record, and esc goes back.
func TestExplainWithoutRecording(t *testing.T) {
	t.Parallel()
	m := newModel(Options{}, machine(false), 100, 12)
	keys(m, "x")
	frame := m.render()
	checkFrame(t, frame, 100, 12)
	checkGolden(t, "explain-none", frame)
	keys(m, "esc")
	if m.view != viewMain {
		t.Errorf("esc left the view at %v", m.view)
	}
}

// explainedParts is explainedFixture with cgroups, exits and the events
// the store records besides alerts, hostile names among them.
func explainedParts() explain.Result {
	r := explainedFixture()
	g := func(path string) explain.Subject { return explain.Subject{Kind: explain.Cgroup, ID: path, Name: path} }
	r.Cgroups = []explain.Ranked{{Resource: explain.CPU, Rise: 66, Rose: []explain.Line{
		{Subject: g("/user.slice"), Before: 3, After: 69, Delta: 66, Share: 1},
		{Subject: g("/user.slice/app\x07.scope"), Before: 2, After: 43.2, Delta: 41.2, Share: 41.2 / 66},
	}}}
	r.Exited = explain.Exited{Count: 41, CPUSeconds: 8, Before: 0.5, Delta: 7.5, Lost: 3, Processes: []explain.Exit{
		{Subject: explain.Subject{Kind: explain.Process, Name: "cc1", PID: 4801}, PPID: 4800, Lifetime: 12.5, CPUSeconds: 6, Share: 0.75, Count: 1},
		{Subject: explain.Subject{Kind: explain.Process, Name: "crash\x1b]0;x\x07er", PID: 4900}, PPID: 1, Lifetime: 0.3, CPUSeconds: 0.1,
			Share: 0.0125, Signal: "SIGSEGV", Count: 1},
	}}
	at := base.Add(-10 * time.Second)
	r.Events = append(r.Events,
		explain.Event{Time: at, Event: &reading.Event{Time: at, Kind: reading.EventOOMKill, PID: 4902, Comm: "java\x1b[31m", Unit: "app.service", Count: 1}},
		explain.Event{Time: at.Add(time.Second), Event: &reading.Event{Time: at.Add(time.Second), Kind: reading.EventProcessExit, PID: 4900,
			Comm: "crasher", Count: 1, Value: 0.3, Resource: "SIGSEGV", Detail: "core"}})
	r.MoreEvents = 4
	return r
}

// TestExplainParts: the explain view shows the cgroups, the processes
// that exited with their share of the exited CPU, and the events of every
// kind, names made printable.
func TestExplainParts(t *testing.T) {
	t.Parallel()
	var asked []time.Time
	m := newModel(Options{Explainer: fakeExplainer{asked: &asked, res: explainedParts()}, Text: text.For(text.English)}, machine(false), 120, 40)
	keys(m, "x")
	frame := m.render()
	checkFrame(t, frame, 120, 40)
	checkGolden(t, "explain-parts", frame)
}

// TestExplainScroll: a page of changes longer than the screen scrolls with
// the keys that move through the other full-screen views, never past its
// first or last line.
func TestExplainScroll(t *testing.T) {
	t.Parallel()
	var asked []time.Time
	m := newModel(Options{Explainer: fakeExplainer{asked: &asked, res: explainedParts()}, Text: text.For(text.English)}, machine(false), 100, 12)
	keys(m, "x")
	body := m.explainBody()
	rows := m.explainRows()
	if len(body) <= rows {
		t.Fatalf("explain page of %d lines fits in %d rows: nothing to scroll", len(body), rows)
	}
	// bodyAt is the page's first line in sight.
	bodyAt := func() string {
		t.Helper()
		return strings.Split(m.render(), "\n")[2]
	}
	top := bodyAt()
	for _, step := range []struct {
		keys []string
		want int
	}{
		{[]string{"up"}, 0},
		{[]string{"down"}, 1},
		{[]string{"down", "up"}, 1},
		{[]string{"pgdown"}, 1 + rows},
		{[]string{"end"}, len(body) - rows},
		{[]string{"down", "pgdown"}, len(body) - rows},
		{[]string{"pgup"}, len(body) - 2*rows},
		{[]string{"home"}, 0},
	} {
		keys(m, step.keys...)
		want := max(0, min(step.want, len(body)-rows))
		if got := bodyAt(); got != body[want] {
			t.Errorf("after %q the first line is %q, want line %d %q", step.keys, got, want, body[want])
		}
	}
	if bodyAt() != top {
		t.Errorf("home shows %q, want the top %q", bodyAt(), top)
	}
	keys(m, "end")
	frame := m.render()
	checkFrame(t, frame, 100, 12)
	checkGolden(t, "explain-scrolled-end", frame)
	// Leaving and asking again starts from the top.
	keys(m, "esc", "x")
	if got := bodyAt(); got != top {
		t.Errorf("reopened at %q, want the top %q", got, top)
	}
}
