package procfs

import (
	"errors"
	iofs "io/fs"
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

// TestReadClockSourceHeld: a clocksource read through held descriptors
// sees a new current and available clocksource at the next read, keeps
// its strings (no allocation) while they read the same, and fails with
// fs.ErrNotExist once an attribute is gone.
//
// Not parallel: AllocsPerRun counts every goroutine's allocations.
func TestReadClockSourceHeld(t *testing.T) {
	sys := t.TempDir()
	dir := filepath.Join(sys, "devices", "system", "clocksource", "clocksource0")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name, s string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("available_clocksource", "tsc hpet acpi_pm \n")
	write("current_clocksource", "tsc\n")
	fs := FS{sys: sys}
	h := fs.ClockSourceHeld("0")
	defer h.Close()
	var cs ClockSource
	var buf []byte
	read := func(want ClockSource) {
		t.Helper()
		var err error
		if buf, err = ReadClockSourceHeld(h, &cs, buf); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, cs); diff != "" {
			t.Errorf("ReadClockSourceHeld mismatch (-want +got):\n%s", diff)
		}
	}
	read(ClockSource{Available: []string{"tsc", "hpet", "acpi_pm"}, Current: "tsc"})
	if n := testing.AllocsPerRun(10, func() { buf, _ = ReadClockSourceHeld(h, &cs, buf) }); n != 0 {
		t.Errorf("unchanged clocksource: %v allocations a read, want 0", n)
	}
	// The kernel found the TSC unstable: it is no longer offered, and
	// HPET took over.
	write("available_clocksource", "hpet acpi_pm \n")
	write("current_clocksource", "hpet\n")
	read(ClockSource{Available: []string{"hpet", "acpi_pm"}, Current: "hpet"})
	if err := os.Remove(filepath.Join(dir, "current_clocksource")); err != nil {
		t.Fatal(err)
	}
	h.Close() // a removed sysfs file fails its held descriptor; a regular one does not
	if _, err := ReadClockSourceHeld(h, &cs, buf); !errors.Is(err, iofs.ErrNotExist) {
		t.Errorf("missing current_clocksource: %v, want fs.ErrNotExist", err)
	}
}

func TestSameFields(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in     string
		fields []string
		want   bool
	}{
		{"tsc hpet \n", []string{"tsc", "hpet"}, true},
		{"  tsc\thpet", []string{"tsc", "hpet"}, true},
		{"", nil, true},
		{"\n", nil, true},
		{"tsc", nil, false},
		{"tsc hpet", []string{"tsc"}, false},
		{"tsc", []string{"tsc", "hpet"}, false},
		{"tsc\rhpet", []string{"tsc", "hpet"}, false},
		{"tsc hpet", []string{"hpet", "tsc"}, false},
	} {
		if got := sameFields([]byte(tt.in), tt.fields); got != tt.want {
			t.Errorf("sameFields(%q, %q) = %v, want %v", tt.in, tt.fields, got, tt.want)
		}
	}
}

// TestReadClockSourceHeldLive: on this machine's sysfs, held descriptors
// read what fresh opens read, at the first read and the next.
func TestReadClockSourceHeldLive(t *testing.T) {
	t.Parallel()
	fs, err := NewFS("/proc", "/sys")
	if err != nil {
		t.Skip("no /proc:", err)
	}
	want, err := fs.ClockSources()
	if err != nil || len(want) == 0 {
		t.Skip("no clocksources:", err)
	}
	for _, w := range want {
		h := fs.ClockSourceHeld(w.Name)
		got := ClockSource{Name: w.Name}
		var buf []byte
		for range 2 {
			if buf, err = ReadClockSourceHeld(h, &got, buf); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(w, got); diff != "" {
				t.Errorf("clocksource%s mismatch (-fresh +held):\n%s", w.Name, diff)
			}
		}
		h.Close()
	}
}
