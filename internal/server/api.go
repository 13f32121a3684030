package server

import (
	"cmp"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
)

// apiError is the body of every error answer.
type apiError struct {
	Error  string `json:"error"`
	Status int    `json:"status"`
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, apiError{Error: msg, Status: status})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		// Only NaN or Inf can fail here; say so instead of a half body.
		status = http.StatusInternalServerError
		b, _ = json.Marshal(apiError{Error: "encoding the answer: " + err.Error(), Status: status})
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(len(b)+1))
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

// badQuery checks that only known query parameters are given, so a typo
// (?sotr=cpu) is an error rather than silently ignored.
func badQuery(w http.ResponseWriter, r *http.Request, known ...string) bool {
	for k := range r.URL.Query() {
		if !slices.Contains(known, k) {
			msg := "unknown query parameter " + strconv.Quote(k)
			if len(known) > 0 {
				msg += " (known: " + strings.Join(known, ", ") + ")"
			} else {
				msg += ": this endpoint takes none"
			}
			writeError(w, http.StatusBadRequest, msg)
			return true
		}
	}
	return false
}

// withoutProcesses returns copies of rs without their process tables, for
// an answer that did not ask for them (nor for the exited processes).
func withoutProcesses(rs []reading.Reading) []reading.Reading {
	out := make([]reading.Reading, len(rs))
	for i, r := range rs {
		r.Processes, r.Exits = nil, nil
		out[i] = r
	}
	return out
}

type snapshotAnswer struct {
	Time     time.Time         `json:"time"`
	Status   reading.Status    `json:"status"`
	Readings []reading.Reading `json:"readings"`
}

// sanitize replaces NaN and infinities, which JSON cannot carry, by 0 in a
// copy of the readings that have any, so one odd kernel value never breaks
// the whole answer.
func sanitize(rs []reading.Reading) []reading.Reading {
	for i := range rs {
		for j := range rs[i].Metrics {
			if v := rs[i].Metrics[j].Value; v != v || v > maxFloat || v < -maxFloat {
				rs[i].Metrics = slices.Clone(rs[i].Metrics)
				for k := range rs[i].Metrics {
					if v := rs[i].Metrics[k].Value; v != v || v > maxFloat || v < -maxFloat {
						rs[i].Metrics[k].Value = 0
					}
				}
				break
			}
		}
	}
	return rs
}

const maxFloat = 1.7976931348623157e308

func (s *Server) snapshot(w http.ResponseWriter, r *http.Request) {
	withProcs, ok := processesQuery(w, r)
	if !ok {
		return
	}
	defer s.wantProcesses(r.Context())()
	rs := s.opts.State.Snapshot()
	if !withProcs {
		rs = withoutProcesses(rs)
	} else {
		rs = s.privateReadings(slices.Clone(rs))
	}
	ans := snapshotAnswer{Time: time.Now().UTC(), Readings: sanitize(rs)}
	for _, rd := range rs {
		ans.Status = max(ans.Status, rd.Status)
	}
	writeJSON(w, http.StatusOK, ans)
}

// processesQuery reads the query of the answers made of readings: only
// ?processes=, whether to include the process tables. On any other parameter
// or a value that is not a boolean it has answered 400 and ok is false.
func processesQuery(w http.ResponseWriter, r *http.Request) (withProcs, ok bool) {
	if badQuery(w, r, "processes") {
		return false, false
	}
	return boolParam(w, r, "processes")
}

func boolParam(w http.ResponseWriter, r *http.Request, name string) (bool, bool) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return false, true
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		writeError(w, http.StatusBadRequest, "query parameter "+name+"="+strconv.Quote(v)+" is not a boolean (true, false, 1, 0)")
		return false, false
	}
	return b, true
}

func (s *Server) sensors(w http.ResponseWriter, r *http.Request) {
	if badQuery(w, r) {
		return
	}
	names := sensorNames(s.opts.State.Snapshot())
	writeJSON(w, http.StatusOK, map[string][]string{"sensors": names})
}

func (s *Server) sensor(w http.ResponseWriter, r *http.Request) {
	withProcs, ok := processesQuery(w, r)
	if !ok {
		return
	}
	name := r.PathValue("name")
	if name == reading.SensorProcesses {
		defer s.wantProcesses(r.Context())()
	}
	for _, rd := range s.opts.State.Snapshot() {
		if rd.Sensor == name {
			if !withProcs {
				rd.Processes, rd.Exits = nil, nil
			}
			rd = s.privateReadings([]reading.Reading{rd})[0]
			writeJSON(w, http.StatusOK, sanitize([]reading.Reading{rd})[0])
			return
		}
	}
	writeError(w, http.StatusNotFound, "no sensor "+strconv.Quote(name)+" (GET /api/v1/sensors lists them)")
}

// processSorts maps ?sort= values to comparisons (ascending).
var processSorts = map[string]func(a, b *reading.Process) int{
	"cpu":     func(a, b *reading.Process) int { return cmp.Compare(a.CPUPercent, b.CPUPercent) },
	"mem":     func(a, b *reading.Process) int { return cmp.Compare(a.RSS, b.RSS) },
	"rss":     func(a, b *reading.Process) int { return cmp.Compare(a.RSS, b.RSS) },
	"pid":     func(a, b *reading.Process) int { return int(a.PID) - int(b.PID) },
	"ppid":    func(a, b *reading.Process) int { return int(a.PPID) - int(b.PPID) },
	"name":    func(a, b *reading.Process) int { return strings.Compare(a.Comm, b.Comm) },
	"user":    func(a, b *reading.Process) int { return strings.Compare(a.User, b.User) },
	"state":   func(a, b *reading.Process) int { return strings.Compare(a.State, b.State) },
	"threads": func(a, b *reading.Process) int { return int(a.Threads) - int(b.Threads) },
	"time":    func(a, b *reading.Process) int { return cmp.Compare(a.CPUTime, b.CPUTime) },
	"start":   func(a, b *reading.Process) int { return a.Start.Compare(b.Start) },
}

func sortNames() string {
	names := make([]string, 0, len(processSorts))
	for k := range processSorts {
		names = append(names, k)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// MaxProcessLimit bounds ?limit=: the process table of a big machine is
// large, and one request must stay cheap.
const MaxProcessLimit = 10000

type processesAnswer struct {
	Time      time.Time         `json:"time"`
	Total     int               `json:"total"`
	Matched   int               `json:"matched"`
	Sort      string            `json:"sort"`
	Order     string            `json:"order"`
	Processes []reading.Process `json:"processes"`
}

func (s *Server) processes(w http.ResponseWriter, r *http.Request) {
	if badQuery(w, r, "sort", "order", "filter", "limit") {
		return
	}
	q := r.URL.Query()
	sortBy := q.Get("sort")
	if sortBy == "" {
		sortBy = "cpu"
	}
	less, ok := processSorts[sortBy]
	if !ok {
		writeError(w, http.StatusBadRequest, "sort="+strconv.Quote(sortBy)+" is not a column (one of "+sortNames()+")")
		return
	}
	order, limit, filter, ok := tableQuery(w, q,
		sortBy == "pid" || sortBy == "ppid" || sortBy == "name" || sortBy == "user" || sortBy == "state", 100)
	if !ok {
		return
	}
	defer s.wantProcesses(r.Context())()
	var procs []reading.Process
	var at time.Time
	for _, rd := range s.opts.State.Snapshot() {
		if rd.Sensor == reading.SensorProcesses {
			procs, at = rd.Processes, rd.Time
			break
		}
	}
	matched := make([]*reading.Process, 0, len(procs))
	for i := range procs {
		if filter == "" || matches(&procs[i], filter) {
			matched = append(matched, &procs[i])
		}
	}
	slices.SortStableFunc(matched, func(a, b *reading.Process) int {
		c := less(a, b)
		if c == 0 {
			c = int(a.PID) - int(b.PID)
			return c
		}
		if order == "desc" {
			return -c
		}
		return c
	})
	n := len(matched)
	if limit > 0 && limit < n {
		n = limit
	}
	ans := processesAnswer{Time: at, Total: len(procs), Matched: len(matched), Sort: sortBy, Order: order, Processes: make([]reading.Process, n)}
	for i := range n {
		ans.Processes[i] = *matched[i]
	}
	writeJSON(w, http.StatusOK, ans)
}

// tableQuery reads the order, limit and filter of a table endpoint
// (/api/v1/processes, /api/v1/cgroups): order defaults to asc for a text
// column, else desc; limit to def. It answers 400 and returns ok false
// for a bad one.
func tableQuery(w http.ResponseWriter, q url.Values, text bool, def int) (order string, limit int, filter string, ok bool) {
	order = q.Get("order")
	switch order {
	case "":
		order = "desc"
		if text {
			order = "asc"
		}
	case "asc", "desc":
	default:
		writeError(w, http.StatusBadRequest, "order="+strconv.Quote(order)+" is neither asc nor desc")
		return "", 0, "", false
	}
	limit = def
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > MaxProcessLimit {
			writeError(w, http.StatusBadRequest, "limit="+strconv.Quote(v)+" is not a number from 0 to "+strconv.Itoa(MaxProcessLimit)+" (0 means all)")
			return "", 0, "", false
		}
		limit = n
	}
	filter = strings.ToLower(q.Get("filter"))
	if len(filter) > 256 {
		writeError(w, http.StatusBadRequest, "filter is longer than 256 bytes")
		return "", 0, "", false
	}
	return order, limit, filter, true
}

// matches is a case-insensitive substring match on the name, command line,
// user and PID, like the filter box of the TUI.
func matches(p *reading.Process, filter string) bool {
	return containsFold(p.Comm, filter) || containsFold(p.Cmdline, filter) ||
		containsFold(p.User, filter) || strconv.Itoa(int(p.PID)) == filter
}

func containsFold(s, lowerSub string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 'A' && s[i] <= 'Z' || s[i] >= 0x80 {
			return strings.Contains(strings.ToLower(s), lowerSub)
		}
	}
	return strings.Contains(s, lowerSub)
}

func (s *Server) process(w http.ResponseWriter, r *http.Request) {
	if badQuery(w, r) {
		return
	}
	v := r.PathValue("pid")
	pid, err := strconv.ParseInt(v, 10, 32)
	if err != nil || pid <= 0 {
		writeError(w, http.StatusBadRequest, "pid "+strconv.Quote(v)+" is not a positive number")
		return
	}
	if s.opts.Inspector == nil {
		writeError(w, http.StatusNotFound, "process details are not available in this agent")
		return
	}
	defer s.wantProcesses(r.Context())() // its CPU % is the last walk's
	d, err := s.opts.Inspector.Inspect(r.Context(), int32(pid))
	switch {
	case errors.Is(err, os.ErrNotExist):
		writeError(w, http.StatusNotFound, "no process "+v+": "+err.Error())
	case errors.Is(err, ErrMalformed):
		// Bad kernel data is no server fault: say what could not be read.
		writeError(w, http.StatusUnprocessableEntity, "process "+v+" cannot be shown: "+err.Error())
	case err != nil:
		// The client sees the error; the operator must too.
		s.log.Error("api: reading a process failed", "path", r.URL.Path, "error", err)
		writeError(w, http.StatusInternalServerError, "reading process "+v+": "+err.Error())
	default:
		writeJSON(w, http.StatusOK, s.detailAnswer(d))
	}
}

type alertsAnswer struct {
	Active []reading.Transition `json:"active"`
	Recent []reading.Transition `json:"recent"`
}

func (s *Server) alerts(w http.ResponseWriter, r *http.Request) {
	if badQuery(w, r) {
		return
	}
	ans := alertsAnswer{Active: s.opts.State.ActiveAlerts(), Recent: s.opts.State.RecentTransitions()}
	if ans.Active == nil {
		ans.Active = []reading.Transition{}
	}
	if ans.Recent == nil {
		ans.Recent = []reading.Transition{}
	}
	writeJSON(w, http.StatusOK, ans)
}

type sensorStatus struct {
	reading.SensorHealth
	IntervalSeconds float64 `json:"interval_seconds"`
	AgeSeconds      float64 `json:"age_seconds"`
}

type statusAnswer struct {
	Version       string                 `json:"version"`
	Hostname      string                 `json:"hostname,omitempty"`
	Started       time.Time              `json:"started"`
	UptimeSeconds float64                `json:"uptime_seconds"`
	Readings      uint64                 `json:"readings"`
	QueueLen      int                    `json:"queue_len"`
	QueueCap      int                    `json:"queue_cap"`
	QueueDropped  uint64                 `json:"queue_dropped"`
	Overruns      uint64                 `json:"analysis_overruns"`
	Sensors       []sensorStatus         `json:"sensors"`
	Outputs       []reading.OutputHealth `json:"outputs"`
	Stream        StreamStats            `json:"stream"`
	// Notifiers is every alert destination's delivery record; Store the
	// history's write state, absent when the agent does not record.
	Notifiers []reading.NotifierHealth `json:"notifiers"`
	Store     *reading.StoreHealth     `json:"store,omitempty"`
}

func (s *Server) status(w http.ResponseWriter, r *http.Request) {
	if badQuery(w, r) {
		return
	}
	h := s.opts.Health()
	now := time.Now()
	started := h.Started
	if started.IsZero() {
		started = s.started
	}
	ans := statusAnswer{
		Version: s.opts.Version, Hostname: s.opts.Hostname, Started: started, UptimeSeconds: now.Sub(started).Seconds(),
		Readings: h.Readings, QueueLen: h.QueueLen, QueueCap: h.QueueCap, QueueDropped: h.QueueDropped,
		Overruns: h.AnalysisOverruns, Sensors: make([]sensorStatus, len(h.Sensors)), Outputs: h.Outputs,
		Stream: s.hub.stats(), Notifiers: h.Notifiers, Store: h.Store,
	}
	if ans.Notifiers == nil {
		ans.Notifiers = []reading.NotifierHealth{}
	}
	if ans.Outputs == nil {
		ans.Outputs = []reading.OutputHealth{}
	}
	for i, sh := range h.Sensors {
		ss := sensorStatus{SensorHealth: sh, IntervalSeconds: sh.Interval.Seconds(), AgeSeconds: -1}
		if !sh.LastRead.IsZero() {
			ss.AgeSeconds = now.Sub(sh.LastRead).Seconds()
		}
		ans.Sensors[i] = ss
	}
	writeJSON(w, http.StatusOK, ans)
}

// MaxHistoryRange bounds a history query.
const MaxHistoryRange = 90 * 24 * time.Hour

type historyAnswer struct {
	Sensor string    `json:"sensor"`
	Metric string    `json:"metric"`
	From   time.Time `json:"from"`
	To     time.Time `json:"to"`
	Series []Series  `json:"series"`
}

func (s *Server) history(w http.ResponseWriter, r *http.Request) {
	if badQuery(w, r, "since", "from", "to", "label") {
		return
	}
	q := r.URL.Query()
	var match []reading.Label
	for _, v := range q["label"] {
		name, value, ok := strings.Cut(v, "=")
		if !ok || name == "" {
			writeError(w, http.StatusBadRequest, "label="+strconv.Quote(v)+" is not name=value (e.g. label=cpu=0)")
			return
		}
		match = append(match, reading.Label{Name: name, Value: value})
	}
	from, to, ok := timeRange(w, r)
	if !ok {
		return
	}
	sensor, metric := r.PathValue("sensor"), r.PathValue("metric")
	if s.opts.History == nil {
		writeError(w, http.StatusNotFound, "history is not available in this agent")
		return
	}
	series, err := s.opts.History.History(r.Context(), sensor, metric, from, to)
	switch {
	case errors.Is(err, ErrNotFound):
		writeError(w, http.StatusNotFound, "no history of "+strconv.Quote(metric)+" from sensor "+strconv.Quote(sensor))
		return
	case err != nil:
		s.log.Error("api: reading the history failed", "path", r.URL.Path, "error", err)
		writeError(w, http.StatusInternalServerError, "reading history: "+err.Error())
		return
	}
	if len(match) > 0 {
		kept := series[:0:0]
		for _, se := range series {
			if reading.Labels(se.Labels).Has(match) {
				kept = append(kept, se)
			}
		}
		series = kept
	}
	if series == nil {
		series = []Series{}
	}
	for i := range series {
		if series[i].Points == nil {
			series[i].Points = []Point{}
		}
	}
	writeJSON(w, http.StatusOK, historyAnswer{Sensor: sensor, Metric: metric, From: from, To: to, Series: series})
}

// timeRange reads a range's since, from and to parameters (docs/api.md):
// the last five minutes unless they say otherwise, at most
// MaxHistoryRange. A bad one is answered with 400 and ok false.
func timeRange(w http.ResponseWriter, r *http.Request) (from, to time.Time, ok bool) {
	q := r.URL.Query()
	now := time.Now().UTC()
	from, to = now.Add(-5*time.Minute), now
	if v := q.Get("since"); v != "" {
		if q.Get("from") != "" {
			writeError(w, http.StatusBadRequest, "give since or from, not both")
			return from, to, false
		}
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			writeError(w, http.StatusBadRequest, "since="+strconv.Quote(v)+" is not a positive duration such as 5m or 1h")
			return from, to, false
		}
		from = now.Add(-d)
	}
	for _, p := range []struct {
		name string
		t    *time.Time
	}{{"from", &from}, {"to", &to}} {
		if v := q.Get(p.name); v != "" {
			t, err := time.Parse(time.RFC3339Nano, v)
			if err != nil {
				writeError(w, http.StatusBadRequest, p.name+"="+strconv.Quote(v)+" is not an RFC 3339 time such as 2026-01-02T15:04:05Z")
				return from, to, false
			}
			*p.t = t
		}
	}
	if !from.Before(to) {
		writeError(w, http.StatusBadRequest, "from must be before to")
		return from, to, false
	}
	if to.Sub(from) > MaxHistoryRange {
		writeError(w, http.StatusBadRequest, "range longer than 90 days")
		return from, to, false
	}
	return from, to, true
}

type readyAnswer struct {
	Ready  bool     `json:"ready"`
	Stale  []string `json:"stale,omitempty"`
	Reason string   `json:"reason,omitempty"`
}

// readyz is 200 when every sensor has produced a successful reading since
// the agent started and none is stale now (docs/api.md).
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	h := s.opts.Health()
	ans := readyAnswer{Ready: true}
	// A sensor has succeeded once an analysed reading without an error
	// reached the state or the stream; a read alone (a warm-up baseline)
	// or an error reading (the engine makes one for a failing sensor) does
	// not count. Success is remembered: a later failure shows in the
	// status, and makes the agent unready only once the sensor is stale.
	succeeded := s.hub.sensorsSucceeded(s.opts.State.Snapshot())
	var waiting []string
	for _, sh := range h.Sensors {
		switch {
		case sh.Stale:
			ans.Stale = append(ans.Stale, sh.Name)
		case sh.LastRead.IsZero() || !succeeded[sh.Name]:
			w := sh.Name
			if sh.LastError != "" {
				w += " (" + sh.LastError + ")"
			}
			waiting = append(waiting, w)
		}
	}
	switch {
	case len(h.Sensors) == 0:
		ans.Ready, ans.Reason = false, "no sensors running yet"
	case len(ans.Stale) > 0:
		ans.Ready, ans.Reason = false, "stale sensors: "+strings.Join(ans.Stale, ", ")
	case len(waiting) > 0:
		ans.Ready, ans.Reason = false, "sensors without a successful reading yet: "+strings.Join(waiting, ", ")
	}
	code := http.StatusOK
	if !ans.Ready {
		code = http.StatusServiceUnavailable
	}
	writeJSON(w, code, ans)
}
