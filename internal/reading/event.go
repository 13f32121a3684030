package reading

import "time"

// EventKind names what happened; the API's ?kind= filter and the store use
// these words, and internal/text words them for people.
type EventKind string

const (
	// EventOOMKill is a process the kernel killed for want of memory in a
	// cgroup (memory.events oom_kill grew). PID and Comm name the victim
	// when the kernel log was readable; Count is how many were killed.
	EventOOMKill EventKind = "oom_kill"
	// EventThrottled is the start of a CPU throttling burst of a cgroup:
	// Value is the seconds it spent throttled over the pass, Count the
	// periods throttled.
	EventThrottled EventKind = "throttled"
	// EventPressure is a pressure stall crossing: Resource stalled longer
	// than the trigger's threshold within its window; Value is the avg10
	// share in % when it was polled.
	EventPressure EventKind = "pressure"
	// EventProcessStart and EventProcessExit are processes that appeared in
	// or left the process table between two passes; Value of an exit is
	// the process's lifetime in seconds, and Count above 1 stands for that
	// many left out of a pass that saw more than its cap.
	EventProcessStart EventKind = "process_start"
	EventProcessExit  EventKind = "process_exit"
	// EventAlert is an alert transition of a rule (kept in the store's
	// transitions table, shown with the events).
	EventAlert EventKind = "alert"
)

// EventKinds lists every kind in the order the API documents them.
var EventKinds = []EventKind{EventOOMKill, EventThrottled, EventPressure, EventProcessStart, EventProcessExit, EventAlert}

// Event is one thing that happened, with where: a process (PID, Comm), a
// cgroup (its path and the unit or container its path names) or a pressure
// resource. Detail is free text from the source (an alert's message, the
// signal a process died of), not words of internal/text.
type Event struct {
	Time     time.Time `json:"time"`
	Kind     EventKind `json:"kind"`
	PID      int32     `json:"pid,omitempty"`
	Comm     string    `json:"comm,omitempty"`
	Cgroup   string    `json:"cgroup,omitempty"`
	Unit     string    `json:"unit,omitempty"`
	Resource string    `json:"resource,omitempty"`
	Count    uint64    `json:"count,omitempty"`
	Value    float64   `json:"value,omitempty"`
	Detail   string    `json:"detail,omitempty"`
}

// TransitionEvent returns an alert transition as an event of the
// timeline: its message as the detail, its value, and the cgroup or
// process its labels name.
func TransitionEvent(tr Transition) Event {
	e := Event{Time: tr.Time, Kind: EventAlert, Value: tr.Value, Detail: tr.Message, Resource: tr.Rule}
	ls := Labels(tr.Labels)
	e.Cgroup, e.Unit, e.Comm = ls.Value("cgroup"), ls.Value("unit"), ls.Value("comm")
	return e
}

// MarshalJSON writes an event with the controls a process's name may
// carry escaped, as Reading.MarshalJSON does: an event goes out on its
// own in the stream and the events API.
func (e Event) MarshalJSON() ([]byte, error) {
	type plain Event // no methods: no recursion
	return marshalEscaped(plain(e))
}
