package procfs

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParsePressure(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    Pressure
		wantErr string
	}{
		{
			name: "some and full",
			in:   "some avg10=24.35 avg60=9.13 avg300=2.42 total=17175557\nfull avg10=0.15 avg60=0.04 avg300=0.00 total=2215467\n",
			want: Pressure{
				Some:    PressureLine{24.35, 9.13, 2.42, 17175557},
				Full:    PressureLine{0.15, 0.04, 0, 2215467},
				HasSome: true, HasFull: true,
			},
		},
		{
			name: "cpu before 5.13: some only",
			in:   "some avg10=1.00 avg60=2.00 avg300=3.00 total=4\n",
			want: Pressure{Some: PressureLine{1, 2, 3, 4}, HasSome: true},
		},
		{
			name: "unknown key skipped",
			in:   "some avg10=1.00 avg60=2.00 avg300=3.00 total=4 avg3600=9.00\n",
			want: Pressure{Some: PressureLine{1, 2, 3, 4}, HasSome: true},
		},
		{
			name: "irq: full only",
			in:   "full avg10=1.00 avg60=2.00 avg300=3.00 total=4\n",
			want: Pressure{Full: PressureLine{1, 2, 3, 4}, HasFull: true},
		},
		{name: "empty", in: "", wantErr: `no "some" or "full" line`},
		{name: "truncated", in: "some avg10=1.00 avg60=2.0", wantErr: "line 1 (some): want avg10, avg60, avg300 and total"},
		{name: "garbage kind", in: "many avg10=1.00\n", wantErr: `line 1: "many" is neither some nor full`},
		{name: "no equals", in: "some avg10\n", wantErr: `line 1 (some): "avg10" is not key=value`},
		{name: "bad average", in: "some avg10=x avg60=0 avg300=0 total=0\n", wantErr: `avg10: "x" is not a number`},
		{name: "bad total", in: "some avg10=0 avg60=0 avg300=0 total=-1\n", wantErr: `total: "-1" is not a number`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParsePressure([]byte(tt.in))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParsePressure(%q) error = %v, want one containing %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParsePressure(%q) error: %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParsePressure(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func FuzzParsePressure(f *testing.F) {
	f.Add([]byte("some avg10=24.35 avg60=9.13 avg300=2.42 total=17175557\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n"))
	f.Add([]byte("some avg10=1 avg60=2 avg300=3 total=4"))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := ParsePressure(b)
		if err != nil {
			return
		}
		if p.Some.Avg10 < 0 || p.Full.Avg300 < 0 {
			t.Errorf("ParsePressure(%q) = %+v: negative average", b, p)
		}
	})
}

func BenchmarkParsePressure(b *testing.B) {
	in := []byte("some avg10=24.35 avg60=9.13 avg300=2.42 total=17175557\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParsePressure(in); err != nil {
			b.Fatal(err)
		}
	}
}
