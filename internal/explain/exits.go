package explain

import (
	"cmp"
	"slices"
	"time"
)

// Exit is one process that ended in a span, as the kernel's process
// events saw it: its parent, lifetime, CPU and I/O (when known) and the
// signal that ended it. Count above 1 (PID 0) stands for that many exits
// recorded only as sums, a pass's beyond those kept one by one.
type Exit struct {
	Subject
	PPID     int32     `json:"ppid,omitempty"`
	Command  string    `json:"command,omitempty"`
	Start    time.Time `json:"start_time,omitzero"`
	End      time.Time `json:"exit_time"`
	Lifetime float64   `json:"lifetime_seconds,omitempty"`
	// CPUSeconds is what it used in the span: all its CPU time when it
	// lived within it, else the span's part of it, spread evenly over its
	// life (none is known to have gone elsewhere).
	CPUSeconds float64 `json:"cpu_seconds"`
	ReadBytes  uint64  `json:"io_read_bytes,omitempty"`
	WriteBytes uint64  `json:"io_write_bytes,omitempty"`
	Signal     string  `json:"signal,omitempty"`
	CoreDumped bool    `json:"core_dumped,omitempty"`
	Count      int     `json:"count,omitempty"`
	// Share is CPUSeconds' share of all the CPU the window's exits used
	// (Exited.CPUSeconds).
	Share float64 `json:"share"`
}

// Exited is what ended in the window: how many and the CPU they used,
// against the span before at the window's length, and the MaxLines that
// used the most, each with its share of that CPU.
type Exited struct {
	Count      int     `json:"count"`
	CPUSeconds float64 `json:"cpu_seconds"`
	// Before is the CPU of the span before's exits brought to the
	// window's length; Delta is CPUSeconds less it.
	Before float64 `json:"before_cpu_seconds"`
	Delta  float64 `json:"delta_cpu_seconds"`
	// Lost counts exits the kernel dropped: nothing is known of them, so
	// the totals leave them out.
	Lost      int    `json:"lost,omitempty"`
	Processes []Exit `json:"processes"`
}

// exited sums each span's exits, scales the span before's CPU by scale,
// and keeps the window's busiest.
func exited(before, window Span, scale float64) Exited {
	out := Exited{Lost: window.ExitsLost, Processes: []Exit{}}
	for _, e := range exitsOf(before) {
		out.Before += e.CPUSeconds
	}
	out.Before *= scale
	var listed []Exit
	for _, e := range exitsOf(window) {
		out.Count += max(e.Count, 1)
		out.CPUSeconds += e.CPUSeconds
		if e.PID != 0 {
			listed = append(listed, e)
		}
	}
	out.Delta = out.CPUSeconds - out.Before
	slices.SortStableFunc(listed, func(a, b Exit) int {
		return cmp.Or(cmp.Compare(b.CPUSeconds, a.CPUSeconds), a.End.Compare(b.End), cmp.Compare(a.PID, b.PID))
	})
	for _, e := range listed[:min(len(listed), MaxLines)] {
		if out.CPUSeconds > 0 {
			e.Share = min(e.CPUSeconds/out.CPUSeconds, 1)
		}
		out.Processes = append(out.Processes, e)
	}
	return out
}

// exitsOf returns a span's exits: those the kernel's process events saw,
// or, when none were recorded (vigia could not listen to them), the
// processes the table's passes saw end, with the CPU recorded of them in
// the span.
func exitsOf(sp Span) []Exit {
	if len(sp.Exits) > 0 || sp.ExitsLost > 0 {
		return sp.Exits
	}
	var out []Exit
	for _, u := range sp.Usage {
		if u.Exited && u.Kind == Process {
			out = append(out, Exit{Subject: u.Subject, CPUSeconds: u.CPUSeconds, Count: 1})
		}
	}
	return out
}
