package reading

import "time"

// Exits is what the processes sensor saw exit since its previous reading,
// from the kernel's process-events connector. Watching is false when the
// kernel would not let vigia listen (it takes root or CAP_NET_ADMIN):
// then Processes is empty because nothing could be seen, not because
// nothing exited.
//
// Every output that takes readings gets the exits with them; a timeline of
// events can take the ones that ended on a signal or with a core dump
// (ExitedProcess.Signal, CoreDumped) from the same place.
type Exits struct {
	Watching  bool            `json:"watching"`
	Processes []ExitedProcess `json:"processes"`
	// Lost counts the times the kernel's socket buffer overflowed (each
	// dropping events, exits among them) and the exits beyond the list's
	// cap of MaxExited: when it is not 0 the list is incomplete.
	Lost int `json:"lost,omitempty"`
	// Summed counts exits of which only sums are known, SummedCPU their
	// CPU seconds: a reading replayed from the history, which keeps a
	// reading's busiest and failed exits one by one and the rest as one
	// sum. They are not in Processes.
	Summed    int     `json:"summed,omitempty"`
	SummedCPU float64 `json:"summed_cpu_seconds,omitempty"`
	// Taskstats says CPU and I/O come from the kernel's per-task
	// accounting at each exit (it takes CAP_NET_ADMIN); false, from /proc,
	// read at the exit while the process is a zombie, which a process
	// reaped at once escapes. TaskstatsLost counts the overflows of its
	// socket since the previous reading (each dropping records, whose
	// exits then have /proc's values), TaskstatsLostTotal since vigia
	// started.
	Taskstats          bool   `json:"taskstats"`
	TaskstatsLost      int    `json:"taskstats_lost,omitempty"`
	TaskstatsLostTotal uint64 `json:"taskstats_lost_total,omitempty"`
}

// MaxExited caps the exited processes one reading carries; a fork bomb
// must not turn each reading into megabytes.
const MaxExited = 4096

// ExitedProcess is one process that exited. Name, command line and start
// are read from /proc at its exec (or fork), CPU and I/O from its
// taskstats record, or at its exit when /proc still had it (the zombie
// before its parent reaps it), else at the exec: Final and Taskstats say
// which. An exit that is not final has as its CPU what the process
// table's last pass saw, where that is more.
type ExitedProcess struct {
	PID      int32     `json:"pid"`
	PPID     int32     `json:"ppid"`
	Comm     string    `json:"comm"`
	Cmdline  string    `json:"cmdline"`
	Start    time.Time `json:"start_time"`
	Exit     time.Time `json:"exit_time"`
	Lifetime float64   `json:"lifetime_seconds"`
	CPUTime  float64   `json:"cpu_seconds"`
	// ReadBytes and WriteBytes are what it read from and wrote to storage
	// (/proc/PID/io read_bytes, write_bytes).
	ReadBytes  uint64 `json:"io_read_bytes"`
	WriteBytes uint64 `json:"io_write_bytes"`
	// Final says CPUTime and the I/O were read at the exit, so they are the
	// process's whole; false means they are as of its exec. Taskstats says
	// they are the kernel's own count at the exit (summed over its threads
	// where the record names each thread's group, from version 12 of the
	// record on); else they are /proc's.
	Final     bool `json:"final"`
	Taskstats bool `json:"taskstats,omitempty"`
	// Status is the exit status; Signal the signal that ended it (0 for a
	// normal exit), CoreDumped whether that signal dumped core.
	Status     int  `json:"exit_status"`
	Signal     int  `json:"signal,omitempty"`
	CoreDumped bool `json:"core_dumped,omitempty"`
}
