package main

import (
	"github.com/vigia-dev/vigia/internal/engine"
	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/rule"
	"github.com/vigia-dev/vigia/internal/sensor"
)

// newSensor builds the named sensor over the setup's roots.
func (s *setup) newSensor(name string) (sensor.Sensor, error) {
	sn, err := sensor.New(name, sensor.Env{FS: s.fs, Rootfs: s.rootfs, MaxCgroups: s.cfg.Sensors[reading.SensorCgroups].Max})
	if p, ok := sn.(*sensor.Processes); ok {
		s.procs = p
	}
	return sn, err
}

// engineRules turns the config's rules into the analyser's, after the
// defaults unless the file turned them off.
func (s *setup) engineRules() []rule.Rule {
	var out []rule.Rule
	if s.cfg.DefaultRules == nil || *s.cfg.DefaultRules {
		out = rule.Defaults()
	}
	for i, cr := range s.rules {
		out = append(out, cr.Rule(i))
	}
	return out
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
