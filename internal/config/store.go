package config

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Store is the `store:` section: the history database, retention and
// downsampling. Zero fields mean the store package's defaults.
//
//	store:
//	  path: /var/lib/vigia/vigia.db
//	  raw: 24h            # keep every reading this long
//	  aggregates: 30d     # keep 1-minute min/mean/max this long
//	  processes: 7d       # keep processes that ended this long
//	  top_processes: 10   # per procs reading, the top N by CPU and by memory
//	  max_size: 500MiB    # past it the oldest, finest data goes first
type Store struct {
	// Path is the database file; empty means the default location
	// ($XDG_DATA_HOME/vigia/vigia.db, or /var/lib/vigia/vigia.db as a
	// system service), which main resolves.
	Path string `yaml:"path"`
	// Raw is how long every reading is kept.
	Raw Retention `yaml:"raw"`
	// Aggregates is how long the 1-minute aggregates are kept.
	Aggregates Retention `yaml:"aggregates"`
	// Processes is how long processes that ended are remembered.
	Processes Retention `yaml:"processes"`
	// TopProcesses is how many processes by CPU and by memory are kept per
	// procs reading.
	TopProcesses int `yaml:"top_processes"`
	// MaxSize is the most the database may hold; past it the oldest data
	// of the finest resolution is deleted first.
	MaxSize Size `yaml:"max_size"`
}

// Retention is a duration that may also be written in whole days ("30d").
type Retention time.Duration

// UnmarshalYAML reads a Go duration (24h, 90m) or a number of days (30d).
func (r *Retention) UnmarshalYAML(n *yaml.Node) error {
	d, err := parseRetention(n.Value)
	if err != nil || n.Kind != yaml.ScalarNode {
		// A TypeError lets decoding go on to the file's other mistakes.
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: %v", n.Line, notRetention(n.Value))}}
	}
	*r = Retention(d)
	return nil
}

func (s *Store) validate(v *Validator) {
	if s.Path != "" && strings.TrimSpace(s.Path) == "" {
		v.Errorf(Path("store", "path"), "store path is blank (leave it out for the default)")
	}
	v.duration(Path("store", "raw"), "store raw", time.Duration(s.Raw), LimitsRawRetention)
	v.duration(Path("store", "aggregates"), "store aggregates", time.Duration(s.Aggregates), LimitsRetention)
	v.duration(Path("store", "processes"), "store processes", time.Duration(s.Processes), LimitsRetention)
	if s.Raw != 0 && s.Aggregates != 0 && s.Aggregates < s.Raw {
		v.Errorf(Path("store", "aggregates"), "store aggregates retention %v is shorter than raw %v", time.Duration(s.Aggregates), time.Duration(s.Raw))
	}
	if s.MaxSize != 0 && s.MaxSize < MinStoreMaxSize {
		v.Errorf(Path("store", "max_size"), "store max_size %d bytes is too small (at least %d MiB)", s.MaxSize, MinStoreMaxSize>>20)
	}
	if s.TopProcesses < 0 || s.TopProcesses > 1000 {
		v.Errorf(Path("store", "top_processes"), "store top_processes %d out of range (1 to 1000)", s.TopProcesses)
	}
}

// parseRetention reads a Go duration or a whole number of days ("30d");
// the store's limits are checked with the rest of the section.
func parseRetention(s string) (time.Duration, error) {
	if d, ok := strings.CutSuffix(s, "d"); ok {
		// int64, not int: on 32-bit targets (armv7) a day's nanoseconds
		// overflow int, and 30d would not even compile.
		n, err := strconv.ParseInt(d, 10, 64)
		if err != nil || n < 0 || n > math.MaxInt64/int64(day) {
			return 0, notRetention(s)
		}
		return time.Duration(n) * day, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, notRetention(s)
	}
	return d, nil
}

func notRetention(s string) error {
	return fmt.Errorf("%q is not a duration (write it like 24h, 90m or 30d)", s)
}
