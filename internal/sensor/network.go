package sensor

import (
	"context"
	"time"

	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
)

// Network reports per-interface traffic from /proc/net/dev: rates for
// displays and rules, raw counters for exporters. Its primary value is the
// bytes received plus sent per second over every interface but lo.
//
// Interfaces come and go (VPNs, containers' veth pairs, USB adapters): a new
// one reports its counters at once and its rates from the next read; one
// that disappears is forgotten.
type Network struct {
	fs       procfs.FS
	counters *Counters[deviceField]
	devs     []procfs.NetDev
	buf      []byte
	warm     bool
}

// NewNetwork returns a network sensor reading under fs's procfs root.
func NewNetwork(fs procfs.FS) *Network {
	return &Network{fs: fs, counters: NewCounters[deviceField]()}
}

// Name returns reading.SensorNetwork.
func (n *Network) Name() string { return reading.SensorNetwork }

// Read samples the interface counters. The first call takes the baseline
// and returns ErrWarmup.
func (n *Network) Read(_ context.Context, now time.Time) (reading.Reading, error) {
	devs, err := n.sample()
	if err != nil {
		return reading.Reading{}, err
	}
	r := n.reading(now, devs)
	if !n.warm {
		n.warm = true
		return reading.Reading{}, ErrWarmup
	}
	return r, nil
}

// netField ties a net/dev counter to its rate and total metric names.
type netField struct {
	rate, total string
	unit        reading.Unit
	value       func(*procfs.NetDev) uint64
}

// netFields starts with received and sent bytes: the throughput sums those two.
var netFields = [...]netField{
	{reading.NetRxBytes, reading.NetRxBytesTotal, reading.BytesPerSecond, func(d *procfs.NetDev) uint64 { return d.RxBytes }},
	{reading.NetTxBytes, reading.NetTxBytesTotal, reading.BytesPerSecond, func(d *procfs.NetDev) uint64 { return d.TxBytes }},
	{reading.NetRxPackets, reading.NetRxPacketsTotal, reading.PerSecond, func(d *procfs.NetDev) uint64 { return d.RxPackets }},
	{reading.NetTxPackets, reading.NetTxPacketsTotal, reading.PerSecond, func(d *procfs.NetDev) uint64 { return d.TxPackets }},
	{reading.NetRxErrors, reading.NetRxErrsTotal, reading.PerSecond, func(d *procfs.NetDev) uint64 { return d.RxErrs }},
	{reading.NetTxErrors, reading.NetTxErrsTotal, reading.PerSecond, func(d *procfs.NetDev) uint64 { return d.TxErrs }},
	{reading.NetRxDrops, reading.NetRxDropTotal, reading.PerSecond, func(d *procfs.NetDev) uint64 { return d.RxDrop }},
	{reading.NetTxDrops, reading.NetTxDropTotal, reading.PerSecond, func(d *procfs.NetDev) uint64 { return d.TxDrop }},
}

// reading turns one sample into a reading and remembers it for the next
// rates. The throughput is emitted even when no interface has a rate yet
// (0, and only after warm-up) so the primary value is always present.
func (n *Network) reading(now time.Time, devs []procfs.NetDev) reading.Reading {
	ms := make([]reading.Metric, 1, 1+len(devs)*2*len(netFields))
	var throughput float64
	for i := range devs {
		d := &devs[i]
		labels := []reading.Label{{Name: "device", Value: d.Name}}
		var rates [len(netFields)]float64
		if deviceRates(n.counters, d.Name, rates[:], func(f int) uint64 { return netFields[f].value(d) }, now) {
			for f, nf := range netFields {
				ms = append(ms, reading.Metric{Name: nf.rate, Labels: labels, Value: rates[f], Unit: nf.unit})
			}
			if d.Name != "lo" {
				throughput += rates[0] + rates[1]
			}
		}
		for _, nf := range netFields {
			unit := reading.None
			if nf.unit == reading.BytesPerSecond {
				unit = reading.Bytes
			}
			ms = append(ms, reading.Metric{Name: nf.total, Labels: labels, Value: float64(nf.value(d)), Unit: unit, Kind: reading.Counter})
		}
	}
	n.counters.Sweep()
	ms[0] = reading.Metric{Name: reading.NetThroughput, Value: throughput, Unit: reading.BytesPerSecond}
	return reading.Reading{Sensor: reading.SensorNetwork, Time: now, Primary: reading.NetThroughput, Metrics: ms}
}
