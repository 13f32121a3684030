package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/vigia-dev/vigia/internal/explain"
)

// writeEnv makes the test binary, run as a child, write and fsync
// writeSize bytes to the file it names, then run a little and exit: the
// known disk hog of TestReportExplainsADiskHog.
const (
	writeEnv  = "VIGIA_TEST_WRITE"
	writeSize = 64 << 20
)

func init() {
	path := os.Getenv(writeEnv)
	if path == "" {
		return
	}
	f, err := os.Create(path)
	if err != nil {
		os.Exit(3)
	}
	buf := make([]byte, 1<<20)
	for i := range buf {
		buf[i] = byte(i)
	}
	for range writeSize / len(buf) {
		if _, err := f.Write(buf); err != nil {
			os.Exit(3)
		}
	}
	if f.Sync() != nil || f.Close() != nil {
		os.Exit(3)
	}
	// Its io is read at a pass in which its CPU time moved: running a
	// little after the last write makes sure one comes after it.
	spin(time.Now().Add(500 * time.Millisecond))
	time.Sleep(500 * time.Millisecond)
	os.Exit(0)
}

// TestReportExplainsADiskHog records the processes every 250 ms while a
// child with a name of its own writes and fsyncs 64 MiB, then asks
// report --explain for its life: the child leads what rose in disk I/O,
// with about the bytes it wrote. Another program may truly have written
// more in those seconds on a shared machine: it is tried up to three
// times.
func TestReportExplainsADiskHog(t *testing.T) {
	t.Parallel()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	for try := 1; ; try++ {
		res := diskHog(t, self)
		var rk *explain.Ranked
		for i := range res.Ranked {
			if res.Ranked[i].Resource == explain.IO {
				rk = &res.Ranked[i]
			}
		}
		if rk == nil || len(rk.Rose) == 0 {
			t.Fatalf("no I/O rise: %+v", res.Ranked)
		}
		first := rk.Rose[0]
		if first.Name == "vigiadisk" {
			// What the recording misses: a pass's worth at either end.
			if first.After < 0.5*writeSize || first.After > 1.5*writeSize || first.Share <= 0 || first.Share > 1 {
				t.Errorf("first I/O rise %+v, want vigiadisk with about %d bytes", first, writeSize)
			}
			t.Logf("try %d: vigiadisk %.0f bytes, %.0f %% of the rise", try, first.After, first.Share*100)
			return
		}
		if try == 3 {
			t.Fatalf("three tries, and vigiadisk never led the I/O rises; the last: %+v", rk.Rose)
		}
		t.Logf("try %d: %s rose more than vigiadisk", try, first.Name)
	}
}

// diskHog records while a child writes writeSize bytes and returns
// report --explain --json for its life.
func diskHog(t *testing.T, self string) explain.Result {
	data := filepath.Join(t.TempDir(), "data")
	res, _ := recordChild(t, self, "vigiadisk", writeEnv+"="+data).explain(t)
	return res
}
