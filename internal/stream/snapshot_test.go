package stream

import (
	"bytes"
	"path/filepath"
	"testing"
	"time"

	"github.com/vigia-dev/vigia/internal/golden"
	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/text"
)

// snapshotFixture adds to the watch fixture what only snapshot shows: raw
// counters and meminfo it leaves out, a label longer than its column, and
// processes that tie on CPU.
func snapshotFixture() []reading.Reading {
	rs := fixture()
	rs = append(rs,
		reading.Reading{Sensor: "memory", Time: t0.Add(9 * time.Second), Primary: reading.MemUsedPercent, Status: reading.Normal,
			Metrics: []reading.Metric{
				{Name: reading.MemUsedPercent, Value: 41, Unit: reading.Percent},
				{Name: reading.MemInfo, Labels: []reading.Label{{Name: "field", Value: "MemFree"}}, Value: 1 << 30, Unit: reading.Bytes},
				{Name: "memory.swap_in", Kind: reading.Counter, Value: 12345},
				{Name: reading.FSAvail, Labels: []reading.Label{{Name: "mountpoint", Value: "/a/mount/point/longer/than/the/sixty/cells/of/its/column/x"}}, Value: 2 << 30, Unit: reading.Bytes},
			}},
		reading.Reading{Sensor: reading.SensorProcesses, Time: t0.Add(10 * time.Second), Primary: reading.ProcsCount, Status: reading.Normal,
			Metrics: []reading.Metric{{Name: reading.ProcsCount, Value: 4}},
			Processes: []reading.Process{
				{PID: 1, User: "root", State: "S", CPUPercent: 0, RSS: 12 << 20, MemPercent: 0.1, Threads: 1, Cmdline: "/sbin/init"},
				{PID: 200, User: "pg", State: "R", CPUPercent: 50, RSS: 512 << 20, MemPercent: 6.3, Threads: 12, Cmdline: "postgres -D /srv"},
				{PID: 300, User: "a-very-long-user", State: "D", CPUPercent: 50, RSS: 1 << 30, MemPercent: 12.5, Threads: 4, Cmdline: "dd if=/dev/zero of=/tmp/x"},
				{PID: 400, User: "nobody", State: "S", CPUPercent: 0.5, RSS: 4 << 20, Threads: 1, Cmdline: "[kworker/0:1]"},
			}})
	return rs
}

// TestSnapshotGolden writes each reading's line, its metric list and the
// top three processes, as vigia snapshot does, in both languages.
func TestSnapshotGolden(t *testing.T) {
	t.Parallel()
	for file, lang := range map[string]text.Lang{"snapshot.golden": text.English, "snapshot-es.golden": text.Spanish} {
		var buf bytes.Buffer
		tx := text.For(lang)
		l := NewLines(&buf, tx, false, time.UTC)
		for _, r := range snapshotFixture() {
			if err := l.Write(r); err != nil {
				t.Fatal(err)
			}
			if r.Err == "" {
				Metrics(&buf, r)
			}
			if len(r.Processes) > 0 {
				TopProcesses(&buf, tx, r.Processes, 3)
			}
		}
		golden.Check(t, filepath.Join("testdata", file), buf.Bytes())
	}
}
