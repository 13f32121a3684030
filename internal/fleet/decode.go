package fleet

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"
)

// decodeQuery reads a query API answer (a vector, a matrix or a scalar)
// in one pass over its bytes, keeping of each series only the labels in
// keep (every label when keep is nil). At 1,000 hosts encoding/json was
// most of what a refresh cost the client: a map filled through reflection
// for every series, with every label of it, where the view reads one or
// two. Strings go through in, which hands back the same string for the
// same bytes from one refresh to the next; in may be nil.
func decodeQuery(b []byte, keep []string, in *interner) ([]Series, error) {
	d := decoder{b: b, keep: keep, in: in}
	out, err := d.answer()
	var se *syntaxError
	if errors.As(err, &se) {
		return nil, fmt.Errorf("not a query API answer: %w", err)
	}
	return out, err
}

type syntaxError struct {
	off int
	msg string
}

func (e *syntaxError) Error() string { return fmt.Sprintf("%s at offset %d", e.msg, e.off) }

type decoder struct {
	b    []byte
	i    int
	keep []string
	in   *interner
	// labels are the kept labels of the series being read, name and value
	// in turn; reused from one series to the next.
	labels []string
}

func (d *decoder) fail(msg string) error { return &syntaxError{d.i, msg} }

func (d *decoder) ws() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// peek is the next byte that is not white space, 0 at the end.
func (d *decoder) peek() byte {
	d.ws()
	if d.i == len(d.b) {
		return 0
	}
	return d.b[d.i]
}

func (d *decoder) expect(c byte) error {
	if d.peek() != c {
		return d.fail(fmt.Sprintf("want %q", c))
	}
	d.i++
	return nil
}

// rawString reads a string token and returns its bytes between the
// quotes, and whether they can be taken as they are: no escapes, no
// control characters, valid UTF-8.
func (d *decoder) rawString() ([]byte, bool, error) {
	if err := d.expect('"'); err != nil {
		return nil, false, err
	}
	start, plain := d.i, true
	for d.i < len(d.b) {
		switch c := d.b[d.i]; {
		case c == '"':
			s := d.b[start:d.i]
			d.i++
			return s, plain && utf8.Valid(s), nil
		case c == '\\':
			plain = false
			d.i += 2
			continue
		case c < 0x20:
			plain = false
		}
		d.i++
	}
	return nil, false, d.fail("unterminated string")
}

// str reads a string token; an escaped one (rare in label values) goes
// through encoding/json, which knows every escape.
func (d *decoder) str() (string, error) {
	d.ws()
	start := d.i
	raw, plain, err := d.rawString()
	if err != nil {
		return "", err
	}
	if plain {
		return d.in.get(raw), nil
	}
	var s string
	if err := json.Unmarshal(d.b[start:d.i], &s); err != nil {
		return "", &syntaxError{start, err.Error()}
	}
	return s, nil
}

// key reads an object's key and the colon after it.
func (d *decoder) key() ([]byte, error) {
	start := d.i
	raw, plain, err := d.rawString()
	if err != nil {
		return nil, err
	}
	if !plain {
		var s string
		if err := json.Unmarshal(d.b[start:d.i], &s); err != nil {
			return nil, &syntaxError{start, err.Error()}
		}
		raw = []byte(s)
	}
	return raw, d.expect(':')
}

// object reads {"key": value, …}, calling fn with each key; fn reads the
// value.
func (d *decoder) object(fn func(key []byte) error) error {
	if err := d.expect('{'); err != nil {
		return err
	}
	if d.peek() == '}' {
		d.i++
		return nil
	}
	for {
		if d.peek() != '"' {
			return d.fail("want a key")
		}
		k, err := d.key()
		if err != nil {
			return err
		}
		if err := fn(k); err != nil {
			return err
		}
		switch d.peek() {
		case ',':
			d.i++
		case '}':
			d.i++
			return nil
		default:
			return d.fail("want , or }")
		}
	}
}

// array reads [value, …], calling fn to read each value.
func (d *decoder) array(fn func() error) error {
	if err := d.expect('['); err != nil {
		return err
	}
	if d.peek() == ']' {
		d.i++
		return nil
	}
	for {
		if err := fn(); err != nil {
			return err
		}
		switch d.peek() {
		case ',':
			d.i++
		case ']':
			d.i++
			return nil
		default:
			return d.fail("want , or ]")
		}
	}
}

// skip reads any value and drops it.
func (d *decoder) skip() error {
	switch c := d.peek(); {
	case c == '{':
		return d.object(func([]byte) error { return d.skip() })
	case c == '[':
		return d.array(d.skip)
	case c == '"':
		_, _, err := d.rawString()
		return err
	case c == '-' || c >= '0' && c <= '9':
		_, err := d.number()
		return err
	}
	for _, lit := range []string{"true", "false", "null"} {
		if bytes.HasPrefix(d.b[d.i:], []byte(lit)) {
			d.i += len(lit)
			return nil
		}
	}
	return d.fail("want a value")
}

// number reads a JSON number token.
func (d *decoder) number() (float64, error) {
	d.ws()
	start := d.i
	for d.i < len(d.b) {
		c := d.b[d.i]
		if c != '-' && c != '+' && c != '.' && c != 'e' && c != 'E' && (c < '0' || c > '9') {
			break
		}
		d.i++
	}
	raw := d.b[start:d.i]
	if !isNumber(raw) {
		return 0, &syntaxError{start, "want a number"}
	}
	return strconv.ParseFloat(string(raw), 64)
}

// isNumber says whether b is a number as JSON writes one:
// -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func isNumber(b []byte) bool {
	i := 0
	digits := func() int {
		n := 0
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i, n = i+1, n+1
		}
		return n
	}
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case digits() == 0:
		return false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(b)
}

func (d *decoder) null() bool {
	if bytes.HasPrefix(d.b[d.i:], []byte("null")) {
		d.i += 4
		return true
	}
	return false
}

func is(k []byte, name string) bool { return bytes.EqualFold(k, []byte(name)) }

// answer reads the envelope. result is read as the result type says when
// that came first, as Prometheus writes it; else its place is kept and
// read once the type is known.
func (d *decoder) answer() ([]Series, error) {
	var status, errType, errMsg, resultType string
	var out []Series
	result, read := -1, false
	err := d.object(func(k []byte) error {
		var err error
		switch {
		case is(k, "status"):
			status, err = d.strOrNull()
		case is(k, "errorType"):
			errType, err = d.strOrNull()
		case is(k, "error"):
			errMsg, err = d.strOrNull()
		case is(k, "data"):
			if d.peek() == 'n' && d.null() {
				return nil
			}
			return d.object(func(k []byte) error {
				switch {
				case is(k, "resultType"):
					resultType, err = d.strOrNull()
					return err
				case is(k, "result"):
					switch resultType {
					case "scalar", "vector", "matrix":
						out, read = nil, true
						return d.result(resultType, &out)
					case "":
						result = d.ws2()
					}
					return d.skip()
				}
				return d.skip()
			})
		default:
			err = d.skip()
		}
		return err
	})
	if err == nil && d.peek() != 0 {
		err = d.fail("want the end")
	}
	if err != nil {
		return nil, err
	}
	if status != "success" {
		if errMsg == "" {
			return nil, fmt.Errorf("query failed with status %q", status)
		}
		return nil, fmt.Errorf("query failed: %s: %s", errType, errMsg)
	}
	switch resultType {
	case "scalar", "vector", "matrix":
	default:
		return nil, fmt.Errorf("result type %q: want vector, matrix or scalar", resultType)
	}
	if !read && result >= 0 {
		d.i = result
		if err := d.result(resultType, &out); err != nil {
			return nil, err
		}
	}
	if out == nil {
		out = []Series{}
	}
	return out, nil
}

// ws2 skips white space and returns where the next value starts.
func (d *decoder) ws2() int {
	d.ws()
	return d.i
}

func (d *decoder) strOrNull() (string, error) {
	if d.peek() == 'n' && d.null() {
		return "", nil
	}
	return d.str()
}

// result reads the result of type t into out.
func (d *decoder) result(t string, out *[]Series) error {
	if d.peek() == 'n' && d.null() {
		return nil
	}
	if t == "scalar" {
		s, err := d.sample()
		if err != nil {
			return fmt.Errorf("scalar: %w", err)
		}
		*out = []Series{{Labels: map[string]string{}, Samples: []Sample{s}}}
		return nil
	}
	return d.array(func() error {
		s, err := d.series()
		if err != nil {
			return fmt.Errorf("%s: %w", t, err)
		}
		if len(s.Samples) > 0 {
			*out = append(*out, s)
		}
		return nil
	})
}

// series reads {"metric": {…}, "value": [t, "v"]} or "values": [[t, "v"], …].
func (d *decoder) series() (Series, error) {
	var s Series
	// value wins over values, whichever came first.
	var value []Sample
	d.labels = d.labels[:0]
	err := d.object(func(k []byte) error {
		switch {
		case is(k, "metric"):
			d.labels = d.labels[:0]
			if d.peek() == 'n' && d.null() {
				return nil
			}
			return d.object(func(name []byte) error {
				if !d.keeps(name) {
					return d.skip()
				}
				v, err := d.strOrNull()
				if err != nil {
					return err
				}
				d.labels = append(d.labels, d.in.get(name), v)
				return nil
			})
		case is(k, "value"):
			value = nil
			if d.peek() == 'n' && d.null() {
				return nil
			}
			p, err := d.sample()
			value = []Sample{p}
			return err
		case is(k, "values"):
			s.Samples = nil
			if d.peek() == 'n' && d.null() {
				return nil
			}
			return d.array(func() error {
				p, err := d.sample()
				s.Samples = append(s.Samples, p)
				return err
			})
		}
		return d.skip()
	})
	if value != nil {
		s.Samples = value
	}
	s.Labels = d.in.set(d.labels)
	return s, err
}

// keeps says whether a label of this name is wanted.
func (d *decoder) keeps(name []byte) bool {
	if d.keep == nil {
		return true
	}
	for _, k := range d.keep {
		if string(name) == k {
			return true
		}
	}
	return false
}

// sample reads [unix seconds, "value"]; values are strings so NaN and
// ±Inf survive JSON.
func (d *decoder) sample() (Sample, error) {
	if err := d.expect('['); err != nil {
		return Sample{}, err
	}
	ts, err := d.number()
	if err != nil {
		return Sample{}, fmt.Errorf("sample time: %w", err)
	}
	if err := d.expect(','); err != nil {
		return Sample{}, err
	}
	if d.peek() != '"' {
		return Sample{}, d.fail("sample value: not a string")
	}
	raw, plain, err := d.rawString()
	if err != nil {
		return Sample{}, err
	}
	if !plain {
		return Sample{}, d.fail("sample value: escaped")
	}
	v, err := strconv.ParseFloat(string(raw), 64)
	if err != nil {
		return Sample{}, fmt.Errorf("sample value: %w", err)
	}
	if err := d.expect(']'); err != nil {
		return Sample{}, err
	}
	sec := int64(ts)
	return Sample{T: time.Unix(sec, int64((ts-float64(sec))*1e9)).UTC(), V: v}, nil
}

// interner hands back one string for equal bytes, and one label map for
// equal labels: label names and values (instances, mountpoints) repeat in
// every query of every refresh, and each would otherwise be a new string,
// and each series a new map, each time. The maps are shared, so no one
// may write to a Series' Labels. It forgets everything when it grows past
// maxInterned, so a fleet whose hosts come and go does not grow it without
// end. A nil interner copies each string and makes each map.
type interner struct {
	mu   sync.Mutex
	m    map[string]string
	sets map[string]map[string]string
	key  []byte
}

const maxInterned = 1 << 16

func (in *interner) get(b []byte) string {
	if in == nil {
		return string(b)
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	if s, ok := in.m[string(b)]; ok {
		return s
	}
	if in.m == nil || len(in.m) >= maxInterned {
		in.m = make(map[string]string, 1024)
	}
	s := string(b)
	in.m[s] = s
	return s
}

// set is the map of labels, given as name, value, name, value….
func (in *interner) set(labels []string) map[string]string {
	if in == nil {
		return labelMap(labels)
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	// \xff is never in a label: they are UTF-8.
	in.key = in.key[:0]
	for _, l := range labels {
		in.key = append(append(in.key, l...), 0xff)
	}
	if m, ok := in.sets[string(in.key)]; ok {
		return m
	}
	if in.sets == nil || len(in.sets) >= maxInterned {
		in.sets = make(map[string]map[string]string, 1024)
	}
	m := labelMap(labels)
	in.sets[string(in.key)] = m
	return m
}

func labelMap(labels []string) map[string]string {
	m := make(map[string]string, len(labels)/2)
	for i := 0; i+1 < len(labels); i += 2 {
		m[labels[i]] = labels[i+1]
	}
	return m
}
