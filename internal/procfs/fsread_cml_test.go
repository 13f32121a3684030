package procfs

import (
	"testing"
)

// The benchmarks below read this machine's files, I/O included, so they
// compare with the per-call figures of shared/research/procbench.md.

func cmlRealFS(b *testing.B) FS {
	fs, err := NewFS("/proc", "/sys")
	if err != nil {
		b.Skipf("no /proc here: %v", err)
	}
	return fs
}

func BenchmarkReadStat(b *testing.B) {
	fs := cmlRealFS(b)
	var s Stat
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if buf, err = fs.Stat(&s, buf); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadMemInfo(b *testing.B) {
	fs := cmlRealFS(b)
	var m MemInfo
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if buf, err = fs.MemInfo(&m, buf); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadLoadAvg(b *testing.B) {
	fs := cmlRealFS(b)
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if _, buf, err = fs.LoadAvg(buf); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadPressure(b *testing.B) {
	fs := cmlRealFS(b)
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if _, buf, err = PressureFile(fs.Proc("pressure", "cpu"), buf); err != nil {
			b.Skip(err)
		}
	}
}
