package tui

import (
	"iter"
	"slices"
	"strconv"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/vigia-dev/vigia/internal/reading"
)

// Source is a recorded history the dashboard can replay: the history
// store satisfies it. Readings yields the readings in [from, to) in time
// order and may be called many times, for any range.
type Source interface {
	Readings(from, to time.Time) iter.Seq2[reading.Reading, error]
}

// ActiveSource is a Source that can also say which alerts were open at an
// instant (the store can): a seek far into a recording then lists alerts
// raised long before the minutes it reads, not only those raised within.
type ActiveSource interface {
	ActiveAt(t time.Time) ([]reading.Transition, error)
}

// SpanSource is a Source that can say where its recording ends now (the
// store can), for a replay that follows a recording still being written.
type SpanSource interface {
	Span() (first, last time.Time, ok bool, err error)
}

// Replay asks the dashboard to show a recording instead of live readings.
type Replay struct {
	Source Source
	// From and To bound the replay, To excluded; the replay clock starts at
	// From.
	From, To time.Time
	// Follow says To was the end of the recording at launch: when the clock
	// gets there, a SpanSource is asked again, so a replay of a history that
	// vigia serve is still recording goes on into what it wrote since.
	Follow bool
	// Speed is the starting speed, 1 to 64; 0 means 1.
	Speed int
}

// The replay reads the store one window at a time as the clock moves, so a
// day of history never sits in memory; a seek reads replayWarm before the
// new clock to fill the graphs.
const (
	replayWindow = 2 * time.Minute
	replayWarm   = 2 * time.Minute
	// replayTick is how often the clock moves while playing, in wall time.
	replayTick = 100 * time.Millisecond
	maxSpeed   = 64
	// replayGap is the longest stretch without readings that playing
	// waits through; a longer one is skipped.
	replayGap = 30 * time.Second
)

// replayTickMsg moves the clock while playing; gen tells a stale tick
// (from before a pause) from the current one.
// replayTickMsg moves a playing replay on; at is when the tick fired.
type replayTickMsg struct {
	gen uint64
	at  time.Time
}

type replayer struct {
	src      Source
	from, to time.Time
	clock    time.Time
	speed    int
	playing  bool
	gen      uint64

	// mark is where a span to explain starts, zero when none is marked:
	// the explain key then explains from it to the clock.
	mark time.Time

	follow  bool
	checked time.Time // when the end was last looked up (wall clock)

	// buf holds the readings in [bufFrom, bufTo); buf[:next] are on screen.
	buf            []reading.Reading
	bufFrom, bufTo time.Time
	next           int
}

func newReplayer(r *Replay) *replayer {
	sp := r.Speed
	if sp < 1 {
		sp = 1
	}
	return &replayer{src: r.Source, from: r.From, to: r.To, speed: min(sp, maxSpeed), clock: r.From, follow: r.Follow}
}

// grow moves a followed replay's end to where the recording ends now. A
// key looks at once (now is zero); a playing replay waiting at the end
// looks at most once a second of now, the tick's time (a look costs a few
// queries).
func (p *replayer) grow(now time.Time) {
	src, ok := p.src.(SpanSource)
	if !p.follow || !ok {
		return
	}
	if !now.IsZero() {
		if now.Sub(p.checked) < time.Second {
			return
		}
		p.checked = now
	}
	if _, last, ok, err := src.Span(); err == nil && ok && !last.Before(p.to) {
		p.to = last.Add(time.Millisecond)
	}
}

// load replaces the buffer by the readings in [from, to).
func (p *replayer) load(from, to time.Time) error {
	p.buf = p.buf[:0]
	p.bufFrom, p.bufTo, p.next = from, to, 0
	if !from.Before(to) {
		return nil
	}
	for r, err := range p.src.Readings(from, to) {
		if err != nil {
			return err
		}
		// Show the recording in the zone the replay was asked in.
		loc := p.from.Location()
		r.Time = r.Time.In(loc)
		if len(r.Transitions) > 0 {
			r.Transitions = slices.Clone(r.Transitions)
			for i := range r.Transitions {
				r.Transitions[i].Time = r.Transitions[i].Time.In(loc)
				r.Transitions[i].Since = r.Transitions[i].Since.In(loc)
			}
		}
		p.buf = append(p.buf, r)
	}
	return nil
}

// replayInit starts a replay at its first instant.
func (m *Model) replayInit() {
	m.replaySeek(m.replay.from)
	if len(m.replay.buf) > 0 {
		return
	}
	if _, ok := m.replayNext(time.Time{}); !ok {
		m.say(true, m.tx.NothingRecorded(m.replay.from.Format(time.DateTime), m.replay.to.Format(time.DateTime)))
	}
}

// resetPanels forgets every reading, keeping the table's sort and filter.
func (m *Model) resetPanels() {
	clear(m.last)
	m.tick++
	for k := range m.ver {
		m.ver[k] = m.tick
	}
	m.ver["alerts"] = m.tick
	for _, h := range []*ring{&m.cpuHist, &m.memHist, &m.swapHist, &m.rxHist, &m.txHist} {
		*h = newRing(historyLen)
	}
	m.alerts = newAlerts()
	m.events = eventLog{}
	m.table.setProcs(nil)
	m.now = time.Time{}
}

// replaySeek rebuilds the dashboard as it was at t: it reads the few
// minutes before t from the store, so the graphs have their history.
func (m *Model) replaySeek(t time.Time) {
	p := m.replay
	t = clampTime(t, p.from, p.to.Add(-time.Millisecond))
	m.resetPanels()
	p.clock = t
	start := maxTime(p.from, t.Add(-replayWarm))
	if err := p.load(start, minTime(p.to, t.Add(replayWindow))); err != nil {
		m.replayFail(err)
		return
	}
	if src, ok := p.src.(ActiveSource); ok {
		open, err := src.ActiveAt(start)
		if err != nil {
			m.replayFail(err)
			return
		}
		loc := p.from.Location()
		for i := range open {
			open[i].Time, open[i].Since = open[i].Time.In(loc), open[i].Since.In(loc)
		}
		m.alerts.open(open)
	}
	m.replayIngest(t)
}

// replayIngest shows the buffered readings up to t.
func (m *Model) replayIngest(t time.Time) {
	p := m.replay
	for p.next < len(p.buf) && !p.buf[p.next].Time.After(t) {
		m.ingest(&p.buf[p.next])
		p.next++
	}
}

// replayAdvance moves the clock forward to t, reading further windows as
// the buffer runs out. It stops at the end of the recording, unless it
// follows one still being written: then it waits there, playing, for
// what comes next.
func (m *Model) replayAdvance(t time.Time) {
	p := m.replay
	end := p.to.Add(-time.Millisecond)
	if t.After(end) {
		t = end
	}
	for {
		m.replayIngest(t)
		if p.next < len(p.buf) || !p.bufTo.Before(p.to) || p.bufTo.After(t) {
			break
		}
		if err := p.load(p.bufTo, minTime(p.to, p.bufTo.Add(replayWindow))); err != nil {
			m.replayFail(err)
			return
		}
	}
	if t.After(p.clock) {
		p.clock = t
	}
	if !p.clock.Before(end) && p.playing && !p.follow {
		p.playing = false
		m.say(false, m.tx.RecordingEnd())
	}
}

// replayNext returns the time of the first reading after the clock; at
// the end of a followed recording it looks for more (now as for grow).
func (m *Model) replayNext(now time.Time) (time.Time, bool) {
	p := m.replay
	for {
		if p.next < len(p.buf) {
			return p.buf[p.next].Time, true
		}
		if !p.bufTo.Before(p.to) {
			if p.grow(now); !p.bufTo.Before(p.to) {
				return time.Time{}, false
			}
		}
		if err := p.load(p.bufTo, minTime(p.to, p.bufTo.Add(replayWindow))); err != nil {
			m.replayFail(err)
			return time.Time{}, false
		}
	}
}

// replayPrev returns the time of the last reading before the clock,
// reading back from the store a window at a time.
func (m *Model) replayPrev() (time.Time, bool) {
	p := m.replay
	for i := p.next - 1; i >= 0; i-- {
		if p.buf[i].Time.Before(p.clock) {
			return p.buf[i].Time, true
		}
	}
	for hi := minTime(p.bufFrom, p.clock); hi.After(p.from); hi = hi.Add(-replayWindow) {
		lo := maxTime(p.from, hi.Add(-replayWindow))
		var last time.Time
		for r, err := range p.src.Readings(lo, hi) {
			if err != nil {
				m.replayFail(err)
				return time.Time{}, false
			}
			if r.Time.Before(p.clock) {
				last = r.Time
			}
		}
		if !last.IsZero() {
			return last, true
		}
	}
	return time.Time{}, false
}

func (m *Model) replayFail(err error) {
	m.replay.playing = false
	m.say(true, m.tx.ReplayFailed(err))
}

// replayKey handles the replay's own keys; it reports whether a was one.
func (m *Model) replayKey(a action) (tea.Cmd, bool) {
	p := m.replay
	switch a {
	case actPlay:
		if !p.playing && !p.clock.Before(p.to.Add(-time.Millisecond)) {
			p.grow(time.Time{})
		}
		if !p.playing && !p.follow && !p.clock.Before(p.to.Add(-time.Millisecond)) {
			m.say(false, m.tx.RecordingEndKey("g"))
			return nil, true
		}
		p.playing = !p.playing
		if p.playing {
			p.gen++
			return replayTickCmd(p.gen), true
		}
	case actStep:
		if t, ok := m.replayNext(time.Time{}); ok {
			m.replayAdvance(t)
		} else {
			m.say(false, m.tx.RecordingEnd())
		}
	case actStepBack:
		if t, ok := m.replayPrev(); ok {
			m.replaySeek(t)
		} else {
			m.say(false, m.tx.RecordingStart())
		}
	case actJump:
		m.replaySeek(p.clock.Add(time.Minute))
	case actJumpBack:
		m.replaySeek(p.clock.Add(-time.Minute))
	case actJumpFar:
		m.replaySeek(p.clock.Add(10 * time.Minute))
	case actJumpFarBack:
		m.replaySeek(p.clock.Add(-10 * time.Minute))
	case actFaster:
		p.speed = min(maxSpeed, p.speed*2)
		m.say(false, m.tx.Speed(p.speed))
	case actSlower:
		p.speed = max(1, p.speed/2)
		m.say(false, m.tx.Speed(p.speed))
	case actStart:
		m.replaySeek(p.from)
	case actFinish:
		p.grow(time.Time{})
		m.replaySeek(p.to)
	case actMark:
		p.mark = p.clock
		m.say(false, m.tx.ReplayMarked(p.clock.Format(time.TimeOnly), m.keys.bind[actExplain].Help().Key))
	case actDetail, actSignal:
		m.say(true, m.tx.ReplayNoProcess())
	case actIntervalUp, actIntervalDown:
		m.say(true, m.tx.ReplaySpeedKeys())
	default:
		return nil, false
	}
	return nil, true
}

func replayTickCmd(gen uint64) tea.Cmd {
	return tea.Tick(replayTick, func(at time.Time) tea.Msg { return replayTickMsg{gen: gen, at: at} })
}

// replayTicked moves the clock by one tick at the current speed.
func (m *Model) replayTicked(msg replayTickMsg) tea.Cmd {
	p := m.replay
	if p == nil || !p.playing || msg.gen != p.gen {
		return nil
	}
	step := time.Duration(p.speed) * replayTick
	if next, ok := m.replayNext(msg.at); ok && next.Sub(p.clock) > replayGap && next.Sub(p.clock) > step {
		// Nothing was recorded for a while (vigia was not running): play
		// on from the next reading instead of showing a still frame.
		from := p.clock
		m.replayAdvance(next)
		m.say(false, m.tx.Skipped(from.Format(time.TimeOnly), next.Format(time.TimeOnly)))
	} else {
		m.replayAdvance(p.clock.Add(step))
	}
	if !p.playing {
		return nil
	}
	return replayTickCmd(p.gen)
}

// replayState is the header's part: REPLAY, the clock, speed and state.
func (m *Model) replayState() (state, clk string) {
	p := m.replay
	state = "⏸ " + m.tx.Paused()
	if p.playing {
		state = "▶ " + strconv.Itoa(p.speed) + "×"
	} else if p.speed != 1 {
		state += " " + strconv.Itoa(p.speed) + "×"
	}
	if !p.mark.IsZero() {
		state += "  " + m.tx.ReplayMark(p.mark.Format(time.TimeOnly))
	}
	return state, p.clock.Format(time.DateTime)
}

// replaySpan is the span the explain key explains in a replay: from the
// mark to the clock, either way round, or none when nothing is marked or
// the clock stands on the mark.
func (m *Model) replaySpan() (from, to time.Time, ok bool) {
	p := m.replay
	if p == nil || p.mark.IsZero() || p.mark.Equal(p.clock) {
		return time.Time{}, time.Time{}, false
	}
	return minTime(p.mark, p.clock), maxTime(p.mark, p.clock), true
}

func clampTime(t, lo, hi time.Time) time.Time {
	return maxTime(lo, minTime(hi, t))
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
