package store

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"sync"
)

// A chunk holds one series' samples over one chunk span: timestamps in
// milliseconds as delta-of-deltas, values as decimal mantissas with deltas.
// Values are exact to 12 significant digits when they are short decimals
// (counters, byte counts, kernel percentages with two places); others keep
// sigDigits of the largest change between neighbouring samples, an error of
// at most 0.05 % of that change.
//
// Layout: flags byte (bit 0: the rest is deflated), then uvarint n, n
// timestamps, value mode byte and values.

const (
	modeConst   = 0 // one float64 for all
	modeDecimal = 1 // int8 exponent, zig-zag deltas of mantissas
	modeRaw     = 2 // float64 bits each (NaN or Inf present)
	// modeConstDecimal is modeConst of a short decimal: int8 exponent and
	// zig-zag mantissa. Most of a server's series hold still for a span
	// (limits, zero pressure, event counters), and 8 bytes of float were
	// most of their chunks.
	modeConstDecimal = 3

	flagDeflate = 1
	flagShared  = 2 // no times of its own: the sensor's times for the span

	// sigDigits is the precision kept of values that are not short
	// decimals, relative to the largest step in their chunk.
	sigDigits = 4
	// maxDecimals is the most decimal places a value may have to be kept
	// exactly.
	maxDecimals = 6
)

var errCorruptChunk = errors.New("corrupt chunk")

// bestWriters keeps deflate writers for appendBody: a new one allocates
// and clears about a megabyte, which for chunks of a hundred bytes was
// most of compaction's CPU and of a 30-day simulation's.
var bestWriters = sync.Pool{New: func() any {
	w, _ := flate.NewWriter(nil, flate.BestCompression)
	return w
}}

// raceWriters holds writers back in a -race build, whose sync.Pool drops
// a quarter of what it is given: the new writers' instrumented clearing
// took most of the store tests' minutes there.
var raceWriters = make(chan *flate.Writer, 2)

func getWriter() *flate.Writer {
	if raceEnabled {
		select {
		case w := <-raceWriters:
			return w
		default:
		}
	}
	return bestWriters.Get().(*flate.Writer)
}

func putWriter(w *flate.Writer) {
	if raceEnabled {
		select {
		case raceWriters <- w:
			return
		default:
		}
	}
	bestWriters.Put(w)
}

var pow10 = [...]float64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18}

// scale returns v·10^-e as the nearest integer, for e in [-18, 18].
func scaleTo(v float64, e int) float64 {
	if e < 0 {
		return math.Round(v * pow10[-e])
	}
	return math.Round(v / pow10[e])
}

func unscale(m int64, e int) float64 {
	if e < 0 {
		return float64(m) / pow10[-e]
	}
	return float64(m) * pow10[e]
}

// exponent picks the decimal exponent for vals: the largest that keeps
// every value to 12 significant digits (short decimals, whole numbers), or
// failing that one that keeps sigDigits of the largest step between
// neighbours, so a counter keeps its increments and a noisy gauge its
// wiggles. ok is false when no int64 mantissa can hold them.
func exponent(vals []float64) (e int, ok bool) {
	var top, step float64
	for i, v := range vals {
		top = max(top, math.Abs(v))
		if i > 0 {
			step = max(step, math.Abs(v-vals[i-1]))
		}
	}
	if top >= 1<<53 {
		return 0, false
	}
	for k := 0; k <= maxDecimals; k++ {
		if top*pow10[k] >= 1<<53 {
			break
		}
		exact := true
		for _, v := range vals {
			if math.Abs(unscale(int64(scaleTo(v, -k)), -k)-v) > 1e-12*math.Abs(v) {
				exact = false
				break
			}
		}
		if exact {
			return -k, true
		}
	}
	if step == 0 {
		step = top
	}
	e = int(math.Floor(math.Log10(step))) - (sigDigits - 1)
	e = max(e, -18)
	for e <= 18 && top/math.Pow(10, float64(e)) >= 1<<53 {
		e++
	}
	return e, e <= 18
}

// appendChunk encodes ts and one or more value columns of the same length.
func appendChunk(dst []byte, ts []int64, cols ...[]float64) []byte {
	b := appendTimes(nil, ts)
	for _, c := range cols {
		b = appendValues(b, c)
	}
	return appendBody(dst, 0, b)
}

// appendSharedChunk encodes value columns whose times are their sensor's
// for the span, kept once in the times table.
func appendSharedChunk(dst []byte, cols ...[]float64) []byte {
	var b []byte
	b = binary.AppendUvarint(b, uint64(len(cols[0])))
	for _, c := range cols {
		b = appendValues(b, c)
	}
	return appendBody(dst, flagShared, b)
}

func appendTimes(b []byte, ts []int64) []byte {
	b = binary.AppendUvarint(b, uint64(len(ts)))
	var prev, delta int64
	for i, t := range ts {
		switch i {
		case 0:
			b = binary.AppendVarint(b, t)
		default:
			d := t - prev
			b = binary.AppendVarint(b, d-delta)
			delta = d
		}
		prev = t
	}
	return b
}

// appendBody appends the flags and b, deflated when that is smaller.
func appendBody(dst []byte, flags byte, b []byte) []byte {
	if len(b) > 64 {
		var z bytes.Buffer
		w := getWriter()
		w.Reset(&z)
		w.Write(b)
		w.Close()
		putWriter(w)
		if z.Len() < len(b) {
			dst = append(dst, flags|flagDeflate)
			return append(dst, z.Bytes()...)
		}
	}
	dst = append(dst, flags)
	return append(dst, b...)
}

func appendValues(b []byte, vals []float64) []byte {
	finite, same := true, true
	for _, v := range vals {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			finite = false
		}
		if math.Float64bits(v) != math.Float64bits(vals[0]) {
			same = false
		}
	}
	if len(vals) > 0 && same {
		if e, ok := exponent(vals[:1]); ok && finite {
			m := int64(scaleTo(vals[0], e))
			if math.Float64bits(unscale(m, e)) == math.Float64bits(vals[0]) {
				b = append(b, modeConstDecimal, byte(int8(e)))
				return binary.AppendVarint(b, m)
			}
		}
		b = append(b, modeConst)
		return binary.LittleEndian.AppendUint64(b, math.Float64bits(vals[0]))
	}
	e, ok := 0, false
	if finite {
		e, ok = exponent(vals)
	}
	if !ok {
		b = append(b, modeRaw)
		for _, v := range vals {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
		}
		return b
	}
	b = append(b, modeDecimal, byte(int8(e)))
	var prev int64
	for _, v := range vals {
		m := int64(scaleTo(v, e))
		b = binary.AppendVarint(b, m-prev)
		prev = m
	}
	return b
}

// errNeedTimes is returned by decodeChunk for a chunk that shares its
// sensor's times when none were given.
var errNeedTimes = errors.New("chunk shares its sensor's times, which are missing")

// decodeChunk decodes a chunk of len(cols) value columns, appending to ts
// and to cols[i]. shared is the sensor's times for the span, used by a chunk
// that has none of its own.
func decodeChunk(data []byte, shared, ts []int64, cols [][]float64) ([]int64, error) {
	if len(data) < 1 {
		return ts, errCorruptChunk
	}
	b := data[1:]
	if data[0]&flagDeflate != 0 {
		r := flate.NewReader(bytes.NewReader(b))
		var err error
		b, err = io.ReadAll(io.LimitReader(r, 64<<20))
		if err != nil {
			return ts, fmt.Errorf("%w: %v", errCorruptChunk, err)
		}
	}
	rd := bytes.NewReader(b)
	n, err := binary.ReadUvarint(rd)
	// Own times take a byte each at least; shared ones are counted.
	if err != nil || (n > uint64(len(b)) && (data[0]&flagShared == 0 || n != uint64(len(shared)))) {
		return ts, errCorruptChunk
	}
	if data[0]&flagShared != 0 {
		if shared == nil {
			return ts, errNeedTimes
		}
		if int(n) != len(shared) {
			return ts, errCorruptChunk
		}
		ts = append(ts, shared...)
	}
	ts = slices.Grow(ts, int(n))
	var prev, delta int64
	for i := range int(n) {
		if data[0]&flagShared != 0 {
			break
		}
		v, err := binary.ReadVarint(rd)
		if err != nil {
			return ts, errCorruptChunk
		}
		if i == 0 {
			prev = v
		} else {
			delta += v
			prev += delta
		}
		ts = append(ts, prev)
	}
	for c := range cols {
		var err error
		if cols[c], err = decodeValues(rd, int(n), cols[c]); err != nil {
			return ts, err
		}
	}
	if rd.Len() != 0 {
		return ts, errCorruptChunk
	}
	return ts, nil
}

func decodeValues(rd *bytes.Reader, n int, vals []float64) ([]float64, error) {
	mode, err := rd.ReadByte()
	if err != nil {
		return vals, errCorruptChunk
	}
	vals = slices.Grow(vals, int(n))
	switch mode {
	case modeConst:
		var u [8]byte
		if _, err := io.ReadFull(rd, u[:]); err != nil {
			return vals, errCorruptChunk
		}
		v := math.Float64frombits(binary.LittleEndian.Uint64(u[:]))
		for range n {
			vals = append(vals, v)
		}
	case modeConstDecimal:
		eb, err := rd.ReadByte()
		e := int(int8(eb))
		if err != nil || e < -18 || e > 18 {
			return vals, errCorruptChunk
		}
		m, err := binary.ReadVarint(rd)
		if err != nil {
			return vals, errCorruptChunk
		}
		v := unscale(m, e)
		for range n {
			vals = append(vals, v)
		}
	case modeRaw:
		var u [8]byte
		for range n {
			if _, err := io.ReadFull(rd, u[:]); err != nil {
				return vals, errCorruptChunk
			}
			vals = append(vals, math.Float64frombits(binary.LittleEndian.Uint64(u[:])))
		}
	case modeDecimal:
		eb, err := rd.ReadByte()
		e := int(int8(eb))
		if err != nil || e < -18 || e > 18 {
			return vals, errCorruptChunk
		}
		var m int64
		for range n {
			d, err := binary.ReadVarint(rd)
			if err != nil {
				return vals, errCorruptChunk
			}
			m += d
			vals = append(vals, unscale(m, e))
		}
	default:
		return vals, errCorruptChunk
	}
	return vals, nil
}
