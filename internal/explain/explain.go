// Package explain answers "why was the machine busy then": it compares what
// was recorded in a window with the span just before it and ranks what
// changed, each line with the share of the change it accounts for. It is
// pure arithmetic over recorded values: the store gathers them (Span), the
// outputs word the result (Result).
package explain

import (
	"cmp"
	"math"
	"slices"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
)

// BeforeFactor is how many times longer than the window the span before it
// is by default: long enough to be a baseline, short enough to be recent.
const BeforeFactor = 4

// MaxLines is how many lines each ranked list (the rises, the falls) keeps.
// MinShare is the least share a line needs: what rounds to 0 % explains
// nothing. Both bound what is shown, not the totals the shares are of.
const (
	MaxLines = 10
	MinShare = 0.005
)

// MaxEvents is how many events an explanation lists.
const MaxEvents = 50

// Kind is what a subject is.
type Kind string

// The kinds of subject: processes, and cgroups (whose ID and Name are
// the group's path), ranked in lists of their own.
const (
	Process Kind = "process"
	Cgroup  Kind = "cgroup"
)

// Subject is one process (or cgroup) that was recorded.
type Subject struct {
	Kind Kind `json:"kind"`
	// ID tells subjects apart across both spans: the store's process id,
	// which a reused PID does not share, or the cgroup's path.
	ID   string `json:"id"`
	Name string `json:"name"`
	PID  int32  `json:"pid,omitempty"`
}

// Usage is what one subject was recorded doing in one span.
type Usage struct {
	Subject
	// CPUSeconds is the CPU time it used in the span.
	CPUSeconds float64 `json:"cpu_seconds"`
	// RSS is its resident memory averaged over the span's recorded time,
	// counting none while it was not running (or not recorded).
	RSS float64 `json:"rss_bytes"`
	// IOBytes is what it read and wrote in the span; HasIO says it was
	// recorded (recordings made before per-process I/O have none).
	IOBytes float64 `json:"io_bytes,omitempty"`
	HasIO   bool    `json:"has_io,omitempty"`
	// Started says it started in the span, Exited that it ended in it.
	Started bool `json:"started,omitempty"`
	Exited  bool `json:"exited,omitempty"`
}

// Event is something that happened in the window: an alert transition,
// or one of the events recorded (an OOM kill, a throttling burst, a
// pressure crossing, an exit on a signal). One of the two is set.
type Event struct {
	Time       time.Time           `json:"time"`
	Transition *reading.Transition `json:"transition,omitempty"`
	Event      *reading.Event      `json:"event,omitempty"`
}

// Span is what was recorded over [From, To).
type Span struct {
	From, To time.Time
	// Covered is how much of the span the recording covers (a stopped
	// recorder leaves gaps); rates are taken over it. Zero means none.
	Covered time.Duration
	Usage   []Usage
	// Cgroups is each recorded cgroup's usage, over CgroupsCovered: the
	// cgroups sensor's readings cover the span apart from the processes'.
	Cgroups        []Usage
	CgroupsCovered time.Duration
	// Exits are the processes that ended in the span, as recorded; Lost
	// counts the exits the kernel dropped, of which nothing is known.
	Exits     []Exit
	ExitsLost int
	Events    []Event
}

// Before returns the span just before [from, to) by default: BeforeFactor
// times as long, ending where it starts.
func Before(from, to time.Time) (time.Time, time.Time) {
	return from.Add(-BeforeFactor * to.Sub(from)), from
}

// Resource is what a ranked list measures.
type Resource string

// The resources ranked.
const (
	CPU    Resource = "cpu"    // CPU-seconds
	Memory Resource = "memory" // bytes resident
	IO     Resource = "io"     // bytes read and written
)

// Line is one subject's change in one resource.
type Line struct {
	Subject
	// Before is the span before's value, brought to the window's length
	// for CPU and I/O (what it would have used at the same rate); After
	// the window's; Delta their difference.
	Before float64 `json:"before"`
	After  float64 `json:"after"`
	Delta  float64 `json:"delta"`
	// Share is the fraction of the rise (when Delta > 0) or of the fall
	// (Delta < 0) that this line accounts for, in [0, 1].
	Share   float64 `json:"share"`
	Started bool    `json:"started,omitempty"`
	Exited  bool    `json:"exited,omitempty"`
}

// Ranked is one resource's changes: what rose, largest first, and what
// fell, largest first, and the totals the shares are of. Rises and falls
// are kept apart so a spike's culprits are not pushed down by what merely
// went quiet.
type Ranked struct {
	Resource Resource `json:"resource"`
	// Rise and Fall are the sums of every recorded subject's increases and
	// decreases (Fall ≤ 0), over all subjects, not only the lines kept.
	Rise float64 `json:"rise"`
	Fall float64 `json:"fall"`
	Rose []Line  `json:"rose"`
	Fell []Line  `json:"fell"`
}

// Result is the explanation of a window.
type Result struct {
	From       time.Time `json:"from"`
	To         time.Time `json:"to"`
	BeforeFrom time.Time `json:"before_from"`
	// Ranked has the processes' CPU and Memory, and I/O when either span
	// recorded it.
	Ranked []Ranked `json:"ranked"`
	// Cgroups ranks the cgroups the same way, resource by resource. A
	// group's usage includes its children's; the totals the shares are
	// of are the outermost recorded groups', so nothing counts twice.
	Cgroups []Ranked `json:"cgroups"`
	// Exited is the processes that ended in the window, by the CPU they
	// used in it.
	Exited Exited  `json:"exited"`
	Events []Event `json:"events"`
	// MoreEvents counts the events past the MaxEvents listed.
	MoreEvents int `json:"more_events,omitempty"`
	// NoBaseline says the span before has no recording: every change is
	// measured from zero.
	NoBaseline bool `json:"no_baseline,omitempty"`
}

// Explain ranks what changed in window against before.
func Explain(before, window Span) Result {
	res := Result{From: window.From, To: window.To, BeforeFrom: before.From, NoBaseline: before.Covered <= 0}
	// A rate over the covered part of each span, compared at the window's
	// covered length: a span before four times as long (or half recorded)
	// counts for what it would have been over the window.
	scale := 0.0
	if before.Covered > 0 {
		scale = float64(window.Covered) / float64(before.Covered)
	}
	res.Ranked = rankUsage(before.Usage, window.Usage, scale, nil)
	cscale := 0.0
	if before.CgroupsCovered > 0 {
		cscale = float64(window.CgroupsCovered) / float64(before.CgroupsCovered)
	}
	if len(before.Cgroups)+len(window.Cgroups) > 0 {
		res.Cgroups = rankUsage(before.Cgroups, window.Cgroups, cscale, outermost(before.Cgroups, window.Cgroups))
	}
	res.Exited = exited(before, window, scale)
	res.Events = slices.Clone(window.Events)
	slices.SortStableFunc(res.Events, func(a, b Event) int { return a.Time.Compare(b.Time) })
	if n := len(res.Events); n > MaxEvents {
		res.Events, res.MoreEvents = res.Events[:MaxEvents], n-MaxEvents
	}
	return res
}

// rankUsage lines up each subject of either span, resource by resource,
// its span-before value brought to the window's length by scale for CPU
// and I/O, and ranks the changes. counts says which lines the totals are
// summed over (nil: all).
func rankUsage(before, window []Usage, scale float64, counts func(Subject) bool) []Ranked {
	prev := map[key]*Usage{}
	for i := range before {
		prev[keyOf(before[i].Subject)] = &before[i]
	}
	cur := map[key]*Usage{}
	for i := range window {
		cur[keyOf(window[i].Subject)] = &window[i]
	}
	hasIO := false
	for _, us := range [][]Usage{before, window} {
		for _, u := range us {
			hasIO = hasIO || u.HasIO
		}
	}
	resources := []struct {
		r      Resource
		value  func(*Usage) float64
		scaled bool
	}{
		{CPU, func(u *Usage) float64 { return u.CPUSeconds }, true},
		{Memory, func(u *Usage) float64 { return u.RSS }, false},
		{IO, func(u *Usage) float64 { return u.IOBytes }, true},
	}
	var out []Ranked
	for _, rs := range resources {
		if rs.r == IO && !hasIO {
			continue
		}
		var lines []Line
		for _, k := range union(before, window) {
			b, a := prev[k], cur[k]
			l := Line{}
			if a != nil {
				l.Subject, l.After, l.Started, l.Exited = a.Subject, rs.value(a), a.Started, a.Exited
			}
			if b != nil {
				l.Before = rs.value(b)
				if rs.scaled {
					l.Before *= scale
				}
				if a == nil {
					l.Subject = b.Subject
				}
			}
			l.Delta = l.After - l.Before
			lines = append(lines, l)
		}
		out = append(out, rank(rs.r, lines, counts))
	}
	return out
}

// rank sums the rise and fall over every line, gives each its share, and
// keeps the MaxLines largest rises and the MaxLines largest falls of at
// least MinShare. Lines that did not change are no explanation.
func rank(r Resource, lines []Line, counts func(Subject) bool) Ranked {
	out := Ranked{Resource: r}
	for _, l := range lines {
		if counts != nil && !counts(l.Subject) {
			continue
		}
		if l.Delta > 0 {
			out.Rise += l.Delta
		} else {
			out.Fall += l.Delta
		}
	}
	for _, l := range lines {
		switch {
		case l.Delta > 0:
			l.Share = min(l.Delta/max(out.Rise, l.Delta), 1)
			if l.Share >= MinShare {
				out.Rose = append(out.Rose, l)
			}
		case l.Delta < 0:
			l.Share = min(l.Delta/min(out.Fall, l.Delta), 1)
			if l.Share >= MinShare {
				out.Fell = append(out.Fell, l)
			}
		}
	}
	for _, ls := range []*[]Line{&out.Rose, &out.Fell} {
		slices.SortStableFunc(*ls, func(a, b Line) int {
			return cmp.Or(cmp.Compare(math.Abs(b.Delta), math.Abs(a.Delta)), cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
		})
		*ls = (*ls)[:min(len(*ls), MaxLines)]
	}
	return out
}

type key struct {
	kind Kind
	id   string
}

func keyOf(s Subject) key { return key{s.Kind, s.ID} }

// union returns the keys of both spans' subjects, each once, in the order
// first met.
func union(a, b []Usage) []key {
	seen := map[key]bool{}
	var out []key
	for _, us := range [][]Usage{a, b} {
		for _, u := range us {
			if k := keyOf(u.Subject); !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	return out
}

// Moment is the window a selected moment stands for: the minute up to it,
// as a chart's point at a time shows the rate over the interval before it.
const Moment = time.Minute

// At returns the window of the moment t.
func At(t time.Time) (from, to time.Time) { return t.Add(-Moment), t }
