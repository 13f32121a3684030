package sensor

import (
	"github.com/vigia-dev/vigia/internal/reading"
)

// maxSignalExits bounds the exits on a signal one pass adds to the
// timeline, as the table's diff bounds starts and ends: a crash loop must
// not flood it.
const maxSignalExits = 32

// CoreDumped is the detail of a process_exit event whose signal dumped
// core; the outputs word it.
const CoreDumped = "core"

// withExitSignals marks the process_exit events of processes the kernel's
// process events saw end on a signal with that signal (Resource, e.g.
// SIGSEGV) and a core dump (Detail), and adds those that lived less than a
// pass, which the table's diff never saw. Exits with a status are left to
// the diff: a clean end is not news.
func withExitSignals(events []reading.Event, exits *reading.Exits) []reading.Event {
	if exits == nil {
		return events
	}
	added := 0
	for _, x := range exits.Processes {
		if x.Signal == 0 {
			continue
		}
		sig := reading.SignalName(x.Signal)
		detail := ""
		if x.CoreDumped {
			detail = CoreDumped
		}
		found := false
		for i := range events {
			if e := &events[i]; e.Kind == reading.EventProcessExit && e.PID == x.PID {
				e.Resource, e.Detail, found = sig, detail, true
				break
			}
		}
		if found || added >= maxSignalExits {
			continue
		}
		added++
		events = append(events, reading.Event{Time: x.Exit, Kind: reading.EventProcessExit, PID: x.PID, Comm: x.Comm,
			Count: 1, Value: x.Lifetime, Resource: sig, Detail: detail})
	}
	return events
}
