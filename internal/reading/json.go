package reading

import (
	"bytes"
	"encoding/json"
)

// MarshalJSON writes a reading as docs/json.md describes it, whichever
// output encodes it: metrics always an array (a failed sensor's reading has
// none, and a consumer iterating .metrics must not meet null), and C1
// controls (U+0080–U+009F) and DEL escaped as \u00XX. encoding/json escapes
// only C0 controls; a C1 CSI left raw in a process's name would reach the
// terminal of anyone reading `watch --json` and act there. Escaped, it
// still decodes to exactly the same string.
func (r Reading) MarshalJSON() ([]byte, error) {
	type plain Reading // no methods: no recursion
	if r.Metrics == nil {
		r.Metrics = []Metric{}
	}
	return marshalEscaped(plain(r))
}

// marshalEscaped encodes v with C1 controls and DEL escaped (see
// Reading.MarshalJSON) and HTML left as it is.
func marshalEscaped(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	// The caller's encoder decides on HTML escaping; an inner one that did
	// would decide for it.
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return escapeControls(bytes.TrimSuffix(buf.Bytes(), []byte{'\n'})), nil
}

// escapeControls rewrites DEL and each C1 control (UTF-8 C2 80 to C2 9F)
// as a \u00XX escape. In JSON they occur only inside strings, and neither
// 0x7F nor 0xC2 is ever a later byte of a UTF-8 sequence, so the rewrite
// cannot split a character.
func escapeControls(b []byte) []byte {
	const hex = "0123456789abcdef"
	var out []byte
	last := 0
	for i := 0; i < len(b); i++ {
		c, n := b[i], 1
		if c == 0xc2 && i+1 < len(b) && b[i+1] >= 0x80 && b[i+1] <= 0x9f {
			c, n = b[i+1], 2
		} else if c != 0x7f {
			continue
		}
		out = append(out, b[last:i]...)
		out = append(out, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		i += n - 1
		last = i + 1
	}
	if out == nil {
		return b
	}
	return append(out, b[last:]...)
}
