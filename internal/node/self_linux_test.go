package node

import (
	"os"
	"testing"

	"github.com/vigia-dev/vigia/internal/reading"
)

// TestSelfCountsFDsWithoutAllocating: process_open_fds is counted from
// /proc/self/fd without a string allocated per entry, so a thousand files
// held open (the process table's) cost a scrape nothing more than ten.
func TestSelfCountsFDsWithoutAllocating(t *testing.T) {
	c := Self()
	var fds float64
	emit := func(f *reading.Family, v float64, _ ...string) {
		if f == selfOpenFDs {
			fds = v
		}
	}
	allocs := func() float64 {
		c.Update(emit)
		return testing.AllocsPerRun(5, func() { c.Update(emit) })
	}
	few := allocs()
	before := fds
	for range 500 {
		f, err := os.Open(os.DevNull)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
	}
	many := allocs()
	if fds < before+500 {
		t.Errorf("process_open_fds %v with 500 more files open, before %v", fds, before)
	}
	if many > few+5 {
		t.Errorf("a scrape allocates %v times with 500 more files open, %v before", many, few)
	}
}
