package reading

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestLabelsForms(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                  string
		ls                    Labels
		key, str, text, value string // value: of the label "mountpoint"
	}{
		{name: "none"},
		{
			name: "one",
			ls:   Labels{{Name: "mountpoint", Value: "/home"}},
			key:  `mountpoint="/home"`, str: `{mountpoint="/home"}`, text: "mountpoint=/home", value: "/home",
		},
		{
			name: "two",
			ls:   Labels{{Name: "cpu", Value: "3"}, {Name: "mode", Value: "user"}},
			key:  `cpu="3",mode="user"`, str: `{cpu="3",mode="user"}`, text: "cpu=3,mode=user",
		},
		{
			// Backslash, quote and newline are escaped as Prometheus escapes them.
			name: "prometheus escapes",
			ls:   Labels{{Name: "mountpoint", Value: "/a\\b\"c\nd"}},
			key:  `mountpoint="/a\\b\"c\nd"`, str: `{mountpoint="/a\\b\"c\nd"}`, text: "mountpoint=/a\\b\"c\nd", value: "/a\\b\"c\nd",
		},
		{
			name: "comma and equals in a value",
			ls:   Labels{{Name: "chip", Value: "a=b,c"}},
			key:  `chip="a=b,c"`, str: `{chip="a=b,c"}`, text: "chip=a=b,c",
		},
		{
			// A terminal never meets a control byte or invalid UTF-8 in a key.
			name: "control bytes and invalid utf-8",
			ls:   Labels{{Name: "device", Value: "\x1b[2J\t\xff"}},
			key:  `device="\x1b[2J\t\xff"`, str: `{device="\x1b[2J\t\xff"}`, text: "device=\x1b[2J\t\xff",
		},
		{
			name: "unicode stays as it is",
			ls:   Labels{{Name: "mountpoint", Value: "/mnt/música"}},
			key:  `mountpoint="/mnt/música"`, str: `{mountpoint="/mnt/música"}`, text: "mountpoint=/mnt/música", value: "/mnt/música",
		},
	}
	for _, tt := range tests {
		got := struct{ Key, Str, Text, Value, Appended string }{
			tt.ls.Key(), tt.ls.String(), tt.ls.Text(), tt.ls.Value("mountpoint"), string(tt.ls.AppendKey([]byte("x")))}
		want := struct{ Key, Str, Text, Value, Appended string }{tt.key, tt.str, tt.text, tt.value, "x" + tt.key}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: %v forms mismatch (-want +got):\n%s", tt.name, tt.ls, diff)
		}
	}
}

func TestLabelsSeries(t *testing.T) {
	t.Parallel()
	tests := []struct {
		ls   Labels
		want string
	}{
		{nil, "fs.used_percent"},
		{Labels{{Name: "device", Value: "sda"}, {Name: "mountpoint", Value: "/a b"}}, "fs.used_percent{device=sda,mountpoint=/a b}"},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, tt.ls.Series("fs.used_percent")); diff != "" {
			t.Errorf("%v.Series mismatch (-want +got):\n%s", tt.ls, diff)
		}
	}
}

func TestLabelsHas(t *testing.T) {
	t.Parallel()
	have := Labels{{Name: "cpu", Value: "0"}, {Name: "mode", Value: "user"}}
	tests := []struct {
		name string
		want []Label
		ok   bool
	}{
		{"nothing wanted", nil, true},
		{"one of them", []Label{{Name: "mode", Value: "user"}}, true},
		{"all of them, any order", []Label{{Name: "mode", Value: "user"}, {Name: "cpu", Value: "0"}}, true},
		{"another value", []Label{{Name: "cpu", Value: "1"}}, false},
		{"a label it lacks", []Label{{Name: "cpu", Value: "0"}, {Name: "device", Value: "sda"}}, false},
	}
	for _, tt := range tests {
		if got := have.Has(tt.want); got != tt.ok {
			t.Errorf("%s: %v.Has(%v) = %v, want %v", tt.name, have, tt.want, got, tt.ok)
		}
	}
	if !Labels(nil).Has(nil) || Labels(nil).Has(have) {
		t.Errorf("no labels: Has(nil) must be true and Has(%v) false", have)
	}
}

func TestParseLabels(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    Labels
		wantErr bool
	}{
		{in: ""},
		{in: "  "},
		{in: `cpu="0",mode="user"`, want: Labels{{Name: "cpu", Value: "0"}, {Name: "mode", Value: "user"}}},
		{in: `mountpoint=/home`, want: Labels{{Name: "mountpoint", Value: "/home"}}},
		{in: ` cpu="0" , mode=user `, want: Labels{{Name: "cpu", Value: "0"}, {Name: "mode", Value: "user"}}},
		{in: `mountpoint="/a\\b\"c\nd"`, want: Labels{{Name: "mountpoint", Value: "/a\\b\"c\nd"}}},
		{in: `chip="a=b,c"`, want: Labels{{Name: "chip", Value: "a=b,c"}}},
		{in: `device="\xff"`, want: Labels{{Name: "device", Value: "\xff"}}},
		{in: `cpu`, wantErr: true},
		{in: `=0`, wantErr: true},
		{in: `cpu="0`, wantErr: true},
		{in: `cpu=a"b`, wantErr: true},
		{in: `cpu="0" mode="user"`, wantErr: true},
		{in: `cpu="0",`, wantErr: true},
	}
	for _, tt := range tests {
		got, err := ParseLabels(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("ParseLabels(%q) error = %v, want error %v", tt.in, err, tt.wantErr)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseLabels(%q) mismatch (-want +got):\n%s", tt.in, diff)
		}
	}
}

// FuzzParseLabels checks that whatever ParseLabels accepts survives Key and
// a second parse: the round trip the store's series table makes.
func FuzzParseLabels(f *testing.F) {
	f.Add(`cpu="0",mode="user"`)
	f.Add(`mountpoint=/home`)
	f.Add(`mountpoint="/a\\b\"c\nd"`)
	f.Add(`device="\x1b[2J\t\xff"`)
	f.Fuzz(func(t *testing.T, s string) {
		ls, err := ParseLabels(s)
		if err != nil {
			return
		}
		again, err := ParseLabels(ls.Key())
		if err != nil {
			t.Fatalf("ParseLabels(%q): %v", ls.Key(), err)
		}
		if diff := cmp.Diff(ls, again, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("labels do not survive a round trip (-want +got):\n%s", diff)
		}
		if ls.String() != "{"+ls.Key()+"}" && len(ls) > 0 {
			t.Errorf("%v: String %q is not Key %q in braces", ls, ls.String(), ls.Key())
		}
	})
}

func TestLabelsSorted(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		in     Labels
		want   Labels
		copied bool
	}{
		{name: "none", in: nil, want: nil},
		{name: "sorted", in: Labels{{"cpu", "0"}, {"mode", "user"}}, want: Labels{{"cpu", "0"}, {"mode", "user"}}},
		{name: "by name", in: Labels{{"mode", "user"}, {"cpu", "0"}}, want: Labels{{"cpu", "0"}, {"mode", "user"}}, copied: true},
		{name: "then by value", in: Labels{{"cpu", "1"}, {"cpu", "0"}}, want: Labels{{"cpu", "0"}, {"cpu", "1"}}, copied: true},
	}
	for _, tt := range tests {
		before := slices.Clone(tt.in)
		got := tt.in.Sorted()
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s: %v.Sorted() mismatch (-want +got):\n%s", tt.name, tt.in, diff)
		}
		if diff := cmp.Diff(before, tt.in); diff != "" {
			t.Errorf("%s: Sorted reordered its receiver (-before +after):\n%s", tt.name, diff)
		}
		if len(got) > 0 && (&got[0] != &tt.in[0]) != tt.copied {
			t.Errorf("%s: Sorted copied = %v, want %v", tt.name, !tt.copied, tt.copied)
		}
	}
}
