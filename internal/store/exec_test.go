package store

import (
	"testing"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
)

// TestProcessExecRenames records a child first seen between fork and exec,
// under its parent's name and command line, then seen again after exec:
// replay, the report, the events and the explainer name it by what it
// ran, and a recorder opened again keeps the name without a rewrite.
func TestProcessExecRenames(t *testing.T) {
	t.Parallel()
	s := openTest(t, base.Add(2*time.Hour))
	start := base.Add(time.Second)
	forked := reading.Process{PID: 70, Comm: "sh", Cmdline: "sh -c sleep 30", User: "ana", Start: start, CPUPercent: 50, RSS: 1 << 20}
	execd := forked
	execd.Comm, execd.Cmdline = "sleep", "sleep 30"
	procs := func(at time.Time, p reading.Process) reading.Reading {
		return reading.Reading{Sensor: reading.SensorProcesses, Time: at, Primary: reading.ProcsCount, Processes: []reading.Process{p}}
	}
	record(t, s, []reading.Reading{procs(base.Add(2*time.Second), forked), procs(base.Add(4*time.Second), execd), procs(base.Add(6*time.Second), execd)})

	var replayed []string
	for r, err := range s.Readings(base, base.Add(time.Minute)) {
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range r.Processes {
			replayed = append(replayed, p.Comm+" / "+p.Cmdline)
		}
	}
	if len(replayed) != 3 {
		t.Fatalf("replayed processes = %q, want 3", replayed)
	}
	for _, got := range replayed {
		if got != "sleep / sleep 30" {
			t.Errorf("replayed process = %q, want %q", got, "sleep / sleep 30")
		}
	}

	rep, err := s.Report(base, base.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.StartedList) != 1 || rep.StartedList[0].Comm != "sleep" || rep.StartedList[0].Cmdline != "sleep 30" {
		t.Errorf("report's started processes = %+v, want sleep", rep.StartedList)
	}

	evs, err := s.Events(base, base.Add(time.Hour), []reading.EventKind{reading.EventProcessStart})
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 1 || evs[0].Comm != "sleep" {
		t.Errorf("start events = %+v, want one of sleep", evs)
	}

	sp, err := s.ExplainSpan(base, base.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if len(sp.Usage) != 1 || sp.Usage[0].Name != "sleep" {
		t.Errorf("explainer's processes = %+v, want sleep", sp.Usage)
	}

	// Opened again, the recorder tracks the process under its new name:
	// seeing it unchanged writes no new name.
	path := s.Path()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(path, Options{Now: func() time.Time { return base.Add(2 * time.Hour) }})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	s2.rec.top = s2.opts.TopProcesses
	r := procs(base.Add(8*time.Second), execd)
	for _, o := range s2.rec.encode(nil, &r) {
		if o.kind == opProcExec || o.kind == opProcNew {
			t.Errorf("reopened recorder wrote op %d for an unchanged process", o.kind)
		}
	}
}
