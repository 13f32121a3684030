package store

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/vigia-dev/vigia/internal/reading"
)

// formatLabels writes labels as name="value",… (values quoted as Go
// strings), the form kept in the series table and accepted by --metric.
func formatLabels(ls []reading.Label) string {
	if len(ls) == 0 {
		return ""
	}
	var b strings.Builder
	for i, l := range ls {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(l.Name)
		b.WriteByte('=')
		b.WriteString(strconv.Quote(l.Value))
	}
	return b.String()
}

// ParseLabels reads name="value",… (or name=value without quotes when the
// value has no comma or quote).
func ParseLabels(s string) ([]reading.Label, error) {
	var out []reading.Label
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
		out = append(out, reading.Label{Name: name, Value: val})
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
