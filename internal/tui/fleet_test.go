package tui

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/vigia-dev/vigia/internal/fleet"
	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/text"
)

// fleetFixture is a small fleet at a fixed time: a vigia host with a
// critical alert and a filling disk, a node_exporter host down for ten
// minutes, and a new host whose memory query has no series.
func fleetFixture() fleet.Snapshot {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	nan := math.NaN()
	return fleet.Snapshot{At: at, Lookback: time.Hour, Step: 15 * time.Second, Hosts: []fleet.Host{
		{Instance: "db-1:8519", Labels: map[string]string{"job": "vigia", "env": "prod"}, Up: true, Since: at.Add(-3 * time.Hour / 2),
			CPU: 93.5, Mem: 71, Load: 3.2, Cores: 4, FS: "/var/lib/postgresql", FSUsed: 88.2, FSFull: 5*time.Hour + 30*time.Minute,
			Rx: 1.5e6, Tx: 220e3, Version: "0.1.0", CPUHistory: []float64{10, 20, 40, 80, 95, nan, 93.5},
			Alerts: []fleet.Alert{{Name: "cpu_high", Severity: "critical"}, {Name: "filesystem_full", Severity: "warning"}}},
		{Instance: "web-1:9100", Labels: map[string]string{"job": "node", "env": "prod"}, Up: false, Since: at.Add(-10 * time.Minute),
			CPU: nan, Mem: nan, Load: nan, FSUsed: nan, Rx: nan, Tx: nan},
		{Instance: "web-2:9100", Labels: map[string]string{"job": "node", "env": "staging"}, Up: true, Young: true,
			CPU: 4.2, Mem: nan, Load: 0.1, Cores: 2, FS: "/", FSUsed: 40, Rx: 900, Tx: 1200, CPUHistory: []float64{4.2}},
	}}
}

type fakeSource struct{ snap fleet.Snapshot }

func (f fakeSource) Refresh(context.Context, time.Time) fleet.Snapshot { return f.snap }
func (f fakeSource) History(_ context.Context, inst string, now time.Time, span time.Duration, points int) fleet.History {
	var s []fleet.Sample
	for i := range 20 {
		s = append(s, fleet.Sample{T: now.Add(time.Duration(i-20) * time.Minute), V: float64(i * 5)})
	}
	return fleet.History{Instance: inst, CPU: s, Mem: s, Load: s, Rx: s, Tx: s}
}

func newFleetModel(t *testing.T, lang text.Lang, w, h int) *FleetModel {
	t.Helper()
	snap := fleetFixture()
	m := NewFleet(context.Background(), FleetOptions{Source: fakeSource{snap}, URL: "http://prometheus:9090", Text: text.For(lang),
		Now: func() time.Time { return snap.At }, Level: func(metric string, v float64) reading.Status {
			switch {
			case v >= 90:
				return reading.Critical
			case v >= 70:
				return reading.Warning
			}
			return reading.Normal
		}}, colorprofile.NoTTY)
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	m.Update(fleetSnapMsg(snap))
	return m
}

// press sends keys to the fleet view and runs what they ask for, as the
// program would (but ticks).
func (m *FleetModel) press(keys ...string) {
	for _, k := range keys {
		if cmd := m.key(press(k)); cmd != nil {
			if msg, ok := cmd().(fleetHistMsg); ok {
				m.Update(msg)
			}
		}
	}
}

func TestFleetFrames(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		lang text.Lang
		w, h int
		keys []string
	}{
		{"fleet_en_160x12", text.English, 160, 12, nil},
		{"fleet_es_160x12", text.Spanish, 160, 12, nil},
		{"fleet_en_80x12", text.English, 80, 12, nil},
		{"fleet_grouped_en_120x12", text.English, 120, 12, []string{"t", "t"}},
		{"fleet_sorted_cpu_filtered_en_120x10", text.English, 120, 10, []string{"P", "/", "p", "r", "o", "d", "enter"}},
		{"fleet_detail_es_120x24", text.Spanish, 120, 24, []string{"down", "h"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := newFleetModel(t, tt.lang, tt.w, tt.h)
			m.press(tt.keys...)
			frame := m.render()
			checkFrame(t, frame, tt.w, tt.h)
			checkGolden(t, tt.name, frame)
		})
	}
}

// TestFleetKeepsHostsWhenARefreshFails: a failed refresh says why on
// screen and keeps the last good table; the next good one clears it.
func TestFleetKeepsHostsWhenARefreshFails(t *testing.T) {
	t.Parallel()
	m := newFleetModel(t, text.English, 160, 10)
	bad := fleet.Snapshot{At: fleetFixture().At.Add(5 * time.Second), Err: errors.New(`Post "http://prometheus:9090/api/v1/query": dial tcp: connection refused`)}
	m.Update(fleetSnapMsg(bad))
	frame := m.render()
	if !strings.Contains(frame, "cannot read the fleet: Post") || !strings.Contains(frame, "showing 12:00:00, retrying") || !strings.Contains(frame, "db-1:8519") {
		t.Errorf("after a failed refresh the frame should say so and keep the hosts:\n%s", frame)
	}
	m.Update(fleetSnapMsg(fleetFixture()))
	if frame := m.render(); strings.Contains(frame, "cannot read") {
		t.Errorf("a good refresh should clear the message:\n%s", frame)
	}
	half := fleetFixture()
	half.Problems = []fleet.Problem{{What: "memory", Err: errors.New("query failed: timeout: query timed out")}}
	m.Update(fleetSnapMsg(half))
	if frame := m.render(); !strings.Contains(frame, "missing this refresh: memory: query failed: timeout") {
		t.Errorf("a failed query should be named:\n%s", frame)
	}
}

// TestFleetSelectionFollowsTheHost: the selection stays on its host when
// a re-sort moves it.
func TestFleetSelectionFollowsTheHost(t *testing.T) {
	t.Parallel()
	m := newFleetModel(t, text.English, 160, 10)
	m.press("down", "down") // down first, then by host: web-1, db-1, web-2
	if h, _ := m.table.selected(); h.Instance != "web-2:9100" {
		t.Fatalf("selected %s, want web-2:9100", h.Instance)
	}
	m.press("P")
	if h, _ := m.table.selected(); h.Instance != "web-2:9100" {
		t.Errorf("after sorting by CPU selected %s, want web-2:9100", h.Instance)
	}
}

// TestFleetUnauthorisedThenRecovered runs the view over the real fleet
// client against an API that answers 401 until the token is fixed: the
// frame says so, and the next refresh draws the hosts.
func TestFleetUnauthorisedThenRecovered(t *testing.T) {
	t.Parallel()
	var allowed atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !allowed.Load() {
			http.Error(w, "Unauthorized", http.StatusUnauthorized)
			return
		}
		r.ParseForm()
		result := ""
		if r.Form.Get("query") == "up" {
			result = `{"metric":{"instance":"db-1:9100","job":"node"},"value":[1772366400,"1"]}`
		}
		fmt.Fprintf(w, `{"status":"success","data":{"resultType":"vector","result":[%s]}}`, result)
	}))
	defer srv.Close()
	c, err := fleet.NewClient(fleet.ClientOptions{URL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Unix(1772366400, 0).UTC()
	m := NewFleet(context.Background(), FleetOptions{Source: fleet.New(fleet.Options{Prometheus: c}), URL: srv.URL,
		Now: func() time.Time { return at }}, colorprofile.NoTTY)
	m.Update(tea.WindowSizeMsg{Width: 160, Height: 8})
	m.Update(m.Init()())
	if frame := m.render(); !strings.Contains(frame, "cannot read the fleet: ") || !strings.Contains(frame, "401 Unauthorized: not authorised — retrying") {
		t.Errorf("after a 401 the frame should say so:\n%s", frame)
	}
	allowed.Store(true)
	_, cmd := m.Update(fleetTickMsg{})
	m.Update(cmd())
	if frame := m.render(); strings.Contains(frame, "cannot read") || !strings.Contains(frame, "db-1:9100") {
		t.Errorf("after the API lets the view in, the frame should show the host:\n%s", frame)
	}
}
