package sensor

import (
	"testing"

	"github.com/vigia-dev/vigia/internal/procfs"
)

// FuzzMemoryReading parses arbitrary meminfo files and checks that whatever
// they say, no figure is negative or NaN and no share leaves 0–100.
func FuzzMemoryReading(f *testing.F) {
	f.Add([]byte("MemTotal: 1000 kB\nMemFree: 100 kB\nMemAvailable: 400 kB\nSwapTotal: 10 kB\nSwapFree: 20 kB\n"))
	f.Add([]byte("MemTotal: 1000 kB\nMemFree: 5000 kB\nBuffers: 18014398509481983 kB\nCached: 18014398509481983 kB\nShmem: 7 kB\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		m := NewMemory(procfs.FS{})
		if procfs.ParseMemInfo(b, &m.mi) != nil {
			return
		}
		cmlCheckBounds(t, m.memoryReading(cmlNow, nil))
	})
}
