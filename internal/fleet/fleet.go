package fleet

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"sync"
	"time"
)

// Options configure a Fleet.
type Options struct {
	// Prometheus answers the queries; required.
	Prometheus *Client
	// Alertmanager, when set, gives the firing alerts; otherwise they come
	// from Prometheus' ALERTS series.
	Alertmanager *Client
	// RateWindow is the range of rate() over counters: at least four scrape
	// intervals. Zero means 1m.
	RateWindow time.Duration
	// FillWindow is the range predict_linear fits a filesystem's free space
	// over. Zero means 1h.
	FillWindow time.Duration
	// Lookback is how far back a host's last change of up is looked for,
	// and Step how finely. Zero means 1h and 15s.
	Lookback, Step time.Duration
	// Spark is the span of each host's CPU sparkline, in SparkPoints
	// points. Zero means 10m and 60.
	Spark       time.Duration
	SparkPoints int
}

// Fleet refreshes the view of every host. It is safe for concurrent use.
type Fleet struct {
	o      Options
	sparks sparks
	// slowCores and slowFull keep the answers of the queries whose values
	// move slowly, for slowEvery.
	slowCores, slowFull slow

	mu   sync.Mutex
	seen map[string]bool // the instances of the last refresh
}

// newHosts says whether hosts has an instance the last refresh did not,
// and remembers hosts' for the next.
func (f *Fleet) newHosts(hosts []Host) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	first := f.seen == nil
	fresh := len(hosts) != len(f.seen)
	for _, h := range hosts {
		fresh = fresh || !f.seen[h.Instance]
	}
	if fresh {
		f.seen = make(map[string]bool, len(hosts))
		for _, h := range hosts {
			f.seen[h.Instance] = true
		}
	}
	return fresh && !first
}

// New fills o's defaults.
func New(o Options) *Fleet {
	o.RateWindow = cmp.Or(o.RateWindow, time.Minute)
	o.FillWindow = cmp.Or(o.FillWindow, time.Hour)
	o.Lookback = cmp.Or(o.Lookback, time.Hour)
	o.Step = cmp.Or(o.Step, 15*time.Second)
	o.Spark = cmp.Or(o.Spark, 10*time.Minute)
	o.SparkPoints = cmp.Or(o.SparkPoints, 60)
	return &Fleet{o: o}
}

// Host is one scrape target (one instance) of the fleet. A value that no
// series gave is NaN: the host runs an exporter without it, or the query
// failed (Snapshot.Problems says which).
type Host struct {
	Instance string            `json:"instance"`
	Labels   map[string]string `json:"labels"`
	Up       bool              `json:"up"`
	// Since is when up last changed; zero when it held through the whole
	// lookback (Snapshot.Lookback), or when Young.
	Since time.Time `json:"since,omitzero"`
	// Young says the host's up series is younger than one Options.Step,
	// too young for the subquery that finds Since to have sampled it.
	Young bool    `json:"young,omitempty"`
	CPU   float64 `json:"cpu_percent"`
	Mem   float64 `json:"memory_percent"`
	Load  float64 `json:"load1"`
	Cores int     `json:"cores,omitempty"`
	// FS is the fullest filesystem's mountpoint, FSUsed its use in percent,
	// FSFull the time until it is full when its free space falls (zero
	// when it does not).
	FS      string        `json:"fs,omitempty"`
	FSUsed  float64       `json:"fs_percent"`
	FSFull  time.Duration `json:"fs_full_seconds,omitempty"`
	Rx, Tx  float64       `json:"-"`
	Alerts  []Alert       `json:"alerts,omitempty"`
	Version string        `json:"version,omitempty"`
	// CPUHistory is the sparkline: CPU % over Options.Spark, oldest first,
	// NaN where there was no sample.
	CPUHistory []float64 `json:"-"`
}

// LoadPerCore is the 1-minute load over the CPU count, NaN when either is
// unknown.
func (h *Host) LoadPerCore() float64 {
	if h.Cores == 0 {
		return math.NaN()
	}
	return h.Load / float64(h.Cores)
}

// Problem is a query that failed this refresh: its part of every row is
// missing until one succeeds.
type Problem struct {
	What string
	Err  error
}

func (p Problem) Error() string { return p.What + ": " + p.Err.Error() }

// Snapshot is the fleet at one refresh.
type Snapshot struct {
	At    time.Time
	Hosts []Host
	// Err is set when the fleet itself could not be read (up failed:
	// Prometheus unreachable, a 401, a timeout); Hosts is empty then.
	Err error
	// Problems are the other queries that failed; their columns are empty.
	Problems []Problem
	// Lookback is how far back Since looks, and Step how finely.
	Lookback, Step time.Duration
	// Took is the wall time of the refresh's queries.
	Took time.Duration
}

// Refresh asks every query at once, for time now, and assembles the hosts.
// It never fails: errors are in the snapshot. clock measures Took and is
// time.Since outside tests.
func (f *Fleet) Refresh(ctx context.Context, now time.Time) Snapshot {
	start := time.Now()
	o := f.o
	type job struct {
		what  string
		query string
		keep  []string                 // the labels assemble reads; nil for all
		run   func() ([]Series, error) // instead of query
		got   []Series
		err   error
	}
	var hist map[string][]float64 // the sparklines, by instance
	jobs := []*job{
		{what: "up", query: "up"},
		{what: "since", run: func() ([]Series, error) { return f.since(ctx, now) }},
		{what: "cpu", query: qIdle("", o.RateWindow), keep: byInstance},
		{what: "cores", run: func() ([]Series, error) { return f.cores(ctx, now) }},
		{what: "memory", query: qMem(""), keep: byInstance},
		{what: "load", query: qLoad(""), keep: byInstance},
		{what: "filesystem", query: qFSUsed(""), keep: byMount},
		{what: "time to full", run: func() ([]Series, error) { return f.timeToFull(ctx, now) }},
		{what: "network rx", query: qNet("receive", "", o.RateWindow), keep: byInstance},
		{what: "network tx", query: qNet("transmit", "", o.RateWindow), keep: byInstance},
		{what: "version", query: qVersion, keep: []string{"instance", "version"}},
		{what: "cpu history", run: func() ([]Series, error) {
			var err error
			hist, err = f.sparks.update(ctx, o.Prometheus, qCPU("", o.RateWindow), now, o.Spark, o.Spark/time.Duration(o.SparkPoints))
			return nil, err
		}},
	}
	alerts := &job{what: "alerts", query: qAlerts}
	jobs = append(jobs, alerts)
	var wg sync.WaitGroup
	for _, j := range jobs {
		wg.Go(func() {
			switch {
			case j == alerts && o.Alertmanager != nil:
				var as []Alert
				as, j.err = o.Alertmanager.Alerts(ctx)
				j.what = "alertmanager"
				for _, a := range as {
					j.got = append(j.got, Series{Labels: a.Labels, Samples: []Sample{{T: a.Since, V: 1}}})
				}
			case j.run != nil:
				j.got, j.err = j.run()
			default:
				j.got, j.err = o.Prometheus.Query(ctx, j.query, now, j.keep...)
			}
		})
	}
	wg.Wait()
	snap := Snapshot{At: now, Lookback: o.Lookback, Step: o.Step, Took: time.Since(start)}
	if jobs[0].err != nil {
		snap.Err = jobs[0].err
		return snap
	}
	for _, j := range jobs[1:] {
		if j.err != nil {
			snap.Problems = append(snap.Problems, Problem{What: j.what, Err: j.err})
		}
	}
	snap.Hosts = assemble(jobs[0].got, func(what string) ([]Series, bool) {
		for _, j := range jobs {
			if j.what == what {
				return j.got, j.err == nil
			}
		}
		return nil, false
	}, hist, now, o)
	switch {
	case f.newHosts(snap.Hosts):
		// The kept slow answers have nothing for them: ask again next time.
		f.slowCores.forget()
		f.slowFull.forget()
	case lacksCores(snap.Hosts):
		// Asked as Prometheus had a host's first scrape only in part.
		f.slowCores.forget()
	}
	return snap
}

// lacksCores reports a host whose memory is known but not its CPU count:
// an answer kept from before its CPUs were scraped. A target that is not
// a node exporter has neither, and is no reason to ask again.
func lacksCores(hosts []Host) bool {
	for _, h := range hosts {
		if h.Cores == 0 && !math.IsNaN(h.Mem) {
			return true
		}
	}
	return false
}

// The labels of answers that assemble reads; the up and alert answers
// keep all of theirs, which the view shows.
var (
	byInstance = []string{"instance"}
	byMount    = []string{"instance", "mountpoint"}
)

// assemble builds one Host per instance of up, and fills it from the other
// answers by instance.
func assemble(up []Series, answer func(string) ([]Series, bool), hist map[string][]float64, now time.Time, o Options) []Host {
	got := func(what string) []Series { s, _ := answer(what); return s }
	byInst := map[string]*Host{}
	var hosts []*Host
	for _, s := range up {
		inst := s.Labels["instance"]
		if inst == "" {
			continue
		}
		h := byInst[inst]
		if h == nil {
			h = &Host{Instance: inst, Labels: map[string]string{}, CPU: math.NaN(), Mem: math.NaN(), Load: math.NaN(),
				FSUsed: math.NaN(), Rx: math.NaN(), Tx: math.NaN(), Up: true}
			byInst[inst] = h
			hosts = append(hosts, h)
		}
		for k, v := range s.Labels {
			if k != "__name__" {
				h.Labels[k] = v
			}
		}
		// An instance scraped by two jobs is up only when both answer.
		h.Up = h.Up && s.Last() == 1
	}
	each := func(what string, fn func(h *Host, s Series)) {
		for _, s := range got(what) {
			if h := byInst[s.Labels["instance"]]; h != nil {
				fn(h, s)
			}
		}
	}
	since := map[string]map[string]float64{}
	each("since", func(h *Host, s Series) {
		if since[h.Instance] == nil {
			since[h.Instance] = map[string]float64{}
		}
		since[h.Instance][s.Labels["q"]] = s.Last()
	})
	_, sinceOK := answer("since")
	for _, h := range hosts {
		q := since[h.Instance]
		h.Since = sinceOf(h.Up, q, now, o)
		// A host qChanged named that the subquery never sampled.
		_, changed := q["changed"]
		h.Young = sinceOK && changed && len(q) == 1
	}
	each("cores", func(h *Host, s Series) { h.Cores = int(s.Last()) })
	each("cpu", func(h *Host, s Series) {
		if h.Cores > 0 {
			h.CPU = min(max(100*(1-s.Last()/float64(h.Cores)), 0), 100)
		}
	})
	each("memory", func(h *Host, s Series) { h.Mem = s.Last() })
	each("load", func(h *Host, s Series) { h.Load = s.Last() })
	each("filesystem", func(h *Host, s Series) { h.FS, h.FSUsed = s.Labels["mountpoint"], s.Last() })
	each("time to full", func(h *Host, s Series) {
		if s.Labels["mountpoint"] == h.FS && s.Last() > 0 && !math.IsInf(s.Last(), 0) {
			h.FSFull = time.Duration(s.Last() * float64(time.Second))
		}
	})
	each("network rx", func(h *Host, s Series) { h.Rx = s.Last() })
	each("network tx", func(h *Host, s Series) { h.Tx = s.Last() })
	each("version", func(h *Host, s Series) { h.Version = s.Labels["version"] })
	for _, h := range hosts {
		if p, ok := hist[h.Instance]; ok {
			h.CPUHistory = p
		}
	}
	al := got("alerts")
	if al == nil {
		al = got("alertmanager")
	}
	for _, s := range al {
		if h := byInst[s.Labels["instance"]]; h != nil {
			h.Alerts = append(h.Alerts, Alert{Name: s.Labels["alertname"], Severity: s.Labels["severity"], Since: s.Samples[0].T, Labels: maps.Clone(s.Labels)})
		}
	}
	out := make([]Host, len(hosts))
	for i, h := range hosts {
		slices.SortFunc(h.Alerts, func(a, b Alert) int {
			return cmp.Or(cmp.Compare(SeverityLevel(b.Severity), SeverityLevel(a.Severity)), cmp.Compare(a.Name, b.Name))
		})
		out[i] = *h
	}
	slices.SortFunc(out, func(a, b Host) int { return cmp.Compare(a.Instance, b.Instance) })
	return out
}

// since asks qChanged, then qSince of only the hosts it names, so a fleet
// whose hosts held costs one cheap query. The answer carries those hosts
// as series with q="changed", for assemble to tell a host too young for
// the subquery from one that held through the lookback.
func (f *Fleet) since(ctx context.Context, now time.Time) ([]Series, error) {
	o := f.o
	changed, err := o.Prometheus.Query(ctx, qChanged(o.Lookback), now, byInstance...)
	if err != nil || len(changed) == 0 {
		return nil, err
	}
	insts := make([]string, 0, len(changed))
	out := make([]Series, 0, 4*len(changed))
	for _, s := range changed {
		inst := s.Labels["instance"]
		insts = append(insts, inst)
		out = append(out, Series{Labels: map[string]string{"instance": inst, "q": "changed"}, Samples: s.Samples})
	}
	slices.Sort(insts)
	got, err := o.Prometheus.Query(ctx, qSince(instanceIn(insts), o.Lookback, o.Step), now, "instance", "q")
	if err != nil {
		return nil, err
	}
	return append(out, got...), nil
}

// sinceOf reads qSince's answer for one host: a host that is up came up
// after the last time it was seen down, one that is down went down after
// the last time it was seen up, and one whose up held through the lookback
// has no known start (zero) unless its series began inside the lookback.
func sinceOf(up bool, q map[string]float64, now time.Time, o Options) time.Time {
	other := "up"
	if up {
		other = "down"
	}
	if v, ok := q[other]; ok {
		return unix(v).Add(o.Step)
	}
	if v, ok := q["first"]; ok && unix(v).After(now.Add(-o.Lookback+o.Step)) {
		return unix(v)
	}
	return time.Time{}
}

func unix(sec float64) time.Time {
	s := int64(sec)
	return time.Unix(s, int64((sec-float64(s))*1e9)).UTC()
}

// SeverityLevel orders alert severities as vigia's levels go: critical
// (or page) above warning above the rest.
func SeverityLevel(s string) int {
	switch s {
	case "critical", "page":
		return 2
	case "warning":
		return 1
	}
	return 0
}

// History is one host's recent past, for the detail pane.
type History struct {
	Instance string
	Step     time.Duration
	CPU, Mem []Sample
	Load     []Sample
	Rx, Tx   []Sample
	Err      error
}

// History asks Prometheus for instance's CPU, memory, load and network
// over span before now, in points points: five range queries, each
// for one host.
func (f *Fleet) History(ctx context.Context, instance string, now time.Time, span time.Duration, points int) History {
	o := f.o
	sel := "instance=" + strconv.Quote(instance)
	step := max(span/time.Duration(max(points, 1)), time.Second)
	h := History{Instance: instance, Step: step}
	parts := []struct {
		q   string
		dst *[]Sample
	}{
		{qCPU(sel, o.RateWindow), &h.CPU},
		{qMem(sel), &h.Mem},
		{qLoad(sel), &h.Load},
		{qNet("receive", sel, o.RateWindow), &h.Rx},
		{qNet("transmit", sel, o.RateWindow), &h.Tx},
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	for _, p := range parts {
		wg.Go(func() {
			got, err := o.Prometheus.QueryRange(ctx, p.q, now.Add(-span), now, step)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if h.Err == nil {
					h.Err = fmt.Errorf("history of %s: %w", instance, err)
				}
				return
			}
			if len(got) > 0 {
				*p.dst = got[0].Samples
			}
		})
	}
	wg.Wait()
	return h
}

// AgentLabel is the target label that gives a host's vigia agent URL when
// the scrape address is not it (an agent behind a proxy, or on https).
const AgentLabel = "vigia_url"

// AgentURL is the base URL of h's own vigia agent: its AgentLabel, else
// its scrape address over scheme for a host whose series say it runs
// vigia; empty for a host that runs only an exporter.
func (h *Host) AgentURL(scheme string) string {
	if u := h.Labels[AgentLabel]; u != "" {
		return u
	}
	if h.Version == "" {
		return ""
	}
	return scheme + "://" + h.Instance
}
