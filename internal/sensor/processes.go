package sensor

import (
	"slices"
	"time"

	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

// Processes is the task-manager sensor: the whole process table with CPU %
// per process, and counts by state. The first Read takes the baseline and
// returns ErrWarmup, since CPU % is a rate over two passes.
//
// Processes holds descriptors (the /proc root and, to make each pass one
// pread per process, the stat or schedstat files of up to a few thousand
// processes that are not watched through their CPU clocks); Close
// releases them.
type Processes struct {
	procsOS
	prev time.Time
	warm bool
	diff procDiff
	// note is reading.ProcessesHidden when /proc hides other users'
	// processes from this one, found once at start.
	note string
	// forks is /proc/stat's fork counter at the last read.
	forks    uint64
	hasForks bool
	io       procIO
}

// hiddenNote is reading.ProcessesHidden when the proc mount at root (of
// the mount table ms) hides other users' processes from a reader of
// effective user euid in groups: not root, and not in the group the
// mount's gid= exempts.
func hiddenNote(ms []procfs.Mount, root string, euid int, groups []int) string {
	hidden, gid := procfs.HiddenPIDs(ms, root)
	if !hidden || euid == 0 || (gid >= 0 && slices.Contains(groups, gid)) {
		return ""
	}
	return reading.ProcessesHidden
}

// Name returns reading.SensorProcesses.
func (p *Processes) Name() string { return reading.SensorProcesses }

// processesPatience is how many intervals, and at least how long, a pass
// over the process table may take (Patient). A pass costs per process: at
// 10,000 processes the first one, which reads every command line, cgroup
// and owner, took 1–2 s on an idle 2-core machine, and under a load
// average of 60 a pass at a 250 ms interval never finished within it, so
// with a deadline of one interval the sensor delivered nothing at all.
// Its reads are of kernel files that answer in bounded time; a hung one
// is still shown stale, a few seconds later.
const (
	processesPatience      = 5
	processesPatienceFloor = 5 * time.Second
)

var _ Patient = (*Processes)(nil)

// ReadDeadline makes Processes a Patient sensor.
func (p *Processes) ReadDeadline(interval time.Duration) time.Duration {
	return max(processesPatience*interval, processesPatienceFloor)
}

// procsClock is what turning table entries into rows needs of the machine.
type procsClock struct {
	hz, page, memTotal uint64
	start              func(ticks uint64) time.Time
}

// procStates are the ProcsState series, always all present so an exporter's
// series do not come and go with the processes.
var procStates = [...]string{"running", "sleeping", "disk_sleep", "zombie", "stopped", "idle", "other"}

func stateIndex(s byte) int {
	switch s {
	case 'R':
		return 0
	case 'S':
		return 1
	case 'D':
		return 2
	case 'Z':
		return 3
	case 'T', 't':
		return 4
	case 'I':
		return 5
	}
	return 6
}

// stateLetter returns the state as a string without allocating for the
// letters Linux uses.
func stateLetter(s byte) string {
	switch s {
	case 'R':
		return "R"
	case 'S':
		return "S"
	case 'D':
		return "D"
	case 'Z':
		return "Z"
	case 'T':
		return "T"
	case 't':
		return "t"
	case 'I':
		return "I"
	case 'X':
		return "X"
	}
	return string([]byte{s})
}

// procsReading turns one pass of the table into a reading. dt is the time
// since the previous pass; CPU % is given for entries with a previous sample
// when dt is positive, else 0. The rows keep the table's order; callers sort.
func procsReading(now time.Time, entries []*procfs.ProcEntry, dt time.Duration, c procsClock) reading.Reading {
	rows := make([]reading.Process, len(entries))
	var states [len(procStates)]int
	var threads int64
	hz := float64(c.hz)
	for i, e := range entries {
		row := &rows[i]
		row.PID = e.PID
		row.PPID = e.PPID
		row.UID = e.UID
		row.User = e.User
		row.State = stateLetter(e.State)
		row.Comm = e.Comm
		row.Cmdline = e.Cmdline
		row.Cgroup = e.Cgroup
		row.CPUTime = float64(e.Ticks) / hz
		row.ChildrenCPUTime = float64(e.ChildTicks) / hz
		if e.HasPrev && dt > 0 {
			if d, ok := Delta(e.PrevTicks, e.Ticks); ok {
				row.CPUPercent = float64(d) / (hz * dt.Seconds()) * 100
			}
			if d, ok := Delta(e.PrevChildTicks, e.ChildTicks); ok {
				row.ChildrenCPUPercent = float64(d) / (hz * dt.Seconds()) * 100
			}
		}
		row.RSS = e.RSSPages * c.page
		if c.memTotal > 0 {
			row.MemPercent = float64(row.RSS) / float64(c.memTotal) * 100
		}
		row.Threads = e.Threads
		row.Start = c.start(e.StartTicks)
		states[stateIndex(e.State)]++
		threads += int64(e.Threads)
	}

	ms := make([]reading.Metric, 0, 2+len(procStates))
	labels := make([]reading.Label, len(procStates))
	ms = append(ms,
		reading.Metric{Name: reading.ProcsCount, Value: float64(len(entries))},
		reading.Metric{Name: reading.ProcsThreads, Value: float64(threads)},
	)
	for i, s := range procStates {
		labels[i] = reading.Label{Name: "state", Value: s}
		ms = append(ms, reading.Metric{Name: reading.ProcsState, Labels: labels[i : i+1 : i+1], Value: float64(states[i])})
	}
	return reading.Reading{
		Sensor:    reading.SensorProcesses,
		Time:      now,
		Primary:   reading.ProcsCount,
		Metrics:   ms,
		Processes: rows,
	}
}
