package reading

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestMarshalJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   Reading
		want string // a part of the encoding
	}{
		{"no metrics is an empty array", Reading{Sensor: "disk", Err: "failed"}, `"metrics":[]`},
		{"C1 escaped", Reading{Sensor: "x", Note: "a\u009b2J"}, `"note":"a\u009b2J"`},
		{"DEL escaped", Reading{Sensor: "x", Note: "a\x7f"}, `"note":"a\u007f"`},
		{"C0 escaped", Reading{Sensor: "x", Note: "\x1b]0;t\a"}, `"note":"\u001b]0;t\u0007"`},
		{"other text kept", Reading{Sensor: "x", Note: "café <ñ> ¡"}, `"note":"café <ñ> ¡"`},
		{"in a process", Reading{Sensor: "x", Processes: []Process{{Comm: "\u0085"}}}, `"comm":"\u0085"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var b strings.Builder
			enc := json.NewEncoder(&b)
			enc.SetEscapeHTML(false)
			if err := enc.Encode(tt.in); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(b.String(), tt.want) {
				t.Errorf("encoding %s lacks %s", b.String(), tt.want)
			}
			var got Reading
			if err := json.Unmarshal([]byte(b.String()), &got); err != nil {
				t.Fatal(err)
			}
			want := tt.in
			if want.Metrics == nil {
				want.Metrics = []Metric{}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
		})
	}
}

// TestEventMarshalJSON: an event's process name goes out with its C1
// controls escaped, as a reading's does.
func TestEventMarshalJSON(t *testing.T) {
	t.Parallel()
	b, err := json.Marshal(Event{Kind: EventOOMKill, Comm: "a\u009b2J"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"comm":"a\u009b2J"`) {
		t.Errorf("event JSON %s: C1 control not escaped", b)
	}
}
