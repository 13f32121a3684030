// Package config reads vigia's YAML config file into typed options. Every
// error names the file and the line of the offending key, so `vigia config
// check` can point at it; sections are validated by their own files.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Config is the whole file. Zero values mean "not set": the caller applies
// defaults and flags on top.
type Config struct {
	// Procfs and Sysfs are the roots sensors read (like --procfs, --sysfs).
	Procfs string `yaml:"procfs"`
	Sysfs  string `yaml:"sysfs"`
	// Rootfs is where the watched machine's root is mounted, for statfs of
	// its filesystems from inside a container (like --rootfs).
	Rootfs string `yaml:"rootfs"`
	// Interval sets every sensor's interval at once; Sensors overrides it.
	Interval time.Duration     `yaml:"interval"`
	Sensors  map[string]Sensor `yaml:"sensors"`
	Engine   Engine            `yaml:"engine"`
	// Rules replace the default rules when DefaultRules is false, and add to
	// them otherwise.
	DefaultRules *bool      `yaml:"default_rules"`
	Rules        []Rule     `yaml:"rules"`
	TUI          TUI        `yaml:"tui"`
	Server       Server     `yaml:"server"`
	Store        Store      `yaml:"store"`
	Notifiers    []Notifier `yaml:"notifiers"`
	Language     string     `yaml:"language"`
}

// Sensor is one entry of the `sensors:` map.
type Sensor struct {
	Enabled  *bool         `yaml:"enabled"`
	Interval time.Duration `yaml:"interval"`
	// Timeout is how long one read may take before it is abandoned and the
	// sensor shown as stale.
	Timeout time.Duration `yaml:"timeout"`
}

// Engine is the `engine:` section.
type Engine struct {
	Workers         int           `yaml:"workers"`
	QueueSize       int           `yaml:"queue_size"`
	AnalysisTimeout time.Duration `yaml:"analysis_timeout"`
}

// Rule is one entry of the `rules:` list: a threshold on a metric, or a
// rule of another kind (trend, rate, process, absent; docs/rules.md).
type Rule struct {
	Name       string            `yaml:"name"`
	Metric     string            `yaml:"metric"`
	Labels     map[string]string `yaml:"labels"`
	Warning    *float64          `yaml:"warning"`
	Critical   *float64          `yaml:"critical"`
	Below      bool              `yaml:"below"`
	For        time.Duration     `yaml:"for"`
	Hysteresis *float64          `yaml:"hysteresis"`
	Kind       string            `yaml:"kind"`
	// Keys of the other kinds; rulekinds.go says which kind takes which.
	Window         time.Duration `yaml:"window"`
	Within         time.Duration `yaml:"within"`
	CriticalWithin time.Duration `yaml:"critical_within"`
	Bound          *float64      `yaml:"bound"`
	Per            time.Duration `yaml:"per"`
	Sensor         string        `yaml:"sensor"`
	Check          string        `yaml:"check"`
	Comm           string        `yaml:"comm"`
	Cmdline        string        `yaml:"cmdline"`
	Severity       string        `yaml:"severity"`
}

// Error is one problem in the file, at a line (0 when it has none).
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// Errors is every problem found in one file, in line order.
type Errors []*Error

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Load reads and validates the file at path.
func Load(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return Parse(path, b)
}

// Parse decodes and validates a config file's contents; name is used in
// error messages. The error, when not nil, is an Errors.
func Parse(name string, b []byte) (*Config, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(b, &root); err != nil {
		return nil, Errors{yamlError(name, err)}
	}
	cfg := &Config{}
	if root.Kind == 0 || (len(root.Content) == 1 && root.Content[0].Tag == "!!null") {
		return cfg, nil // empty, or only comments
	}
	if root.Kind != yaml.DocumentNode || len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		return nil, Errors{{File: name, Line: max(root.Line, 1), Msg: "the file must be a mapping of sections (procfs:, sensors:, rules:, …)"}}
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(cfg); err != nil && !errors.Is(err, io.EOF) {
		var te *yaml.TypeError
		if errors.As(err, &te) {
			var es Errors
			for _, m := range te.Errors {
				es = append(es, typeError(name, m))
			}
			return nil, es
		}
		return nil, Errors{yamlError(name, err)}
	}
	v := &Validator{file: name, root: root.Content[0]}
	cfg.validate(v)
	if len(v.errs) > 0 {
		return nil, v.errs
	}
	return cfg, nil
}

var lineRe = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// yamlError turns yaml's "yaml: line 3: ..." into file:3: ....
func yamlError(name string, err error) *Error {
	return typeError(name, err.Error())
}

var fieldRe = regexp.MustCompile(`field (\S+) not found in type config\.(\S+)`)

func typeError(name, msg string) *Error {
	e := &Error{File: name, Msg: strings.TrimPrefix(msg, "yaml: ")}
	if m := lineRe.FindStringSubmatch(e.Msg); m != nil {
		e.Line, _ = strconv.Atoi(m[1])
		e.Msg = m[2]
	}
	if m := fieldRe.FindStringSubmatch(e.Msg); m != nil {
		e.Msg = fmt.Sprintf("unknown key %q in %s (see examples/vigia.yaml for every key)", m[1], sectionName(m[2]))
	}
	e.Msg = strings.ReplaceAll(e.Msg, "cannot unmarshal !!str", "cannot read")
	return e
}

func sectionName(typ string) string {
	switch typ {
	case "Config":
		return "the top level"
	case "Rule":
		return "a rule"
	case "Sensor":
		return "a sensor"
	case "Notifier":
		return "a notifier"
	}
	return "the " + strings.ToLower(typ) + " section"
}

// Validator collects errors with the line of the key they concern. Section
// files call Errorf with the key's path, e.g. ("rules", 2, "warning").
type Validator struct {
	file string
	root *yaml.Node
	errs Errors
}

// Errorf records an error at the key named by path (strings for mapping
// keys, ints for list indexes); the line is the deepest part of the path
// that exists in the file.
func (v *Validator) Errorf(path []any, format string, args ...any) {
	v.errs = append(v.errs, &Error{File: v.file, Line: v.Line(path...), Msg: fmt.Sprintf(format, args...)})
}

// Line returns the line of the key at path, or of its deepest existing
// parent.
func (v *Validator) Line(path ...any) int {
	if v.root == nil {
		return 0 // validating a rule given by a flag: no file, no lines
	}
	n, line := v.root, v.root.Line
	for _, p := range path {
		var next *yaml.Node
		switch p := p.(type) {
		case string:
			if n.Kind == yaml.MappingNode {
				for i := 0; i+1 < len(n.Content); i += 2 {
					if n.Content[i].Value == p {
						line = n.Content[i].Line
						next = n.Content[i+1]
						break
					}
				}
			}
		case int:
			if n.Kind == yaml.SequenceNode && p < len(n.Content) {
				next = n.Content[p]
				line = next.Line
			}
		}
		if next == nil {
			return line
		}
		n = next
	}
	return line
}

// Path builds a key path for Errorf.
func Path(parts ...any) []any { return parts }
