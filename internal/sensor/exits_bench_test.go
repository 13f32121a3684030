package sensor

import (
	"os"
	"testing"
	"time"

	"github.com/vigia-dev/vigia/internal/procfs"
)

// BenchmarkLookProcess is what the exit watch spends on /proc for each
// exec (stat and cmdline) and each exit (stat and io) of the machine.
func BenchmarkLookProcess(b *testing.B) {
	fs, err := procfs.NewFS("/proc", "/sys")
	if err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, 4096)
	start := func(uint64) time.Time { return time.Time{} }
	pid := int32(os.Getpid())
	for _, exit := range []bool{false, true} {
		name := "exec"
		if exit {
			name = "exit"
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if _, ok := lookProcess(fs, pid, exit, buf, 100, start); !ok {
					b.Fatal("own process not found")
				}
			}
		})
	}
}
