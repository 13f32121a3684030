package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/rule"
	"github.com/vigia-dev/vigia/internal/stream"
)

const watchHelp = `
vigia watch — stream every reading as a line: a bar, the value and its status.

Usage:
  vigia watch [flags]

Each sensor samples at its own interval; every reading is analysed against
the rules (default: ALERT from 70 %, CRITICAL from 90 %) and printed as

  14:03:07 | CPU          [||||||||            ]     41.3%  NORMAL       2 cores

Alert transitions get a line of their own. Ctrl-C (SIGINT), SIGTERM and
SIGHUP stop cleanly with a summary. Without a terminal, or with NO_COLOR set, there are no colours.

Examples:
  vigia watch                                   # every sensor until Ctrl-C
  vigia watch --count 5                         # five readings of each sensor
  vigia watch --sensors cpu,memory --interval 500ms
  vigia watch --json | jq -c 'select(.sensor=="cpu")'
  vigia watch --rule metric=cpu.usage,warning=50,critical=80
  vigia watch --procfs /host/proc --sysfs /host/sys --rootfs /host
  vigia watch --record --db /tmp/vigia.db       # and keep it for vigia history
`

func runWatch(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "watch", watchHelp)
	m := addMachineFlags(fs, "all")
	count := fs.Int("count", 0, "stop after `N` reads of each sensor, failed ones included (0: until Ctrl-C)")
	asJSON := fs.Bool("json", false, "one JSON object per reading, one a line (docs/json.md)")
	self := fs.Bool("self", false, "also show vigia's own cost (the self reading)")
	record := fs.Bool("record", false, "also record readings in the history database (see vigia history)")
	db := fs.String("db", "", "history database `file` for --record (default $XDG_DATA_HOME/vigia/vigia.db)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("watch takes no arguments, got %q", strings.Join(fs.Args(), " "))
	}
	if *count < 0 {
		return usagef("--count %d: want 0 or more", *count)
	}
	s, err := m.setup(e)
	if err != nil {
		return err
	}
	if err := s.checkNotifiers(); err != nil {
		return err
	}
	eng, err := s.newEngine()
	if err != nil {
		return err
	}
	sub := eng.Subscribe("watch", 256)
	notifiers := s.startNotify(ctx, eng, 500*time.Millisecond)
	var rec *recording
	if *record {
		if rec, err = s.startRecording(ctx, e, eng, *db); err != nil {
			return err
		}
	}

	shown := map[string]bool{}
	for _, name := range s.sensors {
		shown[name] = true
	}
	if *self {
		shown[reading.SensorSelf] = true
	}
	var write func(reading.Reading) error
	if *asJSON {
		write = stream.NewJSON(e.stdout).Write
	} else {
		lines := stream.NewLines(e.stdout, s.text, wantColor(e), e.zone())
		lines.Full = rule.CriticalBounds(s.engineRules())
		write = lines.Write
		host, _ := os.Hostname()
		fmt.Fprintln(e.stdout, s.text.Watching(build().Version, s.sensors, host, s.onlineCPUs()))
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- eng.Run(ctx) }()

	// A sensor that keeps failing sends one reading when it goes bad, not
	// one per attempt: its failed reads are taken from the engine's health,
	// on each reading and every failPoll, and count toward --count too.
	counts, failed := map[string]int{}, map[string]int{}
	var poll <-chan time.Time
	if *count > 0 {
		tick := time.NewTicker(failPoll)
		defer tick.Stop()
		poll = tick.C
	}
	readFailures := func() {
		for _, h := range eng.Health().Sensors {
			if shown[h.Name] {
				failed[h.Name] = int(h.Failures)
			}
		}
	}
	countFailures := func() {
		if *count > 0 {
			readFailures()
			if reachedCount(counts, failed, s.sensors, *count) {
				cancel()
			}
		}
	}
	transitions := 0
	var writeErr error
	for open := true; open; {
		var r reading.Reading
		select {
		case r, open = <-sub.C:
		case <-poll:
			countFailures()
			continue
		}
		if !open || !shown[r.Sensor] || writeErr != nil {
			continue
		}
		if *count > 0 && counts[r.Sensor]+failed[r.Sensor] >= *count {
			continue // drained after --count was reached
		}
		if msg, ok := rec.changed(); ok {
			fmt.Fprintln(e.stderr, msg)
		}
		if r.Err == "" {
			counts[r.Sensor]++
		}
		transitions += len(r.Transitions)
		if writeErr = write(r); writeErr != nil {
			cancel() // stdout closed (vigia watch | head): stop quietly
			continue
		}
		countFailures()
	}
	readFailures() // for the summary, --count or not
	if err := <-done; err != nil {
		return err
	}
	notifiers.wait()
	if err := rec.stop(); err != nil {
		return err
	}
	if writeErr != nil {
		return nil
	}
	if !*asJSON {
		h := eng.Health()
		dropped := h.QueueDropped
		for _, o := range h.Outputs {
			dropped += o.Dropped
		}
		fmt.Fprintln(e.stdout, s.text.Summary(counts, failed, append(s.sensors, reading.SensorSelf), transitions, dropped))
		fmt.Fprintln(e.stdout, s.text.Stopped())
	}
	return nil
}

// failPoll is how often watch --count looks for failed reads between
// readings.
const failPoll = 200 * time.Millisecond

// reachedCount reports whether every sensor has made n attempts, read or
// failed.
func reachedCount(counts, failed map[string]int, sensors []string, n int) bool {
	for _, s := range sensors {
		if counts[s]+failed[s] < n {
			return false
		}
	}
	return true
}
