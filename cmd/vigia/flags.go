package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/vigia-dev/vigia/internal/config"
	"github.com/vigia-dev/vigia/internal/engine"
	"github.com/vigia-dev/vigia/internal/procfs"
	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/sensor"
	"github.com/vigia-dev/vigia/internal/text"
)

// newFlagSet returns a flag set that reports errors instead of exiting, and
// whose --help prints help (usage, examples) followed by the flags. A
// mistake prints only the error and a hint, on stderr: scripts reading
// stdout never get a help page.
func newFlagSet(e *env, name, help string) *flag.FlagSet {
	fs := flag.NewFlagSet("vigia "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if e.flagSet != nil {
		e.flagSet(fs, help)
	}
	fs.Usage = func() {
		fmt.Fprintln(e.stdout, strings.TrimSpace(help))
		hasFlags := false
		fs.VisitAll(func(*flag.Flag) { hasFlags = true })
		if hasFlags {
			fmt.Fprintln(e.stdout, "\nFlags:")
			fs.SetOutput(e.stdout)
			fs.PrintDefaults()
			fs.SetOutput(io.Discard)
		}
	}
	return fs
}

// parseFlags parses args, printing help for --help and turning every other
// problem into a usage error that names the flag. Arguments after the
// flags are left in fs.Args(); a --help among them still asks for help.
func parseFlags(fs *flag.FlagSet, args []string) error {
	// FlagSet.Parse calls Usage on every error too: print help only when it
	// was asked for.
	help := fs.Usage
	fs.Usage = func() {}
	err := fs.Parse(args)
	fs.Usage = help
	if errors.Is(err, flag.ErrHelp) || (err == nil && slices.ContainsFunc(fs.Args(), isHelpFlag)) {
		help()
		return errHelp
	}
	if err != nil {
		return &usageError{err: flagError(fs, err), hint: fmt.Sprintf("Run '%s --help' for its flags and examples.", fs.Name())}
	}
	return nil
}

var invalidValue = regexp.MustCompile(`^invalid (?:boolean )?value (".*") for (?:flag )?-(\S+): (.*)$`)

// flagError says a bad flag value in vigia's words, --name first, not in
// the flag package's ("invalid value … for flag -name: …").
func flagError(fs *flag.FlagSet, err error) error {
	m := invalidValue.FindStringSubmatch(err.Error())
	if m == nil {
		return err
	}
	name, value, msg := m[2], m[1], m[3]
	if strings.HasPrefix(msg, "--"+name+":") {
		return errors.New(msg)
	}
	if msg == "parse error" {
		msg = "not a whole number"
		if b, ok := fs.Lookup(name).Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
			msg = "want true or false"
		}
	}
	return fmt.Errorf("--%s %s: %s", name, value, msg)
}

// durationFlag reads the duration flag --name, in the words and within the
// limits the config file's keys use.
func durationFlag(name, v string, l config.Limits) (time.Duration, error) {
	d, err := config.ParseDuration(v)
	if err == nil {
		err = l.Check(d)
	}
	if err != nil {
		return 0, usagef("--%s: %v", name, err)
	}
	return d, nil
}

// isSet reports whether the named flag was given on the command line.
func isSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

func isHelpFlag(a string) bool { return a == "-h" || a == "--help" || a == "-help" }

// machineFlags are the flags of every command that samples the machine.
type machineFlags struct {
	configPath string
	procfs     string
	sysfs      string
	rootfs     string
	// interval is --interval once setup has read intervalFlag.
	interval     time.Duration
	intervalFlag string
	sensors      string
	workers      int
	lang         string
	logLevel     string
	logFormat    string
	rules        ruleFlags
	// flags tells a flag given as its zero value (--workers 0) from one
	// not given.
	flags *flag.FlagSet
}

func addMachineFlags(fs *flag.FlagSet, defaultSensors string) *machineFlags {
	m := &machineFlags{flags: fs}
	fs.StringVar(&m.configPath, "config", "", "config `file` (default $XDG_CONFIG_HOME/vigia/vigia.yaml when it exists)")
	fs.StringVar(&m.procfs, "procfs", "", "`dir` where /proc is mounted (default /proc)")
	fs.StringVar(&m.sysfs, "sysfs", "", "`dir` where /sys is mounted (default /sys)")
	fs.StringVar(&m.rootfs, "rootfs", "", "`dir` where the watched machine's / is mounted, for filesystem usage (default /)")
	fs.StringVar(&m.intervalFlag, "interval", "", "")
	fs.Lookup("interval").Usage = "sample every sensor at this `interval` (default: " + defaultIntervals() + ")"
	fs.StringVar(&m.sensors, "sensors", defaultSensors, "comma-separated `list` of sensors: "+strings.Join(sensor.Names(), ","))
	fs.IntVar(&m.workers, "workers", 0, fmt.Sprintf("analyser goroutines, 1 to %d (default %d)", config.MaxWorkers, engine.DefaultWorkers))
	fs.StringVar(&m.lang, "lang", "", "language of messages, en or es (default from LC_ALL, LC_MESSAGES, LANG)")
	fs.StringVar(&m.logLevel, "log-level", "warn", "log `level` on stderr: "+strings.Join(logLevelNames(), ", "))
	fs.StringVar(&m.logFormat, "log-format", "text", "log lines as `format` "+strings.Join(logFormats, " or ")+" (json: one object a line, for journald; docs/logging.md)")
	fs.Var(&m.rules, "rule", "add a rule, as `key=value,…` with the config file's rule keys (docs/rules.md), labels as\nlabels.NAME=VALUE (repeatable; e.g. --rule metric=cpu.usage,warning=50,critical=80,for=30s or\n--rule kind=trend,metric=fs.avail,labels.mountpoint=/,within=24h)")
	return m
}

// defaultIntervals says each sensor's default cadence, for --help.
func defaultIntervals() string {
	var b strings.Builder
	same := true
	for i, r := range sensor.Registry {
		if i > 0 {
			b.WriteString(", ")
			same = same && r.Interval == sensor.Registry[0].Interval
		}
		fmt.Fprintf(&b, "%s %v", r.Name, r.Interval)
	}
	if same && len(sensor.Registry) > 0 {
		return sensor.Registry[0].Interval.String() + " for every sensor"
	}
	return b.String()
}

// setup is everything a command needs to sample: flags and config merged.
type setup struct {
	cfg       *config.Config
	cfgPath   string
	fs        procfs.FS
	rootfs    string
	text      *text.Text
	sensors   []string // chosen, in display order
	intervals map[string]time.Duration
	// intervalSet holds the sensors whose interval a flag or the config set;
	// the others run at their defaults.
	intervalSet map[string]bool
	timeouts    map[string]time.Duration
	workers     int
	// procs is the process walk newEngine built, if any.
	procs  *sensor.Processes
	rules  []config.Rule
	logger *slog.Logger
}

// setup loads the config file and merges flags over it. Flags win over the
// file, the file over defaults.
func (m *machineFlags) setup(e *env) (*setup, error) {
	s := &setup{intervals: map[string]time.Duration{}, intervalSet: map[string]bool{}, timeouts: map[string]time.Duration{}}
	var err error
	s.cfg, s.cfgPath, err = loadConfig(e, m.configPath)
	if err != nil {
		return nil, err
	}
	if s.text, err = language(e, s.cfg.Language, m.lang); err != nil {
		return nil, err
	}
	if s.logger, err = newLogger(e.stderr, m.logLevel, m.logFormat); err != nil {
		return nil, err
	}
	if m.logFormat == "json" {
		e.failures = s.logger
	}

	procRoot := first(m.procfs, s.cfg.Procfs, "/proc")
	sysRoot := first(m.sysfs, s.cfg.Sysfs, "/sys")
	s.rootfs = first(m.rootfs, s.cfg.Rootfs, "/")
	if s.fs, err = procfs.NewFS(procRoot, sysRoot); err != nil {
		return nil, usagef("%v", err)
	}
	if s.sensors, err = parseSensors(m.sensors, s.cfg); err != nil {
		return nil, err
	}
	if isSet(m.flags, "interval") {
		if m.interval, err = durationFlag("interval", m.intervalFlag, config.LimitsInterval); err != nil {
			return nil, err
		}
	}
	for _, name := range sensor.Names() {
		d := sensor.DefaultInterval(name)
		if s.cfg.Interval > 0 {
			d = s.cfg.Interval
		}
		if c, ok := s.cfg.Sensors[name]; ok {
			if c.Interval > 0 {
				d = c.Interval
			}
			s.timeouts[name] = c.Timeout
		}
		if m.interval > 0 {
			d = m.interval
		}
		s.intervals[name] = d
		s.intervalSet[name] = m.interval > 0 || s.cfg.Interval > 0 || s.cfg.Sensors[name].Interval > 0
	}
	s.workers = first(m.workers, s.cfg.Engine.Workers, engine.DefaultWorkers)
	if m.workers < 0 || m.workers > config.MaxWorkers || (m.workers == 0 && isSet(m.flags, "workers")) {
		return nil, usagef("--workers %d: want 1 to %d", m.workers, config.MaxWorkers)
	}
	s.rules = append(s.rules, s.cfg.Rules...)
	s.rules = append(s.rules, m.rules...)
	return s, nil
}

// loadConfig reads the named config file, or the default one when it
// exists. A bad file is a usage error: exit 2, with every line at fault.
func loadConfig(e *env, path string) (*config.Config, string, error) {
	if path == "" {
		dir := e.getenv("XDG_CONFIG_HOME")
		if dir == "" {
			if home := e.getenv("HOME"); home != "" {
				dir = filepath.Join(home, ".config")
			}
		}
		candidate := filepath.Join(dir, "vigia", "vigia.yaml")
		if _, err := os.Stat(candidate); dir == "" || err != nil {
			return &config.Config{}, "", nil
		}
		path = candidate
	}
	cfg, err := config.Load(path)
	if err != nil {
		return nil, "", &usageError{err: err}
	}
	return cfg, path, nil
}

func parseSensors(list string, cfg *config.Config) ([]string, error) {
	want := map[string]bool{}
	for _, name := range strings.Split(list, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		if name == "all" {
			for _, s := range sensor.Names() {
				want[s] = true
			}
			continue
		}
		if !reading.IsSensor(name) || name == reading.SensorSelf {
			return nil, usagef("--sensors: unknown sensor %q (sensors: %s)", name, strings.Join(sensor.Names(), ", "))
		}
		want[name] = true
	}
	var out []string
	for _, s := range sensor.Names() {
		if c, ok := cfg.Sensors[s]; ok && c.Enabled != nil && !*c.Enabled {
			continue
		}
		if want[s] {
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return nil, usagef("--sensors: no sensor left to run")
	}
	return out, nil
}

func first[T comparable](vals ...T) T {
	var zero T
	for _, v := range vals {
		if v != zero {
			return v
		}
	}
	return zero
}

// language picks the words vigia speaks: the locale, then the config
// file's language:, then --lang, the last one given winning.
func language(e *env, config, flag string) (*text.Text, error) {
	lang := text.FromEnv(e.getenv)
	for _, code := range []string{config, flag} {
		if code == "" {
			continue
		}
		var err error
		if lang, err = text.Parse(code); err != nil {
			return nil, usagef("--lang: %v", err)
		}
	}
	return text.For(lang), nil
}
