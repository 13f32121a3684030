package sensor

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
)

func TestLoadRead(t *testing.T) {
	t.Parallel()
	tests := []struct {
		machine  string
		want     map[string]float64
		wantPSI  bool
		goldenAs string
	}{
		{
			machine: "normal",
			want: map[string]float64{
				"load.percent": 1.73 / 4 * 100, "load.1": 1.73, "load.5": 1.2, "load.15": 0.95,
				"load.runnable": 3, "load.tasks": 812,
				`pressure{kind="some",resource="cpu",window="avg10"}`:        2.04,
				`pressure{kind="full",resource="io",window="avg300"}`:        0.27,
				`pressure.stalled_seconds_total{kind="some",resource="cpu"}`: 183.477215,
			},
			wantPSI:  true,
			goldenAs: "load-normal",
		},
		{
			machine: "cores64", // no PSI
			want: map[string]float64{
				"load.percent": 71.25 / 64 * 100, "load.1": 71.25, "load.5": 64.02, "load.15": 60.99,
				"load.runnable": 70, "load.tasks": 1893,
			},
		},
		{
			machine: "old-kernel", // no cpu/online in sysfs: cores from /proc/stat
			want: map[string]float64{
				"load.percent": 0, "load.1": 0, "load.5": 0.01, "load.15": 0.05,
				"load.runnable": 1, "load.tasks": 201,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.machine, func(t *testing.T) {
			t.Parallel()
			l := NewLoad(cmlFS(t, tt.machine))
			if l.Name() != reading.SensorLoad {
				t.Errorf("Name() = %q", l.Name())
			}
			r, err := l.Read(context.Background(), cmlNow)
			if err != nil {
				t.Fatal(err)
			}
			got := cmlValues(r)
			for k, v := range tt.want {
				if g, ok := got[k]; !ok || g != v {
					t.Errorf("%s = %v (present %v), want %v", k, g, ok, v)
				}
			}
			psi := false
			for k := range got {
				psi = psi || strings.HasPrefix(k, "pressure")
			}
			if psi != tt.wantPSI {
				t.Errorf("pressure metrics present = %v, want %v", psi, tt.wantPSI)
			}
			if r.Primary != reading.LoadPercent || r.Note != "" {
				t.Errorf("primary %q note %q; want %q and no note", r.Primary, r.Note, reading.LoadPercent)
			}
			cmlCheckBounds(t, r)
			if tt.goldenAs != "" {
				cmlGolden(t, tt.goldenAs, cmlText(r))
			}
		})
	}
}

func TestLoadOldCoreCount(t *testing.T) {
	t.Parallel()
	root, pfs := copyMachine(t, "old-kernel")
	writeFile(t, filepath.Join(root, "proc", "loadavg"), "3.00 2.00 1.00 4/201 3012\n")
	r, err := NewLoad(pfs).Read(context.Background(), cmlNow)
	if err != nil {
		t.Fatal(err)
	}
	// Two cores in /proc/stat, load 3: 150 %, not clamped.
	if v, _ := r.Value(reading.LoadPercent); v != 150 {
		t.Errorf("load.percent = %v, want 150", v)
	}
}

func TestLoadBadFiles(t *testing.T) {
	t.Parallel()
	tests := []struct{ machine, want string }{
		{"garbage", `loadavg: 1-minute load: "high" is not a number`},
		{"empty", "loadavg: empty file"},
		{"truncated", `loadavg: 15-minute load: "" is not a number`},
	}
	for _, tt := range tests {
		_, err := NewLoad(cmlFS(t, tt.machine)).Read(context.Background(), cmlNow)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Read error = %v, want one containing %q", tt.machine, err, tt.want)
		}
	}
	root, pfs := copyMachine(t, "normal")
	writeFile(t, filepath.Join(root, "sys/devices/system/cpu/online"), "0-x\n")
	if _, err := NewLoad(pfs).Read(context.Background(), cmlNow); err == nil || !strings.Contains(err.Error(), `online: CPU list: "0-x" is not a range`) {
		t.Errorf("bad cpu/online: error %v", err)
	}
}

// A broken pressure file costs only its metrics, and says so.
func TestLoadBadPressure(t *testing.T) {
	t.Parallel()
	root, pfs := copyMachine(t, "normal")
	writeFile(t, filepath.Join(root, "proc/pressure/memory"), "some avg10=x avg60=0 avg300=0 total=0\n")
	r, err := NewLoad(pfs).Read(context.Background(), cmlNow)
	if err != nil {
		t.Fatalf("Read error %v; a bad pressure file must not fail the load reading", err)
	}
	if want := `pressure/memory: line 1 (some): avg10: "x" is not a number`; !strings.Contains(r.Note, want) {
		t.Errorf("Note = %q, want one containing %q", r.Note, want)
	}
	got := cmlValues(r)
	if _, ok := got[`pressure{kind="some",resource="memory",window="avg10"}`]; ok {
		t.Errorf("memory pressure reported from a broken file")
	}
	if _, ok := got[`pressure{kind="some",resource="io",window="avg10"}`]; !ok {
		t.Errorf("io pressure missing beside a broken memory file")
	}
}

// TestLoadThisMachine checks the real load against nproc and /proc/loadavg.
func TestLoadThisMachine(t *testing.T) {
	t.Parallel()
	r, err := NewLoad(cmlRealFS(t)).Read(context.Background(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if r.Note != "" {
		t.Errorf("Note = %q on this machine", r.Note)
	}
	n, ok := cmlOnlineCPUs(t)
	if !ok {
		t.Skip("no CPU count to compare with")
	}
	l1, _ := r.Value(reading.Load1)
	pct, _ := r.Value(reading.LoadPercent)
	if want := l1 / float64(n) * 100; pct != want {
		t.Errorf("load.percent = %v, want load.1 %v / %d online CPUs = %v", pct, l1, n, want)
	}
}

func BenchmarkLoadRead(b *testing.B) {
	for _, machine := range []string{"normal", "cores64"} {
		b.Run(machine, func(b *testing.B) {
			l := NewLoad(cmlFS(b, machine))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := l.Read(context.Background(), cmlNow); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("proc", func(b *testing.B) {
		l := NewLoad(cmlRealFS(b))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := l.Read(context.Background(), time.Now()); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func TestReadCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	pfs := cmlFS(t, "normal")
	for _, s := range []Sensor{NewCPU(pfs), NewMemory(pfs), NewLoad(pfs)} {
		if _, err := s.Read(ctx, cmlNow); err != context.Canceled {
			t.Errorf("%s: Read with a cancelled context: error %v, want context.Canceled", s.Name(), err)
		}
	}
}
