package main

import (
	"fmt"
	"math"
	"sort"

	"github.com/vigia-dev/vigia/internal/config"
	"github.com/vigia-dev/vigia/internal/engine"
	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/rule"
	"github.com/vigia-dev/vigia/internal/sensor"
)

// newSensor builds the named sensor over the setup's roots.
func (s *setup) newSensor(name string) (sensor.Sensor, error) {
	return sensor.New(name, sensor.Env{FS: s.fs, Rootfs: s.rootfs})
}

// engineRules turns the config's rules into the analyser's, after the
// defaults unless the file turned them off.
func (s *setup) engineRules() []rule.Rule {
	var out []rule.Rule
	if s.cfg.DefaultRules == nil || *s.cfg.DefaultRules {
		out = rule.Defaults()
	}
	for i, cr := range s.rules {
		out = append(out, ruleFromConfig(cr, i))
	}
	return out
}

func ruleFromConfig(cr config.Rule, i int) rule.Rule {
	r := rule.Rule{Name: cr.Name, Kind: rule.Kind(cr.Kind), Metric: cr.Metric, Below: cr.Below, For: cr.For,
		Warning: math.NaN(), Critical: math.NaN(),
		Window: cr.Window, Within: cr.Within, CriticalWithin: cr.CriticalWithin, Bound: cr.Bound, Per: cr.Per,
		Sensor: cr.Sensor, Check: rule.ProcessCheck(cr.Check), Comm: cr.Comm, Cmdline: cr.Cmdline}
	if cr.Severity != "" {
		r.Severity = cr.RuleSeverity()
	}
	if r.Name == "" {
		what := cr.Metric
		switch {
		case what == "" && cr.Comm != "":
			what = cr.Kind + "_" + cr.Comm
		case what == "" && cr.Sensor != "":
			what = cr.Kind + "_" + cr.Sensor
		case what == "":
			what = cr.Kind
		}
		r.Name = fmt.Sprintf("rule%d_%s", i+1, what)
	}
	if cr.Warning != nil {
		r.Warning = *cr.Warning
	}
	if cr.Critical != nil {
		r.Critical = *cr.Critical
	}
	if cr.Hysteresis != nil {
		r.Hysteresis = *cr.Hysteresis
		if r.Hysteresis == 0 {
			r.Hysteresis = -1 // an explicit 0 means none, not the default
		}
	}
	keys := make([]string, 0, len(cr.Labels))
	for k := range cr.Labels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		r.Match = append(r.Match, reading.Label{Name: k, Value: cr.Labels[k]})
	}
	return r
}

// newEngine builds the engine over the chosen sensors.
func (s *setup) newEngine() (*engine.Engine, error) {
	opts := engine.Options{Rules: s.engineRules(), Workers: s.workers, QueueSize: s.cfg.Engine.QueueSize,
		AnalysisTimeout: s.cfg.Engine.AnalysisTimeout, Logger: s.logger}
	for _, name := range s.sensors {
		sn, err := s.newSensor(name)
		if err != nil {
			return nil, err
		}
		opts.Sensors = append(opts.Sensors, engine.SensorSpec{Sensor: sn, Interval: s.intervals[name], Timeout: s.timeouts[name]})
	}
	return engine.New(opts)
}

// onlineCPUs counts the watched machine's online cores for headers; 0 when
// its /proc/stat cannot be read (the cpu sensor reports that error).
func (s *setup) onlineCPUs() int {
	b, err := procfs.ReadFile(s.fs.Proc("stat"))
	if err != nil {
		return 0
	}
	var st procfs.Stat
	if procfs.ParseStat(b, &st) != nil {
		return 0
	}
	return len(st.Cores)
}
