package tui

import (
	"fmt"
	"testing"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
)

func manyProcs(n int) []reading.Process {
	ps := fixtureProcs()
	for i := len(ps); i < n; i++ {
		ps = append(ps, reading.Process{PID: int32(10000 + i), PPID: int32(10000 + i/3), User: "user", State: "S", Comm: "proc",
			Cmdline: fmt.Sprintf("/usr/bin/proc --n %d", i), CPUPercent: float64(i%97) / 7, RSS: uint64(i) << 16, MemPercent: float64(i%50) / 10, Threads: 1, CPUTime: float64(i)})
	}
	return ps
}

// BenchmarkView is one redraw with nothing new: every panel from cache,
// the table drawn again (selection or scroll may have moved).
func BenchmarkView(b *testing.B) {
	m := newModel(Options{}, append(machine(true), procReading(base, manyProcs(1000))), 160, 50)
	b.ReportAllocs()
	for b.Loop() {
		_ = m.render()
	}
}

// BenchmarkRefresh is one second of a 1000-process machine: a reading of
// every sensor taken in, the table re-sorted, and the frame drawn.
func BenchmarkRefresh(b *testing.B) {
	m := newModel(Options{}, machine(true), 160, 50)
	ps := manyProcs(1000)
	t := base
	b.ReportAllocs()
	for b.Loop() {
		t = t.Add(time.Second)
		m.Update(readingsMsg{cpuReading(t, 64, 40), memReading(t, true), loadReading(t), netReading(t, 3), diskReading(t), tempReading(t), selfReading(t), procReading(t, ps)})
		_ = m.render()
	}
}

// BenchmarkKey is a key press that moves the selection and redraws.
func BenchmarkKey(b *testing.B) {
	m := newModel(Options{}, append(machine(true), procReading(base, manyProcs(1000))), 160, 50)
	down, up := press("down"), press("up")
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if i%2 == 0 {
			m.Update(down)
		} else {
			m.Update(up)
		}
		i++
		_ = m.render()
	}
}
