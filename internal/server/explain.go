package server

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/vigia-dev/vigia/internal/explain"
)

// Explainer answers /api/v1/explain from what was recorded: what changed
// in [from, to) against [before, from). It returns ErrNotFound when
// nothing is recorded (an agent run with --no-record). It must be safe for
// concurrent use.
type Explainer interface {
	Explain(ctx context.Context, before, from, to time.Time) (explain.Result, error)
}

// explainAPI serves /api/v1/explain?at=T or ?from=T&to=T, and &before=D:
// the minute up to at, or the span from–to, against the span before it
// (four times as long unless before says).
func (s *Server) explainAPI(w http.ResponseWriter, r *http.Request) {
	if badQuery(w, r, "at", "from", "to", "before") {
		return
	}
	q := r.URL.Query()
	parse := func(name string) (time.Time, bool) {
		v := q.Get(name)
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			writeError(w, http.StatusBadRequest, name+"="+strconv.Quote(v)+" is not an RFC 3339 time such as 2026-01-02T15:04:05Z")
			return t, false
		}
		return t, true
	}
	var from, to time.Time
	switch {
	case q.Has("at") && (q.Has("from") || q.Has("to")):
		writeError(w, http.StatusBadRequest, "give at, or from and to, not both")
		return
	case q.Has("at"):
		at, ok := parse("at")
		if !ok {
			return
		}
		from, to = explain.At(at)
	case q.Has("from") && q.Has("to"):
		var ok bool
		if from, ok = parse("from"); !ok {
			return
		}
		if to, ok = parse("to"); !ok {
			return
		}
		if !from.Before(to) {
			writeError(w, http.StatusBadRequest, "from must be before to")
			return
		}
	default:
		writeError(w, http.StatusBadRequest, "give at=TIME (the minute up to it), or from=TIME and to=TIME")
		return
	}
	before, _ := explain.Before(from, to)
	if v := q.Get("before"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			writeError(w, http.StatusBadRequest, "before="+strconv.Quote(v)+" is not a positive duration such as 4m or 1h")
			return
		}
		before = from.Add(-d)
	}
	if from.Sub(before) > MaxHistoryRange || to.Sub(from) > MaxHistoryRange {
		writeError(w, http.StatusBadRequest, "range longer than 90 days")
		return
	}
	if s.opts.Explainer == nil {
		writeError(w, http.StatusNotFound, "the explainer is not available in this agent")
		return
	}
	res, err := s.opts.Explainer.Explain(r.Context(), before, from, to)
	switch {
	case errors.Is(err, ErrNotFound):
		writeError(w, http.StatusNotFound, "this agent records no history (run without --no-record)")
		return
	case err != nil:
		s.log.Error("api: explaining failed", "path", r.URL.Path, "error", err)
		writeError(w, http.StatusInternalServerError, "explaining: "+err.Error())
		return
	}
	if s.opts.Token == "" {
		res.Exited = withheldExitsIO(res.Exited)
	}
	writeJSON(w, http.StatusOK, res)
}

// withheldExitsIO returns a copy of ex without the exited processes'
// I/O, read from /proc/PID/io, private as /api/v1/processes/exited's is
// for an agent without a token.
func withheldExitsIO(ex explain.Exited) explain.Exited {
	ex.Processes = slices.Clone(ex.Processes)
	for i := range ex.Processes {
		ex.Processes[i].ReadBytes, ex.Processes[i].WriteBytes = 0, 0
	}
	return ex
}
