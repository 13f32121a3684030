package server

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
)

// writeDeadline bounds one write to a stream client: a client whose socket
// stays full that long is stalled and is dropped.
const writeDeadline = 10 * time.Second

// MaxStreamClients bounds concurrent stream clients; each holds a buffer of
// shared frames, so memory stays bounded however many connect.
const MaxStreamClients = 4096

// replayFrames is how many recent events the hub keeps for clients that
// reconnect with Last-Event-ID: a minute of every sensor at 1 s with a
// few transitions.
const replayFrames = 512

// replayGrace is how long the hub goes on encoding after its last client
// left, so one that reconnects (a browser after a network blip, a laptop
// waking) gets what it missed rather than a gap in its charts.
const replayGrace = time.Minute

// frame is one encoded event, shared read-only by every client that gets it.
type frame struct {
	id     uint64
	sensor string
	// full carries the process table; lean is the same event without it,
	// for clients that did not ask (nil when they are the same).
	full, lean []byte
}

// client is one connected stream. The hub sends frames without blocking;
// when ch is full the client is too slow and kicked is closed.
type client struct {
	ch        chan *frame
	kicked    chan struct{}
	kickOnce  sync.Once
	sensors   map[string]bool // nil: every sensor
	processes bool
	// abort unblocks a write in progress, so a client stuck on a full
	// socket leaves at once rather than at its write deadline. It must not
	// run once the handler has returned: the connection may then carry
	// another request.
	abort    func()
	mu       sync.Mutex
	finished bool
}

// finish marks the handler as returned; a later kick leaves the
// connection alone.
func (c *client) finish() {
	c.mu.Lock()
	c.finished = true
	c.mu.Unlock()
}

// kick drops the client; it reports whether this call did.
func (c *client) kick() (first bool) {
	c.kickOnce.Do(func() {
		close(c.kicked)
		c.mu.Lock()
		if c.abort != nil && !c.finished {
			c.abort()
		}
		c.mu.Unlock()
		first = true
	})
	return first
}

// hub fans readings out to stream clients. One goroutine (run) encodes each
// reading once and offers it to every client; a full client buffer drops
// that client, so a slow reader never slows the others or the engine.
type hub struct {
	in     <-chan reading.Reading
	buffer int
	log    *slog.Logger

	mu       sync.Mutex
	clients  map[*client]struct{}
	closed   bool
	done     chan struct{} // closed when run returns: streams end
	recent   []*frame      // ring of the last replayFrames events, oldest at next
	next     int
	lastLeft time.Time // when the last client left; zero while one is connected

	seq       atomic.Uint64
	served    atomic.Uint64
	dropped   atomic.Uint64
	events    atomic.Uint64
	connected atomic.Int64
}

type streamStats struct {
	Clients        int64  `json:"clients"`
	ClientsServed  uint64 `json:"clients_served"`
	ClientsDropped uint64 `json:"clients_dropped"`
	Events         uint64 `json:"events"`
}

func newHub(in <-chan reading.Reading, buffer int, log *slog.Logger) *hub {
	return &hub{in: in, buffer: buffer, log: log, clients: map[*client]struct{}{}, done: make(chan struct{})}
}

func (h *hub) stats() streamStats {
	return streamStats{Clients: h.connected.Load(), ClientsServed: h.served.Load(), ClientsDropped: h.dropped.Load(), Events: h.events.Load()}
}

// run reads until ctx is done or the input closes, then ends every stream.
func (h *hub) run(ctx context.Context) {
	defer func() {
		h.mu.Lock()
		h.closed = true
		close(h.done)
		h.mu.Unlock()
	}()
	var targets []*client
	for {
		var r reading.Reading
		var ok bool
		select {
		case <-ctx.Done():
			return
		case r, ok = <-h.in:
			if !ok {
				return
			}
		}
		h.mu.Lock()
		idle := len(h.clients) == 0 && time.Since(h.lastLeft) > replayGrace
		h.mu.Unlock()
		if idle {
			continue // nobody listens or will be back: skip the encoding, the agent's main idle cost
		}
		frames := h.encode(&r)
		// Keeping the frames and taking the targets under one lock puts
		// each frame either in a joining client's backlog or in its
		// channel, never both or neither.
		h.mu.Lock()
		for _, f := range frames {
			h.keep(f)
		}
		targets = targets[:0]
		for c := range h.clients {
			targets = append(targets, c)
		}
		h.mu.Unlock()
		for _, f := range frames {
			h.events.Add(1)
			for _, c := range targets {
				if c.sensors != nil && !c.sensors[f.sensor] {
					continue
				}
				select {
				case c.ch <- f:
				default:
					if c.kick() {
						h.dropped.Add(1)
						h.log.Debug("stream: dropped a slow client")
					}
				}
			}
		}
	}
}

// encode turns a reading into its events: the reading itself, then one
// "transition" event per alert transition it carries.
func (h *hub) encode(r *reading.Reading) []*frame {
	frames := make([]*frame, 0, 1+len(r.Transitions))
	rs := sanitize([]reading.Reading{*r})
	f := &frame{id: h.seq.Add(1), sensor: r.Sensor}
	f.full = h.event("reading", f.id, rs[0])
	if len(r.Processes) > 0 {
		lean := rs[0]
		lean.Processes = nil
		f.lean = h.event("reading", f.id, lean)
	}
	frames = append(frames, f)
	for _, t := range r.Transitions {
		id := h.seq.Add(1)
		frames = append(frames, &frame{id: id, sensor: r.Sensor, full: h.event("transition", id, t)})
	}
	return frames
}

// keep adds f to the replay ring. h.mu is held.
//
// A kept processes event loses its table (a few hundred KiB at a thousand
// processes, and stale a second later): a client that catches up gets the
// table with the next live event.
func (h *hub) keep(f *frame) {
	if f.lean != nil {
		f = &frame{id: f.id, sensor: f.sensor, full: f.lean}
	}
	if len(h.recent) < replayFrames {
		h.recent = append(h.recent, f)
		return
	}
	h.recent[h.next] = f
	h.next = (h.next + 1) % replayFrames
}

// since returns the kept frames after id, oldest first: all of them when id
// is not one this hub gave (the agent restarted since). h.mu is held.
func (h *hub) since(id uint64) []*frame {
	var out []*frame
	all := id > h.seq.Load()
	for i := range h.recent {
		f := h.recent[(h.next+i)%len(h.recent)]
		if all || f.id > id {
			out = append(out, f)
		}
	}
	return out
}

func (h *hub) event(name string, id uint64, v any) []byte {
	data, err := json.Marshal(v)
	if err != nil {
		h.log.Warn("stream: encoding event", "event", name, "error", err)
		data = []byte(`{}`)
	}
	var b bytes.Buffer
	b.Grow(len(data) + 48)
	b.WriteString("event: ")
	b.WriteString(name)
	b.WriteString("\nid: ")
	b.WriteString(strconv.FormatUint(id, 10))
	b.WriteString("\ndata: ")
	b.Write(data) // compact JSON has no newlines
	b.WriteString("\n\n")
	return b.Bytes()
}

// add registers a client; it returns false when the hub has ended or is
// full. With resume, it also returns the kept events after lastID, which
// the client must be sent before anything from its channel.
func (h *hub) add(c *client, resume bool, lastID uint64) ([]*frame, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed || len(h.clients) >= MaxStreamClients {
		return nil, false
	}
	h.clients[c] = struct{}{}
	h.lastLeft = time.Time{}
	h.connected.Add(1)
	h.served.Add(1)
	if !resume {
		return nil, true
	}
	return h.since(lastID), true
}

func (h *hub) remove(c *client) {
	h.mu.Lock()
	if _, ok := h.clients[c]; ok {
		delete(h.clients, c)
		h.connected.Add(-1)
		if len(h.clients) == 0 {
			h.lastLeft = time.Now()
		}
	}
	h.mu.Unlock()
}

// stream serves /api/v1/stream: Server-Sent Events of readings and alert
// transitions. ?sensor= (repeatable or comma-separated) narrows the
// sensors; ?processes=true includes the process table in processes events.
// A client that reconnects with Last-Event-ID first gets the events it
// missed, as far as the hub kept them (replayFrames, replayGrace).
func (s *Server) stream(w http.ResponseWriter, r *http.Request) {
	if badQuery(w, r, "sensor", "processes") {
		return
	}
	withProcs, ok := boolParam(w, r, "processes")
	if !ok {
		return
	}
	var lastID uint64
	resume := false
	if v := strings.TrimSpace(r.Header.Get("Last-Event-ID")); v != "" {
		id, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			writeError(w, http.StatusBadRequest, "Last-Event-ID "+strconv.Quote(v)+" is not an event id of this stream")
			return
		}
		lastID, resume = id, true
	}
	c := &client{ch: make(chan *frame, s.opts.ClientBuffer), kicked: make(chan struct{}), processes: withProcs}
	for _, v := range r.URL.Query()["sensor"] {
		for _, name := range strings.Split(v, ",") {
			if name = strings.TrimSpace(name); name == "" {
				continue
			}
			if !reading.IsSensor(name) {
				writeError(w, http.StatusBadRequest, "sensor="+strconv.Quote(name)+" is not a sensor")
				return
			}
			if c.sensors == nil {
				c.sensors = map[string]bool{}
			}
			c.sensors[name] = true
		}
	}
	rc := http.NewResponseController(w)
	// The server's WriteTimeout would cut a stream after a few seconds;
	// lift it and bound each write instead.
	if err := rc.SetWriteDeadline(time.Time{}); err != nil {
		writeError(w, http.StatusInternalServerError, "streaming not supported on this connection")
		return
	}
	c.abort = func() { rc.SetWriteDeadline(time.Now()) }
	backlog, ok := s.hub.add(c, resume, lastID)
	if !ok {
		writeError(w, http.StatusServiceUnavailable, "the event stream is closed or has too many clients")
		return
	}
	defer s.hub.remove(c)
	defer c.finish()

	hd := w.Header()
	hd.Set("Content-Type", "text/event-stream")
	hd.Set("Cache-Control", "no-store")
	hd.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return
	}
	write := func(b []byte) bool {
		rc.SetWriteDeadline(time.Now().Add(writeDeadline))
		if _, err := w.Write(b); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	// The retry hint tells browsers how soon to reconnect after a drop.
	hello := []byte("retry: 2000\n: vigia " + s.opts.Version + "\n\n")
	for _, f := range backlog {
		if c.sensors == nil || c.sensors[f.sensor] {
			hello = append(hello, c.pick(f)...)
		}
	}
	if !write(hello) {
		return
	}
	tick := time.NewTicker(s.opts.Heartbeat)
	defer tick.Stop()
	var batch []byte
	for {
		select {
		case <-r.Context().Done():
			return
		case <-s.hub.done:
			return
		case <-c.kicked:
			return
		case <-tick.C:
			if !write([]byte(": ping\n\n")) {
				return
			}
		case f := <-c.ch:
			// Coalesce what is already queued into one write and flush.
			batch = append(batch[:0], c.pick(f)...)
			for more := true; more && len(batch) < 1<<20; {
				select {
				case f := <-c.ch:
					batch = append(batch, c.pick(f)...)
				default:
					more = false
				}
			}
			if !write(batch) {
				return
			}
		}
	}
}

func (c *client) pick(f *frame) []byte {
	if c.processes || f.lean == nil {
		return f.full
	}
	return f.lean
}

// sensorNames lists the sensors of a snapshot, sorted.
func sensorNames(rs []reading.Reading) []string {
	names := make([]string, 0, len(rs))
	for _, r := range rs {
		names = append(names, r.Sensor)
	}
	slices.Sort(names)
	return names
}
