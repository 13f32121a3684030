package procfs

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseFileNr(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		want     FileNr
		wantErr  bool
	}{
		{name: "tabs", in: "601\t0\t2466112\n", want: FileNr{Allocated: 601, Maximum: 2466112}},
		{name: "spaces", in: "1 0 9223372036854775807", want: FileNr{Allocated: 1, Maximum: 9223372036854775807}},
		{name: "two fields", in: "601\t0\n", wantErr: true},
		{name: "four fields", in: "1 0 2 3\n", wantErr: true},
		{name: "garbage", in: "x\t0\t1\n", wantErr: true},
		{name: "bad maximum", in: "1\t0\t-1\n", wantErr: true},
		{name: "empty", in: "", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseFileNr([]byte(tt.in))
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseFileNr(%q) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseFileNr(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func FuzzParseFileNr(f *testing.F) {
	f.Add([]byte("601\t0\t2466112\n"))
	f.Add([]byte("1 0 2 3"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if _, err := ParseFileNr(b); err != nil && err.Error() == "" {
			t.Error("an error without a message")
		}
	})
}

// TestClockSources: clocksources in N's order (clocksource10 after 2),
// other entries skipped, and a sysfs without the directory is no error.
func TestClockSources(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	proc, sys := filepath.Join(dir, "proc"), filepath.Join(dir, "sys")
	write := func(path, s string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(proc, "stat"), "cpu 0 0 0 0\n")
	if err := os.MkdirAll(sys, 0o755); err != nil {
		t.Fatal(err)
	}
	fs, err := NewFS(proc, sys)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := fs.ClockSources(); err != nil || got != nil {
		t.Fatalf("no clocksource dir: %v, %v", got, err)
	}
	cs := filepath.Join(sys, "devices", "system", "clocksource")
	for n, s := range map[string][2]string{"0": {"tsc hpet acpi_pm \n", "tsc\n"}, "10": {"kvm-clock \n", "kvm-clock\n"}, "2": {"hpet\n", "hpet\n"}} {
		write(filepath.Join(cs, "clocksource"+n, "available_clocksource"), s[0])
		write(filepath.Join(cs, "clocksource"+n, "current_clocksource"), s[1])
	}
	write(filepath.Join(cs, "uevent"), "")
	got, err := fs.ClockSources()
	if err != nil {
		t.Fatal(err)
	}
	want := []ClockSource{
		{Name: "0", Available: []string{"tsc", "hpet", "acpi_pm"}, Current: "tsc"},
		{Name: "2", Available: []string{"hpet"}, Current: "hpet"},
		{Name: "10", Available: []string{"kvm-clock"}, Current: "kvm-clock"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ClockSources mismatch (-want +got):\n%s", diff)
	}
}
