package sensor

import (
	"errors"
	"os"
	"strconv"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/vigia-dev/vigia/internal/procfs"
)

// exitWatch owns the process-events subscription, the taskstats
// registration where the kernel allows it, and the goroutines that feed
// both to the tracker. Each goroutine exits when close closes its socket,
// and close waits for them.
type exitWatch struct {
	events   *procfs.ProcEvents
	acct     *procfs.Taskstats // nil without CAP_NET_ADMIN
	x        *exitTracker
	done     chan struct{}
	acctDone chan struct{}
}

// startExitWatch subscribes to the connector; the error wraps
// procfs.ErrNoProcEvents without the capability. It then registers for
// taskstats through listenAcct on the online CPUs; without it the exits
// get their CPU and I/O from /proc.
func startExitWatch(fs procfs.FS, listen func() (*procfs.ProcEvents, error), listenAcct func(cpus string) (*procfs.Taskstats, error),
	hz uint64, start func(ticks uint64) time.Time) (*exitWatch, error) {
	events, err := listen()
	if err != nil {
		return nil, err
	}
	buf := make([]byte, 4096)
	look := func(pid int32, exit bool) (procLook, bool) { return lookProcess(fs, pid, exit, buf, hz, start) }
	w := &exitWatch{events: events, x: newExitTracker(look, monotonicToWall, monotonicNow), done: make(chan struct{})}
	if listenAcct != nil {
		if cpus, err := os.ReadFile(fs.Sys("devices", "system", "cpu", "online")); err == nil {
			if acct, err := listenAcct(string(cpus)); err == nil {
				w.acct, w.x.taskstats, w.acctDone = acct, true, make(chan struct{})
				go w.runAcct()
			}
		}
	}
	go w.run()
	return w, nil
}

func (w *exitWatch) runAcct() {
	defer close(w.acctDone)
	var recs []procfs.TaskExit
	for {
		var err error
		recs, err = w.acct.Read(recs[:0])
		for _, r := range recs {
			w.x.account(r)
		}
		switch {
		case err == nil, errors.Is(err, procfs.ErrTaskstatsFormat):
		case errors.Is(err, procfs.ErrTaskstatsLost):
			w.x.loseAcct()
		default:
			return // closed, or the socket failed
		}
	}
}

func (w *exitWatch) run() {
	defer close(w.done)
	var evs []procfs.ProcEvent
	for {
		var err error
		evs, err = w.events.Read(evs[:0])
		for _, ev := range evs {
			w.x.handle(ev)
		}
		switch {
		case err == nil, errors.Is(err, procfs.ErrProcEventFormat):
		case errors.Is(err, procfs.ErrProcEventsLost):
			w.x.lose()
		default:
			return // closed, or the socket failed: the list stops growing
		}
	}
}

func (w *exitWatch) close() error {
	err := w.events.Close()
	<-w.done
	if w.acct != nil {
		w.acct.Close()
		<-w.acctDone
	}
	return err
}

// monotonicToWall turns CLOCK_MONOTONIC nanoseconds, the connector's
// timestamps, into wall-clock time by the distance from now.
func monotonicToWall(nanos uint64) time.Time {
	now := time.Now()
	var ts unix.Timespec
	if unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts) != nil {
		return now
	}
	return now.Add(-time.Duration(uint64(ts.Nano()) - nanos))
}

// monotonicNow is CLOCK_MONOTONIC in nanoseconds, the clock of the
// connector's timestamps.
func monotonicNow() uint64 {
	var ts unix.Timespec
	if unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts) != nil {
		return 0
	}
	return uint64(ts.Nano())
}

// lookProcess reads what the exit list needs of a process from /proc into
// buf, which the watch goroutine reuses: it runs for every exec and exit
// of the machine, and a slow one lets the kernel's buffer overflow.
func lookProcess(fs procfs.FS, pid int32, exit bool, buf []byte, hz uint64, start func(uint64) time.Time) (procLook, bool) {
	dir := fs.ProcRoot() + "/" + strconv.Itoa(int(pid)) + "/"
	b, ok := readStatRaw(dir+"stat", buf)
	if !ok {
		return procLook{}, false
	}
	st, err := procfs.ParsePIDStat(b)
	if err != nil || st.PID != pid {
		return procLook{}, false
	}
	l := procLook{
		PPID:    st.PPID,
		Comm:    string(st.Comm),
		Start:   start(st.StartTicks),
		CPUTime: float64(st.UTime+st.STime) / float64(hz),
	}
	if exit {
		if raw, ok := readSmall(dir+"io", buf); ok {
			l.ReadBytes, l.WriteB, _ = procfs.ParsePIDIO(raw)
		}
		return l, true
	}
	l.Cmdline = "[" + l.Comm + "]"
	if raw, ok := readSmall(dir+"cmdline", buf); ok {
		l.Cmdline = procfs.FormatCmdline(raw, l.Comm)
	}
	return l, true
}

// readSmall reads up to len(buf) bytes of a kernel file in one open, read
// and close; a longer command line is cut, as the table cuts it.
func readSmall(path string, buf []byte) ([]byte, bool) {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, false
	}
	defer unix.Close(fd)
	n, err := unix.Read(fd, buf)
	if err != nil || n <= 0 {
		return nil, false
	}
	return buf[:n], true
}

// readStatRaw is readSmall for a stat file, with system calls the scheduler
// is not told of: a stat read takes no lock the process could hold (unlike
// cmdline, which waits for its memory map, or io, which waits for an exec
// to finish), so it never blocks, and a call the scheduler is told of wakes
// Go's sysmon thread when the program was idle — for every exec and exit
// of the machine, most of this watch's cost (docs/PERFORMANCE.md).
func readStatRaw(path string, buf []byte) ([]byte, bool) {
	cwd := unix.AT_FDCWD // a relative path (a fixture root) from the working directory
	p, err := unix.BytePtrFromString(path)
	if err != nil {
		return nil, false
	}
	fd, _, e := unix.RawSyscall6(unix.SYS_OPENAT, uintptr(cwd), uintptr(unsafe.Pointer(p)),
		uintptr(unix.O_RDONLY|unix.O_CLOEXEC), 0, 0, 0)
	if e != 0 {
		return nil, false
	}
	n, _, e := unix.RawSyscall(unix.SYS_READ, fd, uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)))
	unix.RawSyscall(unix.SYS_CLOSE, fd, 0, 0)
	if e != 0 || int(n) <= 0 {
		return nil, false
	}
	return buf[:n], true
}
