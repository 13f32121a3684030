package node

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// adjtimex asks the kernel with modes 0, which only reads.
func adjtimex() (timexValues, error) {
	var t unix.Timex
	state, err := unix.Adjtimex(&t)
	if err != nil {
		return timexValues{}, fmt.Errorf("adjtimex: %w", err)
	}
	return timexValues{
		State: state, Offset: int64(t.Offset), Freq: int64(t.Freq),
		Maxerror: int64(t.Maxerror), Esterror: int64(t.Esterror), Status: int64(t.Status),
		Constant: int64(t.Constant), Tick: int64(t.Tick), Ppsfreq: int64(t.Ppsfreq),
		Jitter: int64(t.Jitter), Shift: int64(t.Shift), Stabil: int64(t.Stabil),
		Jitcnt: int64(t.Jitcnt), Calcnt: int64(t.Calcnt), Errcnt: int64(t.Errcnt),
		Stbcnt: int64(t.Stbcnt), Tai: int64(t.Tai),
	}, nil
}
