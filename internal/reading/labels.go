package reading

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Labels is a metric's label set, sorted by name. Its methods are the one
// way vigia writes, reads and matches labels, so a series is named alike in
// the store, the exporter, rule messages, notifiers and the displays. A
// []Label converts to it for free: Labels(m.Labels).Key().
type Labels []Label

// CompareLabel orders labels by name, then by value: the order of a
// metric's Labels.
func CompareLabel(a, b Label) int {
	if c := strings.Compare(a.Name, b.Name); c != 0 {
		return c
	}
	return strings.Compare(a.Value, b.Value)
}

// Sorted returns ls in CompareLabel order, copying it only when it is not
// already, so a caller's slice is never reordered under it.
func (ls Labels) Sorted() Labels {
	if slices.IsSortedFunc(ls, CompareLabel) {
		return ls
	}
	out := slices.Clone(ls)
	slices.SortFunc(out, CompareLabel)
	return out
}

// Value returns the value of the named label, or "" when there is none.
func (ls Labels) Value(name string) string {
	for _, l := range ls {
		if l.Name == name {
			return l.Value
		}
	}
	return ""
}

// Has reports whether ls includes every label of want, the way a query's
// labels pick the series that carry them among others.
func (ls Labels) Has(want []Label) bool {
	for _, w := range want {
		if !slices.Contains(ls, w) {
			return false
		}
	}
	return true
}

// Key writes name="value",… and "" for no labels. Values are quoted as Go
// quotes strings, which escapes backslash, quote and newline as Prometheus
// does and also spells out control bytes and invalid UTF-8, so the form is
// one line of printable text that ParseLabels reads back unchanged. The
// store keeps this form in its series table, so existing databases depend on
// it byte for byte. As a map key it tells label sets apart as long as names
// are identifiers, as every sensor's are.
func (ls Labels) Key() string {
	if len(ls) == 0 {
		return ""
	}
	return string(ls.AppendKey(make([]byte, 0, 16*len(ls))))
}

// AppendKey appends Key to b, for map lookups that must not allocate.
func (ls Labels) AppendKey(b []byte) []byte {
	for i, l := range ls {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, l.Name...)
		b = append(b, '=')
		b = strconv.AppendQuote(b, l.Value)
	}
	return b
}

// String writes {name="value",…}, the labels of a series as Prometheus and
// PromQL write them (fs.used_percent{mountpoint="/"}), with values quoted as
// in Key; "" for no labels, so metric+ls.String() names any series.
func (ls Labels) String() string {
	if len(ls) == 0 {
		return ""
	}
	b := make([]byte, 0, 2+16*len(ls))
	b = append(b, '{')
	b = ls.AppendKey(b)
	return string(append(b, '}'))
}

// Series names a series for people reading a table: metric{name=value,…}
// unquoted, or metric alone without labels. Values are raw, as in Text.
func (ls Labels) Series(metric string) string {
	if len(ls) == 0 {
		return metric
	}
	return metric + "{" + ls.Text() + "}"
}

// Text writes name=value,… unquoted, for people reading a table or a shell
// variable. Values are raw: it is neither a key nor safe for a terminal.
func (ls Labels) Text() string {
	var b strings.Builder
	for i, l := range ls {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(l.Name)
		b.WriteByte('=')
		b.WriteString(l.Value)
	}
	return b.String()
}

// ParseLabels reads name="value",… as Key writes it, and also name=value
// without quotes when the value has no comma or quote, the short form a
// person types after --metric.
func ParseLabels(s string) (Labels, error) {
	var out Labels
	rest := strings.TrimSpace(s)
	for rest != "" {
		eq := strings.IndexByte(rest, '=')
		if eq <= 0 {
			return nil, fmt.Errorf("labels %q: want name=value at %q", s, rest)
		}
		name := strings.TrimSpace(rest[:eq])
		rest = rest[eq+1:]
		var val string
		if strings.HasPrefix(rest, `"`) {
			q, err := strconv.QuotedPrefix(rest)
			if err != nil {
				return nil, fmt.Errorf("labels %q: unterminated quoted value at %q", s, rest)
			}
			val, _ = strconv.Unquote(q)
			rest = rest[len(q):]
		} else {
			end := strings.IndexByte(rest, ',')
			if end < 0 {
				end = len(rest)
			}
			val = rest[:end]
			if strings.ContainsRune(val, '"') {
				return nil, fmt.Errorf("labels %q: quote inside unquoted value %q", s, val)
			}
			rest = rest[end:]
		}
		out = append(out, Label{Name: name, Value: val})
		rest = strings.TrimSpace(rest)
		if rest == "" {
			break
		}
		if rest[0] != ',' {
			return nil, fmt.Errorf("labels %q: want a comma before %q", s, rest)
		}
		rest = strings.TrimSpace(rest[1:])
		if rest == "" {
			return nil, fmt.Errorf("labels %q: trailing comma", s)
		}
	}
	return out, nil
}
