package procfs

import (
	"os"
	"syscall"
	"testing"
)

// livePIDs lists the PIDs in this machine's /proc as the table's listing
// reads them: getdents, decimal names.
func livePIDs(tb testing.TB) []int32 {
	var pids []int32
	_, err := listDir("/proc", nil, func(_ byte, name []byte) {
		if n, ok := parseDecimal(name); ok && n > 0 && n < 1<<31 {
			pids = append(pids, int32(n))
		}
	})
	if err != nil || len(pids) == 0 {
		tb.Skipf("no processes listed in /proc: %v", err)
	}
	return pids
}

func TestProcessCPUTimeMovesWithWork(t *testing.T) {
	self := int32(os.Getpid())
	before, ok := processCPUTime(self)
	if !ok {
		t.Fatal("no CPU clock for this process")
	}
	x := 0
	for i := 0; i < 20_000_000; i++ {
		x += i ^ (x >> 3)
	}
	after, ok := processCPUTime(self)
	if !ok || after <= before {
		t.Fatalf("CPU clock did not move over a busy loop (%d): %d -> %d", x, before, after)
	}
	if _, ok := processCPUTime(1<<22 + 7); ok {
		t.Error("a PID above the kernel's largest pid_max (2^22) has a CPU clock")
	}
}

// BenchmarkProcessCPUTime is one read of another process's CPU clock, the
// idle-process check of every pass, over every process of this machine;
// BenchmarkRawGetpid is the cheapest system call, the floor any per-process
// check pays on this kernel (and on a virtual machine, its entry and exit).
func BenchmarkProcessCPUTime(b *testing.B) {
	pids := livePIDs(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		processCPUTime(pids[i%len(pids)])
	}
}

func BenchmarkRawGetpid(b *testing.B) {
	for i := 0; i < b.N; i++ {
		syscall.RawSyscall(syscall.SYS_GETPID, 0, 0, 0)
	}
}
