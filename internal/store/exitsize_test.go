package store

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
)

// TestMeasureExits records an hour of procs readings every 2 s carrying
// n exits each (twenty distinct commands, CPU spread so that a pass's
// busiest differ), and says what the exits table and its text cost: per
// row, per reading and per day. A fork storm of 100 exits a second and a
// quiet machine's one a second.
func TestMeasureExits(t *testing.T) {
	if os.Getenv("VIGIA_STORE_MEASURE") == "" {
		t.Skip("a measurement; set VIGIA_STORE_MEASURE=1")
	}
	for _, n := range []int{2, 200} {
		s := openTest(t, base.Add(2*time.Hour))
		const readings = 1800
		var rs []reading.Reading
		pid := int32(1000)
		for i := range readings {
			at := base.Add(time.Duration(i) * 2 * time.Second)
			var ex []reading.ExitedProcess
			for j := range n {
				pid++
				comm := fmt.Sprintf("job%02d", j%20)
				p := exited(pid, comm, float64((i*7+j*13)%97)/100, at.Add(-time.Duration(j%9)*time.Second), at)
				p.Cmdline = "/usr/bin/" + comm + " --input /var/lib/data/" + comm + ".dat"
				if j%50 == 0 {
					p.Signal = 15
				}
				ex = append(ex, p)
			}
			rs = append(rs, exitsReading(at, 0, ex...))
		}
		record(t, s, rs)
		sizes := tableSizes(t, s)
		var rows int64
		s.db.QueryRow("SELECT count(*) FROM exits").Scan(&rows)
		bytes := sizes["exits"] + sizes["exits_ts"]
		t.Logf("%d exits a reading: %d rows, exits table and index %.2f MiB (%.0f bytes a row, %.0f a reading, %.1f MiB a day); cmdlines %.1f KiB",
			n, rows, mib(bytes), float64(bytes)/float64(rows), float64(bytes)/readings, mib(bytes)*24, float64(sizes["cmdlines"])/1024)
	}
}
