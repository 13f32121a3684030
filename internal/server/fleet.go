package server

import (
	"context"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/vigia-dev/vigia/internal/fleet"
)

// Fleet reads the fleet for /fleet and /api/v1/fleet; *fleet.Fleet
// satisfies it. Refresh is called from request goroutines, possibly at
// once, and must return within its client's timeout with failures in the
// snapshot.
type Fleet interface {
	Refresh(ctx context.Context, now time.Time) fleet.Snapshot
}

// fleetAnswer is /api/v1/fleet: the hosts, and what failed. Values no
// series gave are null.
type fleetAnswer struct {
	At       time.Time   `json:"at"`
	Error    string      `json:"error,omitempty"`
	Problems []string    `json:"problems,omitempty"`
	Lookback float64     `json:"lookback_seconds"`
	Step     float64     `json:"step_seconds"`
	Hosts    []fleetHost `json:"hosts"`
}

type fleetHost struct {
	Instance string            `json:"instance"`
	Labels   map[string]string `json:"labels"`
	Up       bool              `json:"up"`
	// Since is when up last changed; absent when it held through the
	// lookback or the host is too young to tell (Young).
	Since       *time.Time    `json:"since,omitempty"`
	Young       bool          `json:"young,omitempty"`
	CPU         *float64      `json:"cpu_percent"`
	Mem         *float64      `json:"memory_percent"`
	LoadPerCore *float64      `json:"load_per_core"`
	Cores       int           `json:"cores,omitempty"`
	FS          string        `json:"fs,omitempty"`
	FSUsed      *float64      `json:"fs_percent"`
	FSFull      *float64      `json:"fs_full_seconds"`
	Rx          *float64      `json:"rx_bytes_per_second"`
	Tx          *float64      `json:"tx_bytes_per_second"`
	Alerts      []fleet.Alert `json:"alerts"`
	Version     string        `json:"version,omitempty"`
	// Dashboard is the host's own vigia dashboard: the scrape address,
	// for a host whose /metrics said it runs vigia.
	Dashboard string `json:"dashboard,omitempty"`
}

// num is v, or null for NaN and ±Inf, which JSON cannot carry.
func num(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

func toFleetAnswer(snap fleet.Snapshot, scheme string) fleetAnswer {
	a := fleetAnswer{At: snap.At, Lookback: snap.Lookback.Seconds(), Step: snap.Step.Seconds(), Hosts: make([]fleetHost, 0, len(snap.Hosts))}
	if snap.Err != nil {
		a.Error = snap.Err.Error()
	}
	for _, p := range snap.Problems {
		a.Problems = append(a.Problems, p.Error())
	}
	for _, h := range snap.Hosts {
		fh := fleetHost{Instance: h.Instance, Labels: h.Labels, Up: h.Up, Young: h.Young, CPU: num(h.CPU), Mem: num(h.Mem),
			LoadPerCore: num(h.LoadPerCore()), Cores: h.Cores, FS: h.FS, FSUsed: num(h.FSUsed), Rx: num(h.Rx), Tx: num(h.Tx),
			Alerts: h.Alerts, Version: h.Version}
		if fh.Alerts == nil {
			fh.Alerts = []fleet.Alert{}
		}
		if !h.Since.IsZero() {
			since := h.Since
			fh.Since = &since
		}
		if h.FSFull > 0 {
			fh.FSFull = num(h.FSFull.Seconds())
		}
		// Agents are reached as this one is: over https when it is.
		if u := h.AgentURL(scheme); u != "" {
			fh.Dashboard = strings.TrimSuffix(u, "/") + "/"
		}
		a.Hosts = append(a.Hosts, fh)
	}
	return a
}

// fleetAPI answers /api/v1/fleet; 404 when no Prometheus is configured.
func (s *Server) fleetAPI(w http.ResponseWriter, r *http.Request) {
	if s.opts.Fleet == nil {
		writeError(w, http.StatusNotFound, "no fleet: start vigia serve with --fleet-prometheus URL")
		return
	}
	scheme := "http"
	if s.opts.TLSCert != "" {
		scheme = "https"
	}
	writeJSON(w, http.StatusOK, toFleetAnswer(s.opts.Fleet.Refresh(r.Context(), time.Now()), scheme))
}
