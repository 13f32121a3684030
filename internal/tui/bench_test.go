package tui

import (
	"fmt"
	"io"
	"testing"
	"time"

	uv "github.com/charmbracelet/ultraviolet"

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

// BenchmarkRendererFlush is what Bubble Tea v2.1.1's renderer does with each
// changed frame at 200×50 (cursedRenderer.flush): parse the whole frame
// string into cells, diff them against the last frame, write the changes.
// It costs about three times BenchmarkRefresh's whole second of readings
// and redraw, and the renderer has no way to take only the lines that
// changed, so it sets the floor of a frame's cost (docs/PERFORMANCE.md).
func BenchmarkRendererFlush(b *testing.B) {
	m := newModel(Options{}, machine(true), 200, 50)
	ps := manyProcs(1000)
	t := base
	var frames []string
	for range 4 {
		t = t.Add(time.Second)
		m.Update(readingsMsg{cpuReading(t, 64, 40), memReading(t, true), loadReading(t), netReading(t, 3), diskReading(t), tempReading(t), selfReading(t), procReading(t, ps)})
		frames = append(frames, m.render())
	}
	screen := uv.NewScreenBuffer(200, 50)
	r := uv.NewTerminalRenderer(io.Discard, []string{"TERM=tmux-256color"})
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		screen.Clear()
		uv.NewStyledString(frames[i%len(frames)]).Draw(screen, screen.Bounds())
		r.Render(screen.RenderBuffer)
		if err := r.Flush(); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
