package procfs

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The benchmarks below read this machine's files, I/O included, so they
// compare with the per-call figures of shared/research/procbench.md.

func cmlRealFS(b *testing.B) FS {
	pfs, err := NewFS("/proc", "/sys")
	if err != nil {
		b.Skipf("no /proc here: %v", err)
	}
	return pfs
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

// BenchmarkReadVsOS compares, in one run on a noisy machine, the raw reader
// of the per-second files (procfs.ReadFile's too) with os.Open and
// io.ReadAll, the path general-purpose libraries take; parsing is the same
// in both.
func BenchmarkReadVsOS(b *testing.B) {
	fs := cmlRealFS(b)
	for _, name := range []string{"stat", "meminfo", "loadavg"} {
		path := fs.Proc(name)
		b.Run(name+"/raw", func(b *testing.B) {
			var buf []byte
			b.ReportAllocs()
			for b.Loop() {
				var err error
				if buf, err = statReadFile(path, buf); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(name+"/os", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				f, err := os.Open(path)
				if err != nil {
					b.Fatal(err)
				}
				_, err = io.ReadAll(f)
				f.Close()
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestStatReadFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	small := filepath.Join(dir, "small")
	big := filepath.Join(dir, "big")
	if err := os.WriteFile(small, []byte(strings.Repeat("x", 5000)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(big, make([]byte, MaxFileSize+1), 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := statReadFile(small, make([]byte, 0, 16))
	if err != nil || len(b) != 5000 {
		t.Errorf("statReadFile(5000-byte file) = %d bytes, %v", len(b), err)
	}
	if _, err := statReadFile(big, nil); !errors.Is(err, ErrTooLarge) {
		t.Errorf("statReadFile(file over the cap) error = %v, want ErrTooLarge", err)
	}
	if _, err := statReadFile(filepath.Join(dir, "none"), nil); !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "none") {
		t.Errorf("statReadFile(missing) error = %v, want ErrNotExist naming the file", err)
	}
	if _, _, err := PressureFile(filepath.Join(dir, "none"), nil); !errors.Is(err, ErrNoPressure) {
		t.Errorf("PressureFile(missing) error = %v, want ErrNoPressure", err)
	}
}

// BenchmarkHeldVsOpen compares a file read through a descriptor held open
// (FS.WithHeldFiles: one pread) with an open, a read and a close, for the
// files the sensors read at every pass, on this machine.
func BenchmarkHeldVsOpen(b *testing.B) {
	pfs := cmlRealFS(b)
	for _, path := range []string{pfs.Proc("loadavg"), pfs.Proc("stat"), pfs.Proc("net", "dev"),
		pfs.Proc("pressure", "cpu"), pfs.Sys("devices", "system", "cpu", "online"), pfs.Sys("fs", "cgroup", "cpu", "cpu.stat")} {
		if _, err := statReadFile(path, nil); err != nil {
			continue // not on this machine
		}
		b.Run(strings.TrimPrefix(path, "/")+"/open", func(b *testing.B) {
			var buf []byte
			for b.Loop() {
				var err error
				if buf, err = statReadFile(path, buf); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(strings.TrimPrefix(path, "/")+"/held", func(b *testing.B) {
			held := pfs.WithHeldFiles()
			var buf []byte
			for b.Loop() {
				var err error
				if buf, err = held.read(path, buf); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
