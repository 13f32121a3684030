package remote

import (
	"bufio"
	"bytes"
	"io"
)

// maxEventBytes caps one event: a process table of tens of thousands of
// processes fits, an agent (or impostor) that never ends a line does not
// grow the client without bound.
const maxEventBytes = 32 << 20

// event is one Server-Sent Event as the agent sends it.
type event struct {
	name string
	id   string
	data []byte
}

// readEvents parses a text/event-stream from r and calls fn with each
// event that has data, in order, until r ends, a line is longer than
// maxEventBytes, or fn fails. Comments and retry lines are skipped; several
// data lines join with newlines, as the format says. The event passed to
// fn is valid only during the call.
func readEvents(r io.Reader, fn func(event) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxEventBytes)
	var ev event
	var data bytes.Buffer
	hasData := false
	for sc.Scan() {
		line := sc.Bytes()
		if len(line) == 0 {
			if hasData {
				ev.data = data.Bytes()
				if err := fn(ev); err != nil {
					return err
				}
			}
			ev, hasData = event{}, false
			data.Reset()
			continue
		}
		if line[0] == ':' {
			continue
		}
		field, value, _ := bytes.Cut(line, []byte(":"))
		value = bytes.TrimPrefix(value, []byte(" "))
		switch string(field) {
		case "event":
			ev.name = string(value)
		case "id":
			// An id with a NUL is ignored, as browsers do.
			if bytes.IndexByte(value, 0) < 0 {
				ev.id = string(value)
			}
		case "data":
			if hasData {
				data.WriteByte('\n')
			}
			data.Write(value)
			hasData = true
		}
	}
	return sc.Err()
}
