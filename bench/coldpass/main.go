// Command coldpass measures what it costs to learn every process's CPU
// time once a second, as `vigia top` does, three ways, each pass on cold
// caches (a pause between passes, as between a monitor's refreshes):
//
//   - clock: one clock_gettime on each process's CPU clock, what
//     internal/procfs does;
//   - iter: a BPF task iterator that writes every task's run time in one
//     read (root and a kernel with BTF; the program is built here with
//     cilium/ebpf's assembler, offsets from the kernel's BTF);
//   - cgprocs: reading the cgroup.procs of one cgroup v2 group that holds
//     the processes (-cgroup DIR), the cheapest way to learn a group's
//     members: what a pass that skips idle cgroups would still have to
//     read to see a process moved out of a group without exec.
//
// It is a module of its own so that vigia does not depend on cilium/ebpf.
//
//	cd bench/coldpass && go run . -passes 20 [-cgroup /sys/fs/cgroup/unified/NAME]
//
// To time cgroup.procs (as root): mkdir a group under the cgroup v2
// mount (/sys/fs/cgroup/unified/NAME on a hybrid host), write each
// spawned PID into its cgroup.procs, run with -cgroup, then write them back
// into the root's cgroup.procs and rmdir the group.
//
// Run it as root with bench/peers/spawn.sh 1000 running first.
package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"
	"unsafe"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/cilium/ebpf/btf"
	"github.com/cilium/ebpf/link"
	"golang.org/x/sys/unix"
)

func main() {
	passes := flag.Int("passes", 20, "cold passes of each method")
	pause := flag.Duration("pause", 300*time.Millisecond, "pause between two passes")
	cgroup := flag.String("cgroup", "", "a cgroup v2 directory whose cgroup.procs to time (none: skip)")
	flag.Parse()
	if err := run(*passes, *pause, *cgroup); err != nil {
		fmt.Fprintln(os.Stderr, "coldpass:", err)
		os.Exit(1)
	}
}

func run(passes int, pause time.Duration, cgroup string) error {
	pids, err := listPIDs()
	if err != nil {
		return err
	}
	it, err := newTaskIter()
	if err != nil {
		return fmt.Errorf("BPF task iterator: %w", err)
	}
	defer it.Close()
	times := map[int32]uint64{}
	if err := it.pass(times); err != nil {
		return err
	}
	for pid, v := range times {
		if c, ok := processCPUTime(pid); ok && (c > v+50e6 || v > c+50e6) {
			return fmt.Errorf("PID %d: iterator says %d ns, its CPU clock %d", pid, v, c)
		}
	}
	var procs *os.File
	if cgroup != "" {
		if procs, err = os.Open(filepath.Join(cgroup, "cgroup.procs")); err != nil {
			return err
		}
		defer procs.Close()
	}
	buf := make([]byte, 1<<20)
	var clock, iter, cg time.Duration
	var members int
	for range passes {
		clock += cpu(func() {
			for _, pid := range pids {
				processCPUTime(pid)
			}
		})
		time.Sleep(pause)
		iter += cpu(func() { err = it.pass(times) })
		if err != nil {
			return err
		}
		time.Sleep(pause)
		if procs != nil {
			cg += cpu(func() { members = readAll(int(procs.Fd()), buf) })
			time.Sleep(pause)
		}
	}
	n := time.Duration(passes)
	fmt.Printf("%d processes listed, %d tasks' processes iterated\n", len(pids), len(times))
	fmt.Printf("CPU clocks:      %v a pass (%v a process)\n", clock/n, clock/n/time.Duration(len(pids)))
	fmt.Printf("task iterator:   %v a pass\n", iter/n)
	if procs != nil {
		fmt.Printf("cgroup.procs:    %v a pass (%d members)\n", cg/n, members)
	}
	return nil
}

// cpu returns the CPU time, user and system, that f took.
func cpu(f func()) time.Duration {
	var a, b unix.Rusage
	unix.Getrusage(unix.RUSAGE_SELF, &a)
	f()
	unix.Getrusage(unix.RUSAGE_SELF, &b)
	return time.Duration(b.Utime.Nano() + b.Stime.Nano() - a.Utime.Nano() - a.Stime.Nano())
}

func listPIDs() ([]int32, error) {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return nil, err
	}
	var pids []int32
	for _, e := range ents {
		if p, err := strconv.ParseInt(e.Name(), 10, 32); err == nil {
			pids = append(pids, int32(p))
		}
	}
	return pids, nil
}

// readAll reads fd from offset 0 to its end and returns how many lines it
// held.
func readAll(fd int, buf []byte) int {
	lines, off := 0, int64(0)
	for {
		n, err := unix.Pread(fd, buf, off)
		if err != nil || n <= 0 {
			return lines
		}
		lines += bytes.Count(buf[:n], []byte{'\n'})
		off += int64(n)
	}
}

// processCPUTime is internal/procfs's: the thread group's CPU clock.
func processCPUTime(pid int32) (uint64, bool) {
	clk := int32(^uint32(pid)<<3) | 2 // MAKE_PROCESS_CPUCLOCK(pid, CPUCLOCK_SCHED)
	var ts unix.Timespec
	_, _, e := unix.RawSyscall(unix.SYS_CLOCK_GETTIME, uintptr(int64(clk)), uintptr(unsafe.Pointer(&ts)), 0)
	return uint64(ts.Sec)*1e9 + uint64(ts.Nsec), e == 0
}

// taskIter is a BPF task iterator that writes, for every task, its thread
// group's ID and its run time (the leader's record adds the run time of
// the group's exited threads), 16 bytes a task.
type taskIter struct {
	prog *ebpf.Program
	link *link.Iter
	buf  []byte
}

func newTaskIter() (*taskIter, error) {
	spec, err := btf.LoadKernelSpec()
	if err != nil {
		return nil, err
	}
	off := func(typ, path string) (int16, error) {
		var s *btf.Struct
		if err := spec.TypeByName(typ, &s); err != nil {
			return 0, err
		}
		for _, m := range s.Members {
			if m.Name == path {
				return int16(m.Offset / 8), nil
			}
		}
		return 0, errors.New("no " + typ + "." + path)
	}
	var offs [6]int16
	for i, f := range [][2]string{{"task_struct", "tgid"}, {"task_struct", "pid"}, {"task_struct", "se"},
		{"sched_entity", "sum_exec_runtime"}, {"task_struct", "signal"}, {"signal_struct", "sum_sched_runtime"}} {
		if offs[i], err = off(f[0], f[1]); err != nil {
			return nil, err
		}
	}
	tgid, pid, runtime, signal, exited := offs[0], offs[1], offs[2]+offs[3], offs[4], offs[5]
	insns := asm.Instructions{
		asm.LoadMem(asm.R6, asm.R1, 0, asm.DWord), // ctx->meta
		asm.LoadMem(asm.R7, asm.R1, 8, asm.DWord), // ctx->task
		asm.JEq.Imm(asm.R7, 0, "out"),
		asm.LoadMem(asm.R2, asm.R7, tgid, asm.Word),
		asm.LoadMem(asm.R3, asm.R7, pid, asm.Word),
		asm.LoadMem(asm.R4, asm.R7, runtime, asm.DWord),
		asm.JNE.Reg(asm.R2, asm.R3, "write"),
		asm.LoadMem(asm.R5, asm.R7, signal, asm.DWord),
		asm.JEq.Imm(asm.R5, 0, "write"),
		asm.LoadMem(asm.R0, asm.R5, exited, asm.DWord),
		asm.Add.Reg(asm.R4, asm.R0),
		asm.StoreMem(asm.RFP, -16, asm.R2, asm.Word).WithSymbol("write"),
		asm.StoreMem(asm.RFP, -12, asm.R3, asm.Word),
		asm.StoreMem(asm.RFP, -8, asm.R4, asm.DWord),
		asm.LoadMem(asm.R1, asm.R6, 0, asm.DWord), // meta->seq
		asm.Mov.Reg(asm.R2, asm.RFP),
		asm.Add.Imm(asm.R2, -16),
		asm.Mov.Imm(asm.R3, 16),
		asm.FnSeqWrite.Call(),
		asm.Mov.Imm(asm.R0, 0).WithSymbol("out"),
		asm.Return(),
	}
	prog, err := ebpf.NewProgramWithOptions(&ebpf.ProgramSpec{Type: ebpf.Tracing, AttachType: ebpf.AttachTraceIter,
		AttachTo: "task", Instructions: insns, License: "Dual MIT/GPL"}, ebpf.ProgramOptions{KernelTypes: spec})
	if err != nil {
		return nil, err
	}
	l, err := link.AttachIter(link.IterOptions{Program: prog})
	if err != nil {
		prog.Close()
		return nil, err
	}
	return &taskIter{prog: prog, link: l, buf: make([]byte, 64<<10)}, nil
}

// pass fills times with every thread group's run time in nanoseconds.
func (t *taskIter) pass(times map[int32]uint64) error {
	clear(times)
	// BPF_ITER_CREATE: a new reader of the iterator for each pass.
	attr := [2]uint32{uint32(t.link.FD()), 0}
	fd, _, e := unix.Syscall(unix.SYS_BPF, 33, uintptr(unsafe.Pointer(&attr)), unsafe.Sizeof(attr))
	if e != 0 {
		return e
	}
	defer unix.Close(int(fd))
	for {
		n, err := unix.Read(int(fd), t.buf)
		if err != nil {
			return err
		}
		if n == 0 {
			return nil
		}
		for i := 0; i+16 <= n; i += 16 {
			times[int32(binary.NativeEndian.Uint32(t.buf[i:]))] += binary.NativeEndian.Uint64(t.buf[i+8:])
		}
	}
}

func (t *taskIter) Close() {
	t.link.Close()
	t.prog.Close()
}
