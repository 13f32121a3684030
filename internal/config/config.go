// Package config reads vigia's YAML config file into typed options. Every
// error names the file and the line of the offending key, so `vigia config
// check` can point at it; sections are validated by their own files.
package config

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

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
	Fleet        Fleet      `yaml:"fleet"`
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
	// Max is, for the cgroups sensor, how many of the busiest groups a
	// reading keeps besides those with limits or memory events; 0 is the
	// sensor's default, -1 keeps every group.
	Max int `yaml:"max"`
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

// Error is one problem in the file, at a line (0 when it has none) and,
// for bytes that are not text, a column.
type Error struct {
	File string
	Line int
	Col  int
	Msg  string
}

func (e *Error) Error() string {
	switch {
	case e.Line > 0 && e.Col > 0:
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
	case e.Line > 0:
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
// error messages. The error, when not nil, is an Errors holding every
// problem of every section, in line order.
func Parse(name string, b []byte) (*Config, error) {
	cfg, errs := parse(name, b)
	if len(errs) > 0 {
		return nil, errs
	}
	return cfg, nil
}

// parse decodes and validates b. The Config it returns holds what could be
// decoded even when there are errors (nil only when nothing could), so a
// caller checking the file goes on to check what it names.
func parse(name string, b []byte) (*Config, Errors) {
	var root yaml.Node
	if err := yaml.Unmarshal(b, &root); err != nil {
		return nil, Errors{yamlError(name, b, err)}
	}
	cfg := &Config{}
	if root.Kind == 0 || (len(root.Content) == 1 && root.Content[0].Tag == "!!null") {
		return cfg, nil // empty, or only comments
	}
	if root.Kind != yaml.DocumentNode || len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		return nil, Errors{{File: name, Line: max(root.Line, 1), Msg: "the file must be a mapping of sections (procfs:, sensors:, rules:, …)"}}
	}
	v := &Validator{file: name, root: root.Content[0]}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(cfg); err != nil && !errors.Is(err, io.EOF) {
		var te *yaml.TypeError
		if !errors.As(err, &te) {
			return nil, Errors{yamlError(name, b, err)}
		}
		// The values yaml could not read are errors of their own; the
		// sections are still validated, so one run names every mistake.
		for _, m := range te.Errors {
			v.decodeErrs = append(v.decodeErrs, typeError(name, v.root, m))
		}
	}
	cfg.validate(v)
	return cfg, v.result()
}

var lineRe = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// yamlError turns yaml's "yaml: line 3: ..." into file:3: .... yaml's
// reader names no line for bytes it cannot read (binary junk, another
// encoding): the first such byte gives one.
func yamlError(name string, b []byte, err error) *Error {
	e := typeError(name, nil, err.Error())
	if e.Line == 0 {
		e.Line, e.Col = badByte(b)
	}
	return e
}

var (
	fieldRe = regexp.MustCompile(`field (\S+) not found in type config\.(\S+)`)
	// unmarshalRe is a value yaml could not read into a key's type; yaml
	// cuts a long value to its first 7 characters and "...".
	unmarshalRe = regexp.MustCompile("^cannot unmarshal !!\\w+ `(.*)` into (\\S+)$")
	// notDurationRe is a duration a section's own decoder could not read.
	notDurationRe = regexp.MustCompile(`^("(?:[^"\\]|\\.)*") is not a duration`)
)

// typeError turns one of yaml's messages into an Error at its line. A
// duration yaml could not read is said in the words every duration error
// uses, after its key, found in root.
func typeError(name string, root *yaml.Node, msg string) *Error {
	e := &Error{File: name, Msg: strings.TrimPrefix(msg, "yaml: ")}
	if m := lineRe.FindStringSubmatch(e.Msg); m != nil {
		e.Line, _ = strconv.Atoi(m[1])
		e.Msg = m[2]
	}
	if m := fieldRe.FindStringSubmatch(e.Msg); m != nil {
		e.Msg = fmt.Sprintf("unknown key %q in %s (see examples/vigia.yaml for every key)", m[1], sectionName(m[2]))
	}
	if m := unmarshalRe.FindStringSubmatch(e.Msg); m != nil {
		key, val := keyAt(root, e.Line, m[1])
		if val == "" {
			val = m[1]
		}
		if msg := notA(m[2], val); msg != "" {
			e.Msg = msg
			if key != "" {
				e.Msg = key + ": " + e.Msg
			}
		}
	}
	if m := notDurationRe.FindStringSubmatch(e.Msg); m != nil {
		if val, err := strconv.Unquote(m[1]); err == nil {
			if key, _ := keyAt(root, e.Line, val); key != "" {
				e.Msg = key + ": " + e.Msg
			}
		}
	}
	e.Msg = strings.ReplaceAll(e.Msg, "cannot unmarshal !!str", "cannot read")
	return e
}

// notA says, in the words of every such error, that val is not of the Go
// type yaml named; "" for a type without such words.
func notA(typ, val string) string {
	switch typ {
	case "time.Duration":
		return notDuration(val).Error()
	case "float64", "float32":
		return fmt.Sprintf("%q is not a number", val)
	case "int", "int64", "int32", "uint", "uint64", "uint32":
		return fmt.Sprintf("%q is not a whole number", val)
	case "bool":
		return fmt.Sprintf("%q is not true or false", val)
	}
	return ""
}

// keyAt returns the key whose scalar value is val on line, and that value
// whole: yaml's messages cut a long one to "first7...". "" when none is.
func keyAt(n *yaml.Node, line int, val string) (key, whole string) {
	if n == nil {
		return "", ""
	}
	cut, isCut := strings.CutSuffix(val, "...")
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, x := n.Content[i], n.Content[i+1]
			if x.Kind == yaml.ScalarNode && x.Line == line && (x.Value == val || isCut && len(x.Value) > 10 && strings.HasPrefix(x.Value, cut)) {
				return k.Value, x.Value
			}
		}
	}
	for _, c := range n.Content {
		if k, w := keyAt(c, line, val); k != "" {
			return k, w
		}
	}
	return "", ""
}

// badByte returns the line and column (both from 1) of the first byte a
// YAML file may not hold: invalid UTF-8, or a control character other than
// tab and line breaks. Without one it returns line 1.
func badByte(b []byte) (line, col int) {
	line, col = 1, 1
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size <= 1 || (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0x7f {
			return line, col
		}
		if r == '\n' {
			line, col = line+1, 0
		}
		col++
		b = b[size:]
	}
	return 1, 0
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
	case "RemoteWrite":
		return "a remote_write entry"
	case "BasicAuth":
		return "basic_auth"
	}
	return "the " + strings.ToLower(typ) + " section"
}

// Validator collects errors with the line of the key they concern. Section
// files call Errorf with the key's path, e.g. ("rules", 2, "warning").
type Validator struct {
	file string
	root *yaml.Node
	errs Errors
	// entries are the errs' entries (see entry), in step with errs.
	entries []string
	// decodeErrs are the values yaml could not read.
	decodeErrs Errors
}

// Errorf records an error at the key named by path (strings for mapping
// keys, ints for list indexes); the line is the deepest part of the path
// that exists in the file.
func (v *Validator) Errorf(path []any, format string, args ...any) {
	v.errs = append(v.errs, &Error{File: v.file, Line: v.Line(path...), Msg: fmt.Sprintf(format, args...)})
	v.entries = append(v.entries, entry(path))
}

// entry names the part of the file a path is in: a rule, a notifier, a
// sensor, a key of a section.
func entry(path []any) string {
	return fmt.Sprintf("%v", path[:min(len(path), 2)])
}

// result returns every error, in line order. A value yaml could not read
// was left unset, so what validation says of its entry (a rule with an
// unreadable warning "needs warning") would only repeat it: dropped.
func (v *Validator) result() Errors {
	broken := map[string]bool{}
	for _, e := range v.decodeErrs {
		broken[entry(v.pathAt(e.Line))] = true
	}
	out := slices.Clone(v.decodeErrs)
	for i, e := range v.errs {
		if !broken[v.entries[i]] {
			out = append(out, e)
		}
	}
	out.sort()
	return out
}

// sort puts the errors in line order; those of one line keep theirs.
func (es Errors) sort() {
	slices.SortStableFunc(es, func(a, b *Error) int { return cmp.Compare(a.Line, b.Line) })
}

// pathAt returns the path, two keys deep, of the entry the line is in.
func (v *Validator) pathAt(line int) []any {
	var path []any
	n := v.root
	for len(path) < 2 && n != nil {
		var next *yaml.Node
		step := func(key any, x *yaml.Node, start int) bool {
			if start <= line && line <= lastLine(x) {
				path, next = append(path, key), x
				return true
			}
			return false
		}
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				if step(n.Content[i].Value, n.Content[i+1], n.Content[i].Line) {
					break
				}
			}
		case yaml.SequenceNode:
			for i, x := range n.Content {
				if step(i, x, x.Line) {
					break
				}
			}
		}
		n = next
	}
	return path
}

// lastLine is the last line a node spans.
func lastLine(n *yaml.Node) int {
	l := n.Line
	for _, c := range n.Content {
		l = max(l, lastLine(c))
	}
	return l
}

// has reports whether the key at path is written in the file.
func (v *Validator) has(path ...any) bool {
	_, found := v.lookup(path)
	return found
}

// Line returns the line of the key at path, or of its deepest existing
// parent.
func (v *Validator) Line(path ...any) int {
	line, _ := v.lookup(path)
	return line
}

// lookup returns the line of the key at path, or of its deepest existing
// parent, and whether the whole path exists.
func (v *Validator) lookup(path []any) (int, bool) {
	if v.root == nil {
		return 0, false // validating a rule given by a flag: no file, no lines
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
			if n.Kind == yaml.SequenceNode && p >= 0 && p < len(n.Content) {
				next = n.Content[p]
				line = next.Line
			}
		}
		if next == nil {
			return line, false
		}
		n = next
	}
	return line, true
}

// Path builds a key path for Errorf.
func Path(parts ...any) []any { return parts }
