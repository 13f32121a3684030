package server

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
)

// Events answers /api/v1/events from a record longer than the server's
// own (the history database). It returns what happened in [from, to) of
// the given kinds (every kind when none), oldest first, and must be safe
// for concurrent use. ErrNotFound says it has no record (the agent is not
// recording): the server answers from its own.
type Events interface {
	Events(ctx context.Context, from, to time.Time, kinds []reading.EventKind) ([]reading.Event, error)
}

// recentEvents is how many events the server keeps of its stream for
// /api/v1/events when no Events is given.
const recentEvents = 1024

// eventRing keeps the last recentEvents events of the stream, the
// readings' and their alert transitions', oldest first.
type eventRing struct {
	mu   sync.Mutex
	evs  []reading.Event
	next int
}

// add keeps the events of r. It is called by the hub's goroutine.
func (g *eventRing) add(r *reading.Reading) {
	if len(r.Events) == 0 && len(r.Transitions) == 0 {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	put := func(e reading.Event) {
		if len(g.evs) < recentEvents {
			g.evs = append(g.evs, e)
			return
		}
		g.evs[g.next] = e
		g.next = (g.next + 1) % recentEvents
	}
	for _, e := range r.Events {
		put(e)
	}
	for _, tr := range r.Transitions {
		put(reading.TransitionEvent(tr))
	}
}

// Events returns the kept events in [from, to) of kinds, oldest first.
func (g *eventRing) Events(_ context.Context, from, to time.Time, kinds []reading.EventKind) ([]reading.Event, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []reading.Event
	for i := range g.evs {
		e := g.evs[(g.next+i)%len(g.evs)]
		if !e.Time.Before(from) && e.Time.Before(to) && (len(kinds) == 0 || slices.Contains(kinds, e.Kind)) {
			out = append(out, e)
		}
	}
	slices.SortStableFunc(out, func(a, b reading.Event) int { return a.Time.Compare(b.Time) })
	return out, nil
}

type eventsAnswer struct {
	From   time.Time       `json:"from"`
	To     time.Time       `json:"to"`
	Events []reading.Event `json:"events"`
}

// eventsAPI answers /api/v1/events?from=&to=&since=&kind= (docs/api.md):
// the history's events when the agent records one, else the last ones the
// server saw.
func (s *Server) eventsAPI(w http.ResponseWriter, r *http.Request) {
	if badQuery(w, r, "since", "from", "to", "kind") {
		return
	}
	from, to, ok := timeRange(w, r)
	if !ok {
		return
	}
	var kinds []reading.EventKind
	for _, v := range r.URL.Query()["kind"] {
		for _, k := range strings.Split(v, ",") {
			if !slices.Contains(reading.EventKinds, reading.EventKind(k)) {
				names := make([]string, len(reading.EventKinds))
				for i, k := range reading.EventKinds {
					names[i] = string(k)
				}
				writeError(w, http.StatusBadRequest, "kind="+strconv.Quote(k)+" is not one of "+strings.Join(names, ", "))
				return
			}
			kinds = append(kinds, reading.EventKind(k))
		}
	}
	var evs []reading.Event
	err := ErrNotFound
	if s.opts.Events != nil {
		evs, err = s.opts.Events.Events(r.Context(), from, to, kinds)
	}
	if errors.Is(err, ErrNotFound) {
		evs, err = s.hub.ring.Events(r.Context(), from, to, kinds)
	}
	if err != nil {
		s.log.Error("api: reading the events failed", "path", r.URL.Path, "error", err)
		writeError(w, http.StatusInternalServerError, "reading events: "+err.Error())
		return
	}
	if evs == nil {
		evs = []reading.Event{}
	}
	writeJSON(w, http.StatusOK, eventsAnswer{From: from, To: to, Events: evs})
}
