package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"maps"
	"net"
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

// DefaultMaxStreamClients is how many stream clients may be connected at
// once unless Options.MaxStreamClients says otherwise; the next one is
// refused with 503 and Retry-After.
const DefaultMaxStreamClients = 256

// DefaultClientBytes is a stream client's byte budget unless
// Options.ClientBytes says otherwise (see client).
const DefaultClientBytes = 256 << 10

// streamSendBuffer caps the kernel's send buffer of a stream connection
// (SO_SNDBUF): without it, loopback autotuning lets a client that never
// reads park megabytes in the socket, out of reach of the byte budget.
const streamSendBuffer = 64 << 10

// refusalLogEvery rate-limits the log line about refused stream clients: a
// flood of them is one line per interval with a count, not one each.
const refusalLogEvery = time.Minute

// streamRetryAfter is the Retry-After of a refused stream client, seconds.
const streamRetryAfter = "10"

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

// client is one connected stream. The hub sends frames without blocking.
//
// Policy for a slow client: its memory is bounded in bytes, not only in
// messages. queued counts the bytes of the frames handed to it and not yet
// written (frames are shared, so this is an upper bound of what it pins).
// When a frame would take queued past budget, or ch is full, the hub drops
// the client: kicked is closed, its write in progress is aborted, its
// backlog goes with it, and the connection is closed. A browser reconnects
// by itself with Last-Event-ID and catches up from the replay ring. A frame
// larger than the whole budget (a big process table) is still sent to a
// client with nothing queued, so such a client is slow, not starved.
type client struct {
	ch        chan *frame
	queued    atomic.Int64
	budget    int64
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
	in         <-chan reading.Reading
	buffer     int
	maxClients int
	log        *slog.Logger

	mu       sync.Mutex
	clients  map[*client]struct{}
	closed   bool
	done     chan struct{} // closed when run returns: streams end
	recent   []*frame      // ring of the last replayFrames events, oldest at next
	next     int
	lastLeft time.Time // when the last client left; zero while one is connected
	// succeeded holds the sensors that have produced a reading without an
	// error since the agent started, for /readyz.
	succeeded map[string]bool
	// ring keeps the last events for /api/v1/events without a history.
	ring eventRing
	// withhold takes the exited processes' I/O out of the events, for an
	// agent without a token (private.go).
	withhold bool
	// refusals not yet logged, and when the last refusal line was written
	unlogged uint64
	loggedAt time.Time

	seq       atomic.Uint64
	served    atomic.Uint64
	dropped   atomic.Uint64
	events    atomic.Uint64
	connected atomic.Int64
	refused   atomic.Uint64
}

// StreamStats counts the event stream's clients.
type StreamStats struct {
	Clients        int64  `json:"clients"`
	ClientsServed  uint64 `json:"clients_served"`
	ClientsDropped uint64 `json:"clients_dropped"`
	// ClientsRefused counts clients turned away because MaxStreamClients
	// were connected.
	ClientsRefused uint64 `json:"clients_refused"`
	MaxClients     int    `json:"max_clients"`
	Events         uint64 `json:"events"`
}

func newHub(in <-chan reading.Reading, buffer, maxClients int, log *slog.Logger) *hub {
	return &hub{in: in, buffer: buffer, maxClients: maxClients, log: log, clients: map[*client]struct{}{},
		succeeded: map[string]bool{}, done: make(chan struct{})}
}

func (h *hub) stats() StreamStats {
	return StreamStats{
		Clients: h.connected.Load(), ClientsServed: h.served.Load(), ClientsDropped: h.dropped.Load(),
		ClientsRefused: h.refused.Load(), MaxClients: h.maxClients, Events: h.events.Load(),
	}
}

// StreamStats returns the event stream's client counts, for /metrics.
func (s *Server) StreamStats() StreamStats { return s.hub.stats() }

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
		if r.Err == "" {
			h.succeeded[r.Sensor] = true
		}
		idle := len(h.clients) == 0 && time.Since(h.lastLeft) > replayGrace
		h.mu.Unlock()
		h.ring.add(&r)
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
				if !c.offer(f) && c.kick() {
					h.dropped.Add(1)
					h.log.Debug("stream: dropped a slow client", "queued_bytes", c.queued.Load())
				}
			}
		}
	}
}

// encode turns a reading into its events: the reading itself, then one
// "transition" event per alert transition it carries and one "event" per
// thing it saw happen (which the reading carries too, for clients that
// read readings whole).
func (h *hub) encode(r *reading.Reading) []*frame {
	frames := make([]*frame, 0, 1+len(r.Transitions)+len(r.Events))
	rs := sanitize([]reading.Reading{*r})
	if h.withhold {
		rs[0].Exits = withheldExits(rs[0].Exits)
	}
	f := &frame{id: h.seq.Add(1), sensor: r.Sensor}
	f.full = h.event("reading", f.id, rs[0])
	if len(r.Processes) > 0 || r.Exits != nil {
		lean := rs[0]
		lean.Processes, lean.Exits = nil, nil
		f.lean = h.event("reading", f.id, lean)
	}
	frames = append(frames, f)
	for _, t := range r.Transitions {
		id := h.seq.Add(1)
		frames = append(frames, &frame{id: id, sensor: r.Sensor, full: h.event("transition", id, t)})
	}
	for _, e := range r.Events {
		id := h.seq.Add(1)
		frames = append(frames, &frame{id: id, sensor: r.Sensor, full: h.event("event", id, e)})
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

// sensorsSucceeded marks the sensors of rs that read without an error,
// and returns which sensors ever did. The map is the caller's.
func (h *hub) sensorsSucceeded(rs []reading.Reading) map[string]bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, r := range rs {
		if r.Err == "" {
			h.succeeded[r.Sensor] = true
		}
	}
	return maps.Clone(h.succeeded)
}

// offer queues f for c without blocking; false means c is over its byte
// budget or message buffer and must be dropped.
func (c *client) offer(f *frame) bool {
	n := int64(len(c.pick(f)))
	if q := c.queued.Load(); q > 0 && q+n > c.budget {
		return false
	}
	c.queued.Add(n)
	select {
	case c.ch <- f:
		return true
	default:
		c.queued.Add(-n)
		return false
	}
}

// errStreamFull and errStreamClosed say why add refused a client.
var (
	errStreamFull   = errors.New("too many stream clients")
	errStreamClosed = errors.New("the event stream is closed")
)

// add registers a client; it fails when the hub has ended or is full.
// With resume, it also returns the kept events after lastID, which the
// client must be sent before anything from its channel.
func (h *hub) add(c *client, resume bool, lastID uint64, now time.Time) ([]*frame, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, errStreamClosed
	}
	if len(h.clients) >= h.maxClients {
		h.refused.Add(1)
		h.unlogged++
		if now.Sub(h.loggedAt) >= refusalLogEvery {
			h.log.Warn("stream: refused clients: too many connected; raise server.max_stream_clients or --max-stream-clients if they are wanted",
				"refused", h.unlogged, "max_stream_clients", h.maxClients)
			h.unlogged, h.loggedAt = 0, now
		}
		return nil, errStreamFull
	}
	h.clients[c] = struct{}{}
	h.lastLeft = time.Time{}
	h.connected.Add(1)
	h.served.Add(1)
	if !resume {
		return nil, nil
	}
	return h.since(lastID), nil
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
	c := &client{ch: make(chan *frame, s.opts.ClientBuffer), budget: int64(s.opts.ClientBytes),
		kicked: make(chan struct{}), processes: withProcs}
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
	backlog, err := s.hub.add(c, resume, lastID, time.Now())
	if err != nil {
		// A refused client gets its connection closed: an idle keep-alive
		// would hold as much as the stream it was denied.
		w.Header().Set("Connection", "close")
		w.Header().Set("Retry-After", streamRetryAfter)
		msg := err.Error()
		if errors.Is(err, errStreamFull) {
			msg += " (at most " + strconv.Itoa(s.opts.MaxStreamClients) + "): retry later"
		}
		writeError(w, http.StatusServiceUnavailable, msg)
		return
	}
	defer s.hub.remove(c)
	defer c.finish()
	if c.sensors == nil || c.sensors[reading.SensorProcesses] {
		// A stream's first processes event may be an idle walk's; the
		// fresh one follows it within moments, so nothing waits here.
		defer s.holdProcesses()()
	}
	limitSendBuffer(r.Context())

	hd := w.Header()
	hd.Set("Content-Type", "text/event-stream")
	hd.Set("Cache-Control", "no-store")
	hd.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return
	}
	// Frames are written as they are, shared with every other client: no
	// per-client copy, so a stalled client holds only its queued frames.
	write := func(b []byte) bool {
		rc.SetWriteDeadline(time.Now().Add(writeDeadline))
		_, err := w.Write(b)
		return err == nil
	}
	flush := func() bool { return rc.Flush() == nil }
	// The retry hint tells browsers how soon to reconnect after a drop.
	if !write([]byte("retry: 2000\n: vigia " + s.opts.Version + "\n\n")) {
		return
	}
	for _, f := range backlog {
		if (c.sensors == nil || c.sensors[f.sensor]) && !write(c.pick(f)) {
			return
		}
	}
	if !flush() {
		return
	}
	tick := time.NewTicker(s.opts.Heartbeat)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-s.hub.done:
			return
		case <-c.kicked:
			return
		case <-tick.C:
			if !write([]byte(": ping\n\n")) || !flush() {
				return
			}
		case f := <-c.ch:
			// Write what is already queued, then flush once.
			for more := true; more; {
				b := c.pick(f)
				ok := write(b)
				c.queued.Add(-int64(len(b)))
				if !ok {
					return
				}
				select {
				case f = <-c.ch:
				default:
					more = false
				}
			}
			if !flush() {
				return
			}
		}
	}
}

// connKey is the context key under which Serve keeps each request's
// connection, so a stream can tune its socket.
type connKey struct{}

// limitSendBuffer shrinks the socket send buffer of the request's TCP
// connection to streamSendBuffer (see there). Without a known TCP
// connection (a test's handler, a pipe) it does nothing.
func limitSendBuffer(ctx context.Context) {
	conn, _ := ctx.Value(connKey{}).(net.Conn)
	if tc, ok := conn.(interface{ NetConn() net.Conn }); ok { // TLS
		conn = tc.NetConn()
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		tcp.SetWriteBuffer(streamSendBuffer)
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
