package remote

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

type sseEvent struct{ Name, ID, Data string }

func parseAll(in string) ([]sseEvent, error) {
	var got []sseEvent
	err := readEvents(strings.NewReader(in), func(ev event) error {
		got = append(got, sseEvent{ev.name, ev.id, string(ev.data)})
		return nil
	})
	return got, err
}

func TestReadEvents(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want []sseEvent
	}{
		{"the agent's preamble and two events",
			"retry: 2000\n: vigia 0.1.0\n\nevent: reading\nid: 41\ndata: {\"sensor\":\"cpu\"}\n\nevent: transition\nid: 42\ndata: {}\n\n",
			[]sseEvent{{"reading", "41", `{"sensor":"cpu"}`}, {"transition", "42", "{}"}}},
		{"keep-alive comments between events", ": ping\n\nevent: reading\nid: 1\ndata: x\n\n: ping\n\n",
			[]sseEvent{{"reading", "1", "x"}}},
		{"data lines join with newlines", "data: a\ndata: b\n\n", []sseEvent{{"", "", "a\nb"}}},
		{"no space after the colon", "event:reading\nid:7\ndata:x\n\n", []sseEvent{{"reading", "7", "x"}}},
		{"an event cut off by the end is not delivered", "event: reading\nid: 1\ndata: {\"sen", nil},
		{"an id with NUL is ignored", "id: 1\x002\ndata: x\n\n", []sseEvent{{"", "", "x"}}},
		{"an event without data is not delivered", "event: reading\nid: 3\n\n", nil},
		{"CRLF lines", "event: reading\r\nid: 4\r\ndata: x\r\n\r\n", []sseEvent{{"reading", "4", "x"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := parseAll(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("readEvents(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestReadEventsStopsOnCallbackError(t *testing.T) {
	t.Parallel()
	stop := errors.New("stop")
	n := 0
	err := readEvents(strings.NewReader("data: a\n\ndata: b\n\n"), func(event) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("readEvents = %v after %d events, want stop after 1", err, n)
	}
}

func FuzzReadEvents(f *testing.F) {
	f.Add("event: reading\nid: 41\ndata: {}\n\n")
	f.Add(": ping\n\ndata: a\ndata: b\n\n")
	f.Add("id:\x00\ndata:\r\n\r\n")
	f.Fuzz(func(t *testing.T, in string) {
		readEvents(strings.NewReader(in), func(ev event) error {
			if strings.ContainsRune(ev.id, 0) {
				t.Errorf("id %q holds a NUL", ev.id)
			}
			return nil
		})
	})
}
