package config

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/vigia-dev/vigia/internal/reading"
)

// Notifier types: where an entry of the `notifiers:` list sends alerts.
const (
	NotifierLog          = "log"
	NotifierWebhook      = "webhook"
	NotifierAlertmanager = "alertmanager"
	NotifierExec         = "exec"
)

// Notifier is one entry of the `notifiers:` list: a destination for alert
// transitions and how often it may be told about them. Decoding validates it
// and fills the defaults of its type, so a decoded Notifier is ready to use;
// Check adds the checks that look at the machine (commands, secret files).
type Notifier struct {
	Name string
	Type string
	// URL is the webhook's address, or the Alertmanager's base address
	// (alerts go to URL + /api/v2/alerts).
	URL string
	// Headers are sent with every webhook and Alertmanager request, sorted
	// by name. Their values may be secrets kept outside the config file.
	Headers []Header
	// Command is the exec notifier's argument vector; no shell is involved.
	Command []string
	// Timeout bounds one HTTP attempt or one run of the command.
	Timeout time.Duration
	// Retries is how many times a failed HTTP request is tried again
	// (network errors and 5xx only), waiting Backoff, then twice as long,
	// and so on.
	Retries int
	Backoff time.Duration
	// GroupWait is how long a new alert waits for others to join it in one
	// message; GroupInterval is the least time between two messages, so a
	// flapping machine sends at most one message per GroupInterval.
	GroupWait     time.Duration
	GroupInterval time.Duration
	// RepeatInterval re-sends alerts that are still firing; 0 never does.
	RepeatInterval time.Duration
	// MinSeverity drops alerts below it: warning (all) or critical.
	MinSeverity reading.Status
	// SendResolved tells the notifier when an alert ends.
	SendResolved bool
	// Line is where the entry starts in the config file, for messages.
	Line int
}

// Header is one HTTP header a notifier sends.
type Header struct {
	Name  string
	Value Secret
}

// Secret is a value that may be written inline, read from an environment
// variable or read from a file (trailing newlines trimmed), so tokens need
// not sit in a config file that is shared or committed. Prefix is put
// before the value it resolves to ("Bearer ").
type Secret struct {
	Value  string
	Env    string
	File   string
	Prefix string
	Line   int
}

// maxSecretFile bounds a secret file: a token, not a database.
const maxSecretFile = 64 << 10

// Resolve returns the secret's value, reading its variable or file now.
func (s Secret) Resolve() (string, error) {
	return s.resolve(os.LookupEnv)
}

func (s Secret) resolve(lookup func(string) (string, bool)) (string, error) {
	v, err := s.value(lookup)
	if err != nil {
		return "", fmt.Errorf("line %d: %w", s.Line, err)
	}
	return v, nil
}

func (s Secret) value(lookup func(string) (string, bool)) (string, error) {
	switch {
	case s.Env != "":
		v, ok := lookup(s.Env)
		if !ok || v == "" {
			return "", fmt.Errorf("environment variable %s is not set or empty", s.Env)
		}
		return s.Prefix + v, nil
	case s.File != "":
		b, err := readCapped(s.File, maxSecretFile)
		if err != nil {
			return "", fmt.Errorf("secret file: %w", err)
		}
		v := strings.TrimRight(string(b), "\r\n")
		if v == "" {
			return "", fmt.Errorf("secret file %s is empty", s.File)
		}
		return s.Prefix + v, nil
	}
	return s.Prefix + s.Value, nil
}

func readCapped(name string, limit int64) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b := make([]byte, limit+1)
	n, err := f.Read(b)
	if err != nil && n == 0 {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if int64(n) > limit {
		return nil, fmt.Errorf("%s is larger than %d bytes", name, limit)
	}
	return b[:n], nil
}

// UnmarshalYAML decodes one entry of the list, fills the defaults of its
// type and reports every problem in it at once, each naming its line.
func (n *Notifier) UnmarshalYAML(node *yaml.Node) error {
	d, problems := decodeNotifier(node)
	if len(problems) > 0 {
		return &yaml.TypeError{Errors: problems}
	}
	*n = d
	return nil
}

// validate reports a name already used by an earlier entry; the rest was
// checked while decoding. i is the entry's index among the count decoded.
func (n *Notifier) validate(v *Validator, i, count int) {
	list := topLevel(v, "notifiers")
	if list == nil || list.Kind != yaml.SequenceNode {
		return
	}
	if len(list.Content) != count {
		// Entries that could not be decoded are left out of the list:
		// find this one by its line.
		i = slices.IndexFunc(list.Content, func(e *yaml.Node) bool { return e.Line == n.Line })
	}
	for j := 0; j < i && j < len(list.Content); j++ {
		if nameOf(list.Content[j]) == n.Name {
			v.Errorf(Path("notifiers", i, "name"), "notifier name %q is already used on line %d", n.Name, list.Content[j].Line)
			return
		}
	}
}

func nameOf(entry *yaml.Node) string {
	if entry.Kind != yaml.MappingNode {
		return ""
	}
	for k := 0; k+1 < len(entry.Content); k += 2 {
		if entry.Content[k].Value == "name" {
			return entry.Content[k+1].Value
		}
	}
	return ""
}

// topLevel returns the value of a top-level key, or nil.
func topLevel(v *Validator, key string) *yaml.Node {
	if v.root == nil || v.root.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(v.root.Content); i += 2 {
		if v.root.Content[i].Value == key {
			return v.root.Content[i+1]
		}
	}
	return nil
}

// CheckNotifiers looks at the machine for what decoding cannot: that each
// exec command exists and is executable, and that each secret resolves. It
// returns every problem as an Error at its line of file, or nil. `vigia
// config check` and every command that starts the notifiers call it, so a
// file one accepts the other does too.
func CheckNotifiers(file string, ns []Notifier) error {
	return checkNotifiers(file, ns, os.LookupEnv)
}

func checkNotifiers(file string, ns []Notifier, lookup func(string) (string, bool)) error {
	var errs Errors
	for _, n := range ns {
		if n.Type == NotifierExec && len(n.Command) > 0 {
			if _, err := exec.LookPath(n.Command[0]); err != nil {
				errs = append(errs, &Error{File: file, Line: n.Line, Msg: fmt.Sprintf("notifier %q: command %q: %v", n.Name, n.Command[0], err)})
			}
		}
		for _, h := range n.Headers {
			if _, err := h.Value.value(lookup); err != nil {
				errs = append(errs, &Error{File: file, Line: h.Value.Line, Msg: fmt.Sprintf("notifier %q: header %s: %v", n.Name, h.Name, err)})
			}
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

// CheckFile reads the file at path like Load and checks what it names on
// this machine (CheckNotifiers, and remote_write's credential and CA
// files). The error, when not nil, is an Errors with every problem, in line
// order: the checks of the notifiers that could be decoded are not held
// back by a mistake elsewhere.
func CheckFile(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	cfg, errs := parse(path, b)
	if cfg != nil {
		var machine Errors
		if errors.As(CheckNotifiers(path, cfg.Notifiers), &machine) {
			errs = append(errs, machine...)
		}
		errs = append(errs, checkRemoteWrites(path, b, cfg.Server.RemoteWrite)...)
		errs.sort()
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return cfg, nil
}

// Defaults per type. Alertmanager groups and repeats on its own side but
// forgets alerts not re-sent within its resolve_timeout (5m by default), so
// vigia re-sends every minute and leaves grouping to it.
var notifierKeys = map[string][]string{
	NotifierLog:          {"name", "type", "min_severity", "send_resolved"},
	NotifierWebhook:      {"name", "type", "url", "headers", "timeout", "retries", "backoff", "group_wait", "group_interval", "repeat_interval", "min_severity", "send_resolved"},
	NotifierAlertmanager: {"name", "type", "url", "headers", "timeout", "retries", "backoff", "repeat_interval", "min_severity"},
	NotifierExec:         {"name", "type", "command", "timeout", "group_wait", "group_interval", "repeat_interval", "min_severity", "send_resolved"},
}

func defaults(typ string) Notifier {
	n := Notifier{Type: typ, MinSeverity: reading.Warning, SendResolved: true}
	switch typ {
	case NotifierWebhook:
		n.Timeout, n.Retries, n.Backoff = 10*time.Second, 3, time.Second
		n.GroupWait, n.GroupInterval, n.RepeatInterval = 10*time.Second, time.Minute, 4*time.Hour
	case NotifierAlertmanager:
		n.Timeout, n.Retries, n.Backoff = 10*time.Second, 3, time.Second
		n.RepeatInterval = time.Minute
	case NotifierExec:
		n.Timeout = 30 * time.Second
		n.GroupWait, n.GroupInterval, n.RepeatInterval = 10*time.Second, time.Minute, 4*time.Hour
	}
	return n
}

// validName keeps names usable as a --notifier argument and a metric label.
func validName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

func decodeNotifier(node *yaml.Node) (Notifier, []string) {
	var problems []string
	bad := func(n *yaml.Node, format string, args ...any) {
		problems = append(problems, fmt.Sprintf("line %d: ", n.Line)+fmt.Sprintf(format, args...))
	}
	if node.Kind != yaml.MappingNode {
		bad(node, "a notifier must be a mapping with at least name and type")
		return Notifier{}, problems
	}
	fields := map[string]*yaml.Node{}
	for i := 0; i+1 < len(node.Content); i += 2 {
		k, v := node.Content[i], node.Content[i+1]
		if _, dup := fields[k.Value]; dup {
			bad(k, "%s is given twice", k.Value)
		}
		fields[k.Value] = v
	}
	typNode, ok := fields["type"]
	if !ok {
		bad(node, "notifier has no type (want one of log, webhook, alertmanager, exec)")
		return Notifier{}, problems
	}
	keys, ok := notifierKeys[typNode.Value]
	if !ok {
		bad(typNode, "unknown notifier type %q (want one of log, webhook, alertmanager, exec)", typNode.Value)
		return Notifier{}, problems
	}
	n := defaults(typNode.Value)
	n.Line = node.Line
	for i := 0; i+1 < len(node.Content); i += 2 {
		k := node.Content[i]
		if !slices.Contains(keys, k.Value) {
			bad(k, "%s notifier has no setting %q (it has %s)", n.Type, k.Value, strings.Join(keys, ", "))
		}
	}

	str := func(key string) (string, *yaml.Node) {
		v, ok := fields[key]
		if !ok {
			return "", nil
		}
		if v.Kind != yaml.ScalarNode {
			bad(v, "%s must be a single value", key)
			return "", nil
		}
		return v.Value, v
	}
	dur := func(key string, dst *time.Duration, l Limits) {
		s, v := str(key)
		if v == nil {
			return
		}
		d, err := ParseDuration(s)
		if err == nil {
			err = l.Check(d)
		}
		if err != nil {
			bad(v, "%s: %v", key, err)
			return
		}
		*dst = d
	}

	if s, v := str("name"); v != nil {
		if !validName(s) {
			bad(v, "notifier name %q must be 1 to 64 letters, digits, '-', '_' or '.'", s)
		} else {
			n.Name = s
		}
	} else {
		bad(node, "%s notifier has no name", n.Type)
	}

	if s, v := str("url"); v != nil {
		if err := checkURL(s); err != nil {
			bad(v, "url %s: %v", shownURL(s), err)
		} else {
			n.URL = s
			if n.Type == NotifierAlertmanager {
				n.URL = strings.TrimRight(s, "/")
			}
		}
	} else if n.Type == NotifierWebhook || n.Type == NotifierAlertmanager {
		bad(node, "%s notifier %q has no url", n.Type, n.Name)
	}

	if v, ok := fields["headers"]; ok {
		n.Headers = decodeHeaders(v, bad)
	}

	if v, ok := fields["command"]; ok {
		switch v.Kind {
		case yaml.SequenceNode:
			for _, a := range v.Content {
				if a.Kind != yaml.ScalarNode {
					bad(a, "command arguments must be strings")
					continue
				}
				n.Command = append(n.Command, a.Value)
			}
		case yaml.ScalarNode:
			// A single string is split on spaces; a list is needed for
			// arguments that contain spaces.
			n.Command = strings.Fields(v.Value)
		default:
			bad(v, "command must be a list of arguments")
		}
		if len(n.Command) == 0 || n.Command[0] == "" {
			bad(v, "command is empty")
			n.Command = nil
		}
	} else if n.Type == NotifierExec {
		bad(node, "exec notifier %q has no command", n.Name)
	}

	dur("timeout", &n.Timeout, LimitsTimeout)
	dur("backoff", &n.Backoff, LimitsTimeout)
	dur("group_wait", &n.GroupWait, LimitsGroupWait)
	dur("group_interval", &n.GroupInterval, LimitsGroupInterval)
	dur("repeat_interval", &n.RepeatInterval, LimitsRepeat)
	if n.Type == NotifierAlertmanager && n.RepeatInterval < time.Second {
		if v := fields["repeat_interval"]; v != nil {
			bad(v, "repeat_interval must be at least 1s: Alertmanager forgets alerts that are not re-sent")
		}
	}
	if n.RepeatInterval > 0 && n.RepeatInterval < n.GroupInterval {
		at := node
		if v := fields["repeat_interval"]; v != nil {
			at = v
		}
		bad(at, "repeat_interval %s is shorter than group_interval %s", n.RepeatInterval, n.GroupInterval)
	}

	if s, v := str("retries"); v != nil {
		r, err := strconv.Atoi(s)
		if err != nil || r < 0 || r > 10 {
			bad(v, "retries: %q must be a whole number from 0 to 10", s)
		} else {
			n.Retries = r
		}
	}
	if s, v := str("min_severity"); v != nil {
		switch s {
		case "warning":
			n.MinSeverity = reading.Warning
		case "critical":
			n.MinSeverity = reading.Critical
		default:
			bad(v, "min_severity: %q (want warning or critical)", s)
		}
	}
	if s, v := str("send_resolved"); v != nil {
		b, err := strconv.ParseBool(s)
		if err != nil {
			bad(v, "send_resolved: %q (want true or false)", s)
		} else {
			n.SendResolved = b
		}
	}
	return n, problems
}

// shownURL is a URL as a message may show it: its password, if any,
// replaced, since messages reach logs.
func shownURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(not a URL)"
	}
	return strconv.Quote(u.Redacted())
}

func checkURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return errors.New("not a URL")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return errors.New("want an http:// or https:// URL")
	}
	if u.Host == "" {
		return errors.New("has no host")
	}
	if u.User != nil {
		return errors.New("credentials in the URL would be logged; put them in headers with env or file")
	}
	return nil
}

// decodeHeaders reads a mapping of header name to a value, which is a
// string or a mapping with one of value, env or file, and an optional
// prefix.
func decodeHeaders(node *yaml.Node, bad func(*yaml.Node, string, ...any)) []Header {
	if node.Kind != yaml.MappingNode {
		bad(node, "headers must be a mapping of header name to value")
		return nil
	}
	var hs []Header
	for i := 0; i+1 < len(node.Content); i += 2 {
		k, v := node.Content[i], node.Content[i+1]
		if !validHeaderName(k.Value) {
			bad(k, "%q is not a valid header name", k.Value)
			continue
		}
		h := Header{Name: k.Value, Value: Secret{Line: v.Line}}
		switch v.Kind {
		case yaml.ScalarNode:
			h.Value.Value = v.Value
		case yaml.MappingNode:
			set := 0
			for j := 0; j+1 < len(v.Content); j += 2 {
				sk, sv := v.Content[j], v.Content[j+1]
				if sv.Kind != yaml.ScalarNode {
					bad(sv, "header %s: %s must be a single value", k.Value, sk.Value)
					continue
				}
				switch sk.Value {
				case "value":
					h.Value.Value = sv.Value
					set++
				case "env":
					h.Value.Env = sv.Value
					set++
				case "file":
					h.Value.File = sv.Value
					set++
				case "prefix":
					h.Value.Prefix = sv.Value
				default:
					bad(sk, "header %s has no setting %q (it has value, env, file, prefix)", k.Value, sk.Value)
				}
			}
			if set != 1 {
				bad(v, "header %s needs exactly one of value, env or file", k.Value)
			}
		default:
			bad(v, "header %s must be a string or a mapping with env or file", k.Value)
			continue
		}
		if strings.ContainsAny(h.Value.Value+h.Value.Prefix, "\r\n") {
			bad(v, "header %s contains a line break", k.Value)
			continue
		}
		hs = append(hs, h)
	}
	slices.SortFunc(hs, func(a, b Header) int { return strings.Compare(a.Name, b.Name) })
	return hs
}

func validHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r <= ' ' || r >= 0x7f || strings.ContainsRune(`"(),/:;<=>?@[\]{}`, r) {
			return false
		}
	}
	return true
}
