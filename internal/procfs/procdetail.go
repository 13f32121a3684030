package procfs

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"time"

	"golang.org/x/sys/unix"

	"github.com/vigia-dev/vigia/internal/reading"
)

// ErrNoProcess is wrapped by ProcessDetail when the PID does not exist (or
// exited while it was being read), or names a task that is not a process.
var ErrNoProcess = errors.New("no such process")

// ProcessDetail reads everything vigia shows of one process, on demand (the
// TUI's detail view, the API). It is too costly for every pass of the
// table: it opens several files and lists the descriptor directory.
//
// CPUPercent is left 0: a rate needs two samples, so callers take it from
// the latest table reading. Fields the caller may not read (another user's
// exe, cwd, fds or io without privileges) are left empty and named in
// Unreadable; a process that is gone is an error wrapping ErrNoProcess.
func ProcessDetail(fsys FS, pid int32) (reading.ProcessDetail, error) {
	var d reading.ProcessDetail
	if pid <= 0 {
		return d, fmt.Errorf("process %d: %w", pid, ErrNoProcess)
	}
	name := strconv.FormatInt(int64(pid), 10)
	b, err := ReadFile(fsys.Proc(name, "stat"))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, unix.ESRCH) {
			return d, fmt.Errorf("process %d: %w", pid, ErrNoProcess)
		}
		return d, fmt.Errorf("process %d: %w", pid, err)
	}
	st, err := ParsePIDStat(b)
	if err != nil {
		return d, fmt.Errorf("%s: %w", fsys.Proc(name, "stat"), err)
	}
	status, statusErr := ReadFile(fsys.Proc(name, "status"))
	// /proc/TID answers for every thread though /proc lists only processes:
	// a task whose thread group is another is a thread, not a process. A
	// stat that names another PID is not this process either.
	if st.PID != pid {
		return d, fmt.Errorf("process %d: %s names pid %d: %w", pid, fsys.Proc(name, "stat"), st.PID, ErrNoProcess)
	}
	if statusErr == nil {
		if tgid, err := ParseStatusTgid(status); err == nil && tgid != pid {
			return d, fmt.Errorf("process %d: task %d is a thread of process %d: %w", pid, pid, tgid, ErrNoProcess)
		}
	}
	hz, page := clockTicks(), uint64(unix.Getpagesize())
	comm := string(st.Comm)
	d.PID = pid
	d.PPID = st.PPID
	d.State = string(st.State)
	d.Comm = comm
	d.Threads = st.Threads
	d.Nice = st.Nice
	d.VMSize = st.VSize
	d.RSS = st.RSSPages * page
	d.CPUTime = float64(st.UTime+st.STime) / float64(hz)
	d.ChildrenCPUTime = float64(st.CUTime+st.CSTime) / float64(hz)
	if start, err := startTime(fsys, st.StartTicks, hz); err == nil {
		d.Start = start
	}
	if mb, err := ReadFile(fsys.Proc("meminfo")); err == nil {
		if total, err := ParseMemTotal(mb); err == nil && total > 0 {
			d.MemPercent = float64(d.RSS) / float64(total) * 100
		}
	}

	d.Cmdline = "[" + comm + "]"
	if cb, err := ReadFile(fsys.Proc(name, "cmdline")); err == nil {
		d.Cmdline = FormatCmdline(cb, comm)
	}
	if statusErr != nil {
		status = nil
	}
	var uid uint32
	uid, d.User = processUser(NewUsers(SystemPasswd), status, func() (uint32, bool) {
		var st unix.Stat_t
		err := unix.Stat(fsys.Proc(name), &st)
		return st.Uid, err == nil
	})
	d.UID = uid

	unreadable := func(field string, err error) bool {
		if errors.Is(err, fs.ErrPermission) {
			d.Unreadable = append(d.Unreadable, field)
			return true
		}
		return false
	}
	// Kernel threads have no exe or cwd: ENOENT there is an empty field,
	// not an unreadable one.
	if s, err := os.Readlink(fsys.Proc(name, "exe")); err == nil {
		d.Exe = s
	} else {
		unreadable("exe", err)
	}
	if s, err := os.Readlink(fsys.Proc(name, "cwd")); err == nil {
		d.Cwd = s
	} else {
		unreadable("cwd", err)
	}
	if n, err := countDir(fsys.Proc(name, "fd")); err == nil {
		d.OpenFiles = n
	} else {
		unreadable("open_files", err)
	}
	if ib, err := ReadFile(fsys.Proc(name, "io")); err == nil {
		if r, w, err := ParsePIDIO(ib); err == nil {
			d.ReadBytes, d.WriteBytes = r, w
		}
	} else if unreadable("io_read_bytes", err) {
		d.Unreadable = append(d.Unreadable, "io_write_bytes")
	}
	// Without CONFIG_TASK_IO_ACCOUNTING there is no io file at all; that
	// leaves the counters 0 and is not a permission matter.

	// The process may have exited while its files were read; then what was
	// read is a mix of it and nothing, so report it gone.
	if _, err := os.Stat(fsys.Proc(name)); errors.Is(err, fs.ErrNotExist) {
		return reading.ProcessDetail{}, fmt.Errorf("process %d: %w", pid, ErrNoProcess)
	}
	return d, nil
}

// processUser returns a process's effective uid and its name, the same way
// for the table and the detail: from the status file (nil when it could not
// be read), else from the owner of /proc/PID, which is the effective uid of
// a dumpable process; "?" when neither tells.
func processUser(users *Users, status []byte, owner func() (uint32, bool)) (uint32, string) {
	if status != nil {
		if uid, err := ParseStatusUID(status); err == nil {
			return uid, users.Name(uid)
		}
	}
	if uid, ok := owner(); ok {
		return uid, users.Name(uid)
	}
	return 0, "?"
}

// ProcessStart returns when process pid started, as the process table and
// ProcessDetail compute it, so a caller can tell the process a table row
// showed from a later one that took its PID. A process that is gone is an
// error wrapping ErrNoProcess.
func ProcessStart(fsys FS, pid int32) (time.Time, error) {
	if pid <= 0 {
		return time.Time{}, fmt.Errorf("process %d: %w", pid, ErrNoProcess)
	}
	path := fsys.Proc(strconv.FormatInt(int64(pid), 10), "stat")
	b, err := ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, unix.ESRCH) {
			return time.Time{}, fmt.Errorf("process %d: %w", pid, ErrNoProcess)
		}
		return time.Time{}, fmt.Errorf("process %d: %w", pid, err)
	}
	st, err := ParsePIDStat(b)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s: %w", path, err)
	}
	return startTime(fsys, st.StartTicks, clockTicks())
}

// startTime turns a start in clock ticks after boot into wall-clock time.
func startTime(fsys FS, ticks, hz uint64) (time.Time, error) {
	b, err := ReadFile(fsys.Proc("stat"))
	if err != nil {
		return time.Time{}, err
	}
	bt, err := ParseBootTime(b)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s: %w", fsys.Proc("stat"), err)
	}
	return bootRelative(bt, ticks, hz), nil
}

func countDir(path string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	n := 0
	for {
		names, err := f.Readdirnames(1024)
		n += len(names)
		if err != nil || len(names) == 0 {
			break
		}
	}
	return n, nil
}

// ParsePIDIO returns read_bytes and write_bytes, the bytes the process made
// the storage layer fetch and send, from /proc/PID/io.
func ParsePIDIO(b []byte) (read, write uint64, err error) {
	var haveR, haveW bool
	for len(b) > 0 {
		var line []byte
		line, b = cutLine(b)
		key, val, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			continue
		}
		v, ok := parseDecimal(bytes.TrimSpace(val))
		switch string(key) {
		case "read_bytes":
			if !ok {
				return 0, 0, fmt.Errorf("io: bad read_bytes %q", truncated(val))
			}
			read, haveR = v, true
		case "write_bytes":
			if !ok {
				return 0, 0, fmt.Errorf("io: bad write_bytes %q", truncated(val))
			}
			write, haveW = v, true
		}
	}
	if !haveR || !haveW {
		return 0, 0, errors.New("io: no read_bytes or write_bytes line")
	}
	return read, write, nil
}
