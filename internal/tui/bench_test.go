package tui

import (
	"fmt"
	"io"
	"runtime"
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

// changedFrames are four successive frames of a 1000-process machine at
// 200×50, each a second of readings after the one before: what a renderer
// is given each second.
func changedFrames() []string {
	m := newModel(Options{}, machine(true), 200, 50)
	ps := manyProcs(1000)
	t := base
	var frames []string
	for range 4 {
		t = t.Add(time.Second)
		m.Update(readingsMsg{cpuReading(t, 64, 40), memReading(t, true), loadReading(t), netReading(t, 3), diskReading(t), tempReading(t), selfReading(t), procReading(t, ps)})
		frames = append(frames, m.render())
	}
	return frames
}

// BenchmarkRendererFlush is what Bubble Tea v2.1.1's renderer did with each
// changed frame at 200×50 (cursedRenderer.flush): parse the whole frame
// string into cells, diff them against the last frame, write the changes.
// It cost about three times BenchmarkRefresh's whole second of readings
// and redraw, and it is why the dashboard draws through its own screen
// (BenchmarkOwnRenderFlush, docs/PERFORMANCE.md).
func BenchmarkRendererFlush(b *testing.B) {
	frames := changedFrames()
	var screen uv.ScreenBuffer
	var r *uv.TerminalRenderer
	live := liveBytes(func() any {
		screen = uv.NewScreenBuffer(200, 50)
		r = uv.NewTerminalRenderer(io.Discard, []string{"TERM=tmux-256color"})
		screen.Clear()
		uv.NewStyledString(frames[0]).Draw(screen, screen.Bounds())
		r.Render(screen.RenderBuffer)
		r.Flush()
		return r
	})
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
	b.ReportMetric(live, "live-B")
}

// BenchmarkOwnRenderFlush is the dashboard's screen drawing the same
// changed frames as BenchmarkRendererFlush: compare them line by line with
// the last, write the lines that changed.
func BenchmarkOwnRenderFlush(b *testing.B) {
	frames := changedFrames()
	var s *screen
	live := liveBytes(func() any {
		s = newScreen(io.Discard, 50)
		s.draw(frames[0])
		return s
	})
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if err := s.draw(frames[i%len(frames)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(live, "live-B")
}

// liveBytes is the heap that what build returns keeps after one frame
// drawn: a renderer's own memory, which stays for the program's life
// whatever the number of processes. Benchmarks report it as live-B after
// their loop, which deletes metrics reported before it.
func liveBytes(build func() any) float64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	kept := build()
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(kept)
	return float64(int64(after.HeapAlloc) - int64(before.HeapAlloc))
}
