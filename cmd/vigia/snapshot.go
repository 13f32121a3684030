package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/rule"
	"github.com/vigia-dev/vigia/internal/sensor"
	"github.com/vigia-dev/vigia/internal/stream"
)

const snapshotHelp = `
vigia snapshot — read every sensor once, print everything, and exit.

Usage:
  vigia snapshot [flags]

Like 'top -b -n1', but complete: each sensor's line with its status, then all
of its metrics, then the top processes by CPU. Every sensor is read twice, a
quarter of a second apart, so the rates (CPU %, each process's CPU %, disk
and network traffic, swap traffic, major page faults) are over that quarter
second. With --json, one JSON document with every reading (processes in
full).

Examples:
  vigia snapshot
  vigia snapshot --top 50
  vigia snapshot --json | jq '.[] | select(.sensor=="memory").metrics'
  vigia snapshot --sensors disk,network
`

// snapshotTimeout bounds each sensor's reads; a hung one is reported, not
// waited for.
const snapshotTimeout = 5 * time.Second

func runSnapshot(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "snapshot", snapshotHelp)
	m := addMachineFlags(fs, "all")
	asJSON := fs.Bool("json", false, "print one JSON array of readings")
	top := fs.Int("top", 20, "show the top `N` processes by CPU (text form)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("snapshot takes no arguments, got %q", strings.Join(fs.Args(), " "))
	}
	if *top < 0 {
		return usagef("--top %d: want 0 or more", *top)
	}
	s, err := m.setup(e)
	if err != nil {
		return err
	}
	readings, err := s.readOnce(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		out := make([]reading.Reading, len(readings))
		for i, r := range readings {
			out[i] = stream.Finite(r)
		}
		return printJSON(e.stdout, out)
	}
	lines := stream.NewLines(e.stdout, s.text, wantColor(e), e.zone())
	lines.Full = rule.CriticalBounds(s.engineRules())
	for _, r := range readings {
		if err := lines.Write(r); err != nil {
			return err
		}
		if r.Err == "" {
			writeMetrics(e.stdout, r)
		}
		if len(r.Processes) > 0 && *top > 0 {
			writeTopProcesses(e.stdout, s, r.Processes, *top)
		}
	}
	return nil
}

// readOnce reads every chosen sensor once, concurrently, and analyses the
// readings with the rules; a sensor that fails gives a reading with Err.
func (s *setup) readOnce(ctx context.Context) ([]reading.Reading, error) {
	readings := make([]reading.Reading, len(s.sensors))
	var wg sync.WaitGroup
	for i, name := range s.sensors {
		sn, err := s.newSensor(name)
		if err != nil {
			return nil, err
		}
		wg.Go(func() { readings[i] = readSensor(ctx, sn, sensor.WarmupDelay) })
	}
	wg.Wait()
	ev := rule.NewEvaluator(s.engineRules())
	now := time.Now()
	for i := range readings {
		if readings[i].Err == "" {
			// One reading has no history: its status is what counts, and
			// "alert raised" lines would only repeat it.
			readings[i].Status, _ = ev.Eval(readings[i], now)
		}
	}
	return readings, nil
}

// readSensor reads twice, pause apart, and keeps the second reading: a
// rate needs two samples, and not every sensor says so with ErrWarmup
// (memory reports its gauges at once and its swap traffic and major faults
// only from the second read on). A read that outlives snapshotTimeout is
// abandoned: its goroutine ends when the kernel lets it.
func readSensor(ctx context.Context, sn sensor.Sensor, pause time.Duration) reading.Reading {
	ctx, cancel := context.WithTimeout(ctx, snapshotTimeout)
	defer cancel()
	type result struct {
		r   reading.Reading
		err error
	}
	ch := make(chan result, 1)
	go func() {
		r, err := sn.Read(ctx, time.Now())
		if err == nil || errors.Is(err, sensor.ErrWarmup) {
			select {
			case <-time.After(pause):
				r, err = sn.Read(ctx, time.Now())
			case <-ctx.Done():
				err = ctx.Err()
			}
		}
		ch <- result{r, err}
	}()
	select {
	case res := <-ch:
		if res.err != nil {
			return reading.Reading{Sensor: sn.Name(), Time: time.Now(), Err: res.err.Error()}
		}
		return res.r
	case <-ctx.Done():
		return reading.Reading{Sensor: sn.Name(), Time: time.Now(), Err: fmt.Sprintf("no reading within %v", snapshotTimeout)}
	}
}

// writeMetrics and writeTopProcesses are snapshot's text under each
// reading's line.
func writeMetrics(w io.Writer, r reading.Reading) { stream.Metrics(w, r) }

func writeTopProcesses(w io.Writer, s *setup, procs []reading.Process, n int) {
	stream.TopProcesses(w, s.text, procs, n)
}
