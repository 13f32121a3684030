// Command fleetgen is bench/fleet-scale.sh's helper: `gen` writes a
// synthetic fleet as OpenMetrics text for promtool's backfill, and `query`
// times the fleet view's refresh against the Prometheus that holds it.
//
//	go run ./bench/fleetgen gen -hosts 1000 -span 3h -step 30s -ahead 20m > fleet.om
//	go run ./bench/fleetgen query -prometheus http://127.0.0.1:9090 -rounds 20
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vigia-dev/vigia/internal/fleet"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: fleetgen gen|query [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "gen":
		err = runGen(os.Args[2:])
	case "query":
		err = runQuery(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q: want gen or query", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "fleetgen:", err)
		os.Exit(1)
	}
}

func runGen(args []string) error {
	fs := flag.NewFlagSet("gen", flag.ExitOnError)
	n := fs.Int("hosts", 1000, "number of hosts")
	span := fs.Duration("span", 3*time.Hour, "history before now")
	ahead := fs.Duration("ahead", 20*time.Minute, "samples after now, so the data is current while the measurement runs")
	step := fs.Duration("step", 30*time.Second, "time between samples")
	now := fs.Int64("now", 0, "now as Unix seconds (default the clock's)")
	fs.Parse(args)
	t := time.Now()
	if *now != 0 {
		t = time.Unix(*now, 0)
	}
	t = t.Truncate(*step)
	return generate(os.Stdout, genOptions{Hosts: *n, From: t.Add(-*span), To: t.Add(*ahead), Step: *step, Now: t})
}

// runQuery refreshes the fleet rounds times and prints the query wall
// time of each refresh (Snapshot.Took) and what the answer held.
func runQuery(args []string) error {
	fs := flag.NewFlagSet("query", flag.ExitOnError)
	prom := fs.String("prometheus", "", "Prometheus URL")
	rounds := fs.Int("rounds", 20, "refreshes")
	rw := fs.Duration("rate-window", 2*time.Minute, "range of rate()")
	timeout := fs.Duration("timeout", 10*time.Second, "each query's timeout")
	promPID := fs.Int("prometheus-pid", 0, "Prometheus' PID, to report its CPU time per refresh")
	fs.Parse(args)
	c, err := fleet.NewClient(fleet.ClientOptions{URL: *prom, Timeout: *timeout})
	if err != nil {
		return err
	}
	f := fleet.New(fleet.Options{Prometheus: c, RateWindow: *rw})
	var took, cpu []time.Duration
	for r := range *rounds {
		before := cpuTime(*promPID)
		snap := f.Refresh(context.Background(), time.Now())
		cpu = append(cpu, cpuTime(*promPID)-before)
		if snap.Err != nil {
			return snap.Err
		}
		for _, p := range snap.Problems {
			return p
		}
		if r == 0 {
			down, alerting, filling, missing := 0, 0, 0, 0
			for _, h := range snap.Hosts {
				if !h.Up {
					down++
				}
				if len(h.Alerts) > 0 {
					alerting++
				}
				if h.FSFull > 0 {
					filling++
				}
				if h.Up && (h.CPU != h.CPU || h.Mem != h.Mem || len(h.CPUHistory) == 0) {
					missing++
				}
			}
			fmt.Printf("hosts %d, down %d, alerting %d, filesystems filling %d, up hosts missing a value %d\n",
				len(snap.Hosts), down, alerting, filling, missing)
		}
		took = append(took, snap.Took)
		time.Sleep(200 * time.Millisecond)
	}
	report("refresh query time", took)
	if *promPID != 0 {
		report("Prometheus CPU per refresh", cpu)
	}
	return nil
}

func report(what string, ds []time.Duration) {
	slices.Sort(ds)
	fmt.Printf("%s over %d rounds: min %v, median %v, p90 %v, max %v\n", what, len(ds),
		ds[0].Round(time.Millisecond), ds[len(ds)/2].Round(time.Millisecond),
		ds[len(ds)*9/10].Round(time.Millisecond), ds[len(ds)-1].Round(time.Millisecond))
}

// cpuTime is pid's user and system time so far, from /proc/PID/stat
// (in clock ticks of 10 ms, Linux's USER_HZ); zero for pid 0.
func cpuTime(pid int) time.Duration {
	if pid == 0 {
		return 0
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// Fields after the command, which is in parentheses and may hold spaces.
	_, rest, _ := strings.Cut(string(b), ") ")
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	s, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(u+s) * 10 * time.Millisecond
}
