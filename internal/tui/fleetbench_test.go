package tui

import (
	"context"
	"fmt"
	"math"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/vigia-dev/vigia/internal/fleet"
	"github.com/vigia-dev/vigia/internal/text"
)

// fleetOf is a snapshot of n hosts with every column filled.
func fleetOf(n int) fleet.Snapshot {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	s := fleet.Snapshot{At: at, Lookback: time.Hour, Step: 15 * time.Second}
	for i := range n {
		spark := make([]float64, 60)
		for j := range spark {
			spark[j] = 50 + 40*math.Sin(float64(i+j)/7)
		}
		s.Hosts = append(s.Hosts, fleet.Host{Instance: fmt.Sprintf("host-%04d.example:9100", i),
			Labels: map[string]string{"job": "node", "env": []string{"prod", "staging", "dev"}[i%3], "datacenter": fmt.Sprintf("dc-%d", i%4)},
			Up:     i%37 != 5, CPU: float64(i%100) + 0.5, Mem: float64(i*7%100) + 0.25, Load: float64(i%16) / 4, Cores: 4,
			FS: "/", FSUsed: float64(i*13%100) + 0.5, Rx: float64(i) * 1e4, Tx: float64(i) * 3e3, Version: "0.9.0", CPUHistory: spark,
			Alerts: []fleet.Alert{{Name: "HighCPU", Severity: "warning"}}[:i%9/8]})
	}
	return s
}

// BenchmarkFleetKeys1000 is a key and the redraw it asks for in a 200x50
// fleet view of 1,000 hosts: sorting by CPU, memory and host in turn,
// the cost a key press adds before the terminal shows its answer.
func BenchmarkFleetKeys1000(b *testing.B) {
	snap := fleetOf(1000)
	m := NewFleet(context.Background(), FleetOptions{Source: fakeSource{snap}, Text: text.For(text.English), Now: func() time.Time { return snap.At }}, colorprofile.NoTTY)
	m.Update(tea.WindowSizeMsg{Width: 200, Height: 50})
	m.Update(fleetSnapMsg(snap))
	keys := []string{"P", "M", "N"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		m.key(press(keys[i%len(keys)]))
		_ = m.render()
	}
}

// BenchmarkFleetSnapshot1000 is a refresh's answer arriving: the table
// rebuilt (sorted, filtered, grouped) and redrawn.
func BenchmarkFleetSnapshot1000(b *testing.B) {
	snap := fleetOf(1000)
	m := NewFleet(context.Background(), FleetOptions{Source: fakeSource{snap}, Text: text.For(text.English), Now: func() time.Time { return snap.At }}, colorprofile.NoTTY)
	m.Update(tea.WindowSizeMsg{Width: 200, Height: 50})
	b.ReportAllocs()
	for b.Loop() {
		m.Update(fleetSnapMsg(snap))
		_ = m.render()
	}
}
