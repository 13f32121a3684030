package text

import (
	"testing"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
)

// TestAlertFacts: every shape of fact a rule hands over reads in both
// languages, and differently in each.
func TestAlertFacts(t *testing.T) {
	t.Parallel()
	ls := []reading.Label{{Name: "mountpoint", Value: "/"}}
	tr := func(from, to reading.Status, f reading.Fact) reading.Transition {
		f.Unit = reading.Percent
		return reading.Transition{Metric: reading.FSUsedPercent, Labels: ls, From: from, To: to, Value: 91, Threshold: 90, Fact: &f}
	}
	const gib = 1 << 30
	t0 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	trend := func(from, to reading.Status, f reading.Fact) reading.Transition {
		f.Shape, f.Unit = reading.ShapeTrend, reading.Bytes
		return reading.Transition{Metric: reading.FSAvail, Labels: ls, From: from, To: to, Value: 20 * gib, Threshold: 0, Fact: &f}
	}
	rate := func(from, to reading.Status, v, b float64, f reading.Fact) reading.Transition {
		f.Shape, f.Unit, f.Per, f.Window = reading.ShapeRate, reading.Bytes, time.Minute, 10*time.Minute
		return reading.Transition{Metric: reading.MemUsed, From: from, To: to, Value: v, Threshold: b, Fact: &f}
	}
	pid := []reading.Label{{Name: "comm", Value: "app"}, {Name: "pid", Value: "7"}}
	proc := func(from, to reading.Status, v, b float64, f reading.Fact) reading.Transition {
		switch f.Shape {
		case reading.ShapeProcessCPU:
			f.Unit = reading.Percent
		default:
			f.Unit = reading.Bytes
		}
		return reading.Transition{Metric: "procs", Labels: pid, From: from, To: to, Value: v, Threshold: b, Fact: &f}
	}
	missing := func(ls []reading.Label, from, to reading.Status, n float64, f reading.Fact) reading.Transition {
		f.Shape = reading.ShapeMissing
		return reading.Transition{Metric: "procs.matching", Labels: ls, From: from, To: to, Value: n, Fact: &f}
	}
	absent := func(metric string, from, to reading.Status, f reading.Fact) reading.Transition {
		f.Shape = reading.ShapeAbsent
		return reading.Transition{Sensor: reading.SensorDisk, Metric: metric, Labels: nil, From: from, To: to, Fact: &f}
	}
	tests := []struct {
		name   string
		tr     reading.Transition
		en, es string
	}{
		{"raised", tr(reading.Normal, reading.Critical, reading.Fact{}), `fs.used_percent{mountpoint="/"} is 91%, above the critical bound 90%`,
			`fs.used_percent{mountpoint="/"} está en 91%, por encima del umbral de crítico 90%`},
		{"raised below, waited", tr(reading.Normal, reading.Warning, reading.Fact{Below: true, For: time.Minute}), `fs.used_percent{mountpoint="/"} is 91%, below the warning bound 90% for 1m0s`,
			`fs.used_percent{mountpoint="/"} está en 91%, por debajo del umbral de aviso 90% durante 1m0s`},
		{"gone", tr(reading.Warning, reading.Normal, reading.Fact{Gone: true, Left: reading.Warning}), `fs.used_percent{mountpoint="/"} is no longer reported (was warning at 91%)`,
			`fs.used_percent{mountpoint="/"} ya no se informa (estaba en aviso con 91%)`},
		{"resolved", tr(reading.Warning, reading.Normal, reading.Fact{Left: reading.Warning}), `fs.used_percent{mountpoint="/"} is back to normal at 91% (warning bound 90%)`,
			`fs.used_percent{mountpoint="/"} vuelve a la normalidad con 91% (umbral de aviso 90%)`},
		{"lowered", tr(reading.Critical, reading.Warning, reading.Fact{Left: reading.Critical}), `fs.used_percent{mountpoint="/"} is down to warning at 91% (critical bound 90%)`,
			`fs.used_percent{mountpoint="/"} baja a aviso con 91% (umbral de crítico 90%)`},

		{"trend raised", trend(reading.Normal, reading.Warning, reading.Fact{Slope: -10 * gib, ETA: 2 * time.Hour, At: t0.Add(2 * time.Hour), Horizon: 4 * time.Hour}),
			`fs.avail{mountpoint="/"} is 20.0 GiB and falling 10.0 GiB/h: predicted to reach 0 B at 2026-03-01 12:00 UTC (in 2h, warning horizon 4h)`,
			`fs.avail{mountpoint="/"} está en 20.0 GiB y baja a 10.0 GiB/h: se prevé que llegue a 0 B el 2026-03-01 12:00 UTC (en 2h, horizonte de aviso 4h)`},
		{"trend rising", trend(reading.Normal, reading.Critical, reading.Fact{Slope: gib, ETA: 90 * time.Second, At: t0.Add(90 * time.Second), Horizon: time.Hour}),
			`fs.avail{mountpoint="/"} is 20.0 GiB and rising 1.0 GiB/h: predicted to reach 0 B at 2026-03-01 10:01 UTC (in 1m30s, critical horizon 1h)`,
			`fs.avail{mountpoint="/"} está en 20.0 GiB y sube a 1.0 GiB/h: se prevé que llegue a 0 B el 2026-03-01 10:01 UTC (en 1m30s, horizonte de crítico 1h)`},
		{"trend gone", trend(reading.Warning, reading.Normal, reading.Fact{Gone: true}), `fs.avail{mountpoint="/"} is no longer reported (was warning at 20.0 GiB)`,
			`fs.avail{mountpoint="/"} ya no se informa (estaba en aviso con 20.0 GiB)`},
		{"trend resolved", trend(reading.Warning, reading.Normal, reading.Fact{}), `fs.avail{mountpoint="/"} at 20.0 GiB is no longer predicted to reach 0 B soon`,
			`fs.avail{mountpoint="/"}, con 20.0 GiB, ya no se prevé que llegue pronto a 0 B`},
		{"trend lowered", trend(reading.Critical, reading.Warning, reading.Fact{Horizon: time.Hour}), `fs.avail{mountpoint="/"} at 20.0 GiB is down to warning: 0 B predicted in more than 1h`,
			`fs.avail{mountpoint="/"}, con 20.0 GiB, baja a aviso: 0 B previsto en más de 1h`},

		{"rate raised", rate(reading.Normal, reading.Warning, 5<<20, 1<<20, reading.Fact{For: time.Minute}),
			`memory.used is growing 5.0 MiB/min over the last 10m, above the warning bound 1.0 MiB/min for 1m0s`,
			`memory.used crece 5.0 MiB/min en los últimos 10m, por encima del umbral de aviso 1.0 MiB/min durante 1m0s`},
		{"rate raised shrinking", rate(reading.Normal, reading.Critical, -5<<20, -1<<20, reading.Fact{Below: true}),
			`memory.used is changing -5.0 MiB/min over the last 10m, below the critical bound -1.0 MiB/min`,
			`memory.used cambia -5.0 MiB/min en los últimos 10m, por debajo del umbral de crítico -1.0 MiB/min`},
		{"rate gone", rate(reading.Critical, reading.Normal, 0, 0, reading.Fact{Gone: true}), `memory.used is no longer reported (was critical)`,
			`memory.used ya no se informa (estaba en crítico)`},
		{"rate resolved", rate(reading.Warning, reading.Normal, 1024, 1<<20, reading.Fact{Left: reading.Warning}),
			`memory.used changes 1.0 KiB/min, back to normal (warning bound 1.0 MiB/min)`,
			`memory.used cambia 1.0 KiB/min, vuelve a la normalidad (umbral de aviso 1.0 MiB/min)`},
		{"rate lowered", rate(reading.Critical, reading.Warning, 2<<20, 3<<20, reading.Fact{Left: reading.Critical}),
			`memory.used changes 2.0 MiB/min, down to warning (critical bound 3.0 MiB/min)`,
			`memory.used cambia 2.0 MiB/min, baja a aviso (umbral de crítico 3.0 MiB/min)`},

		{"cpu raised", proc(reading.Normal, reading.Warning, 95, 90, reading.Fact{Shape: reading.ShapeProcessCPU}),
			`process app (pid 7) uses 95% CPU, above the warning bound 90%`, `el proceso app (pid 7) usa 95% de CPU, por encima del umbral de aviso 90%`},
		{"rss resolved", proc(reading.Warning, reading.Normal, 1<<30, 2<<30, reading.Fact{Shape: reading.ShapeProcessRSS, Left: reading.Warning}),
			`process app (pid 7) uses 1.0 GiB of memory, back to normal (warning bound 2.0 GiB)`,
			`el proceso app (pid 7) usa 1.0 GiB de memoria, vuelve a la normalidad (umbral de aviso 2.0 GiB)`},
		{"rss lowered", proc(reading.Critical, reading.Warning, 3<<30, 4<<30, reading.Fact{Shape: reading.ShapeProcessRSS, Left: reading.Critical}),
			`process app (pid 7) uses 3.0 GiB of memory, down to warning (critical bound 4.0 GiB)`,
			`el proceso app (pid 7) usa 3.0 GiB de memoria, baja a aviso (umbral de crítico 4.0 GiB)`},
		{"leak raised", proc(reading.Normal, reading.Critical, 10<<20, 1<<20,
			reading.Fact{Shape: reading.ShapeLeak, Per: time.Hour, First: 100 << 20, Last: 600 << 20, Span: 50 * time.Minute}),
			`process app (pid 7) RSS grew from 100.0 MiB to 600.0 MiB over 50m (10.0 MiB/h), above the critical bound 1.0 MiB/h`,
			`el proceso app (pid 7) ha pasado de 100.0 MiB a 600.0 MiB de RSS en 50m (10.0 MiB/h), por encima del umbral de crítico 1.0 MiB/h`},
		{"leak unfitted", proc(reading.Normal, reading.Warning, 10<<20, 1<<20, reading.Fact{Shape: reading.ShapeLeak, Per: 24 * time.Hour, Last: 600 << 20}),
			`process app (pid 7) RSS is 600.0 MiB, growing 10.0 MiB/day, above the warning bound 1.0 MiB/day`,
			`el proceso app (pid 7) tiene una RSS de 600.0 MiB que crece 10.0 MiB/día, por encima del umbral de aviso 1.0 MiB/día`},
		{"process exited", proc(reading.Warning, reading.Normal, 0, 0, reading.Fact{Shape: reading.ShapeProcessCPU, Gone: true}),
			`process app (pid 7) has exited (was warning)`, `el proceso app (pid 7) ha terminado (estaba en aviso)`},
		{"process ran exec", proc(reading.Critical, reading.Normal, 0, 0, reading.Fact{Shape: reading.ShapeLeak, Gone: true, Exec: true}),
			`process app (pid 7) no longer runs the command matched (was critical)`, `el proceso app (pid 7) ya no ejecuta la orden buscada (estaba en crítico)`},

		{"missing", missing([]reading.Label{{Name: "comm", Value: "sshd"}}, reading.Normal, reading.Critical, 0, reading.Fact{For: 30 * time.Second}),
			`no process named "sshd" is running (for 30s)`, `no hay ningún proceso de nombre "sshd" en marcha (durante 30s)`},
		{"missing both", missing([]reading.Label{{Name: "cmdline", Value: "-D$"}, {Name: "comm", Value: "sshd"}}, reading.Normal, reading.Warning, 0, reading.Fact{}),
			`no process named "sshd" with a command line matching "-D$" is running`,
			`no hay ningún proceso de nombre "sshd" y con una línea de órdenes que casa con "-D$" en marcha`},
		{"missing back", missing([]reading.Label{{Name: "cmdline", Value: "worker"}}, reading.Warning, reading.Normal, 1, reading.Fact{PID: 42}),
			`a process with a command line matching "worker" is running again (pid 42)`,
			`vuelve a haber un proceso con una línea de órdenes que casa con "worker" en marcha (pid 42)`},
		{"missing back, many", missing([]reading.Label{{Name: "comm", Value: "nginx"}}, reading.Warning, reading.Normal, 3, reading.Fact{PID: 42}),
			`3 processes named "nginx" are running again (lowest pid 42)`, `vuelve a haber 3 procesos de nombre "nginx" en marcha (pid más bajo 42)`},

		{"absent series", absent(reading.DiskUsedPercent, reading.Normal, reading.Warning, reading.Fact{Silent: time.Minute, Err: "open /proc/diskstats: permission denied"}),
			`disk.used_percent has not been reported for 1m0s (sensor disk: open /proc/diskstats: permission denied)`,
			`disk.used_percent no se informa desde hace 1m0s (sensor disk: open /proc/diskstats: permission denied)`},
		{"absent series, stale", absent(reading.DiskUsedPercent, reading.Normal, reading.Warning, reading.Fact{Silent: time.Minute, Err: "stale"}),
			`disk.used_percent has not been reported for 1m0s`, `disk.used_percent no se informa desde hace 1m0s`},
		{"absent sensor failed", absent("", reading.Normal, reading.Critical, reading.Fact{Silent: 5 * time.Second, Err: "boom"}),
			`sensor disk has failed: boom (for 5s)`, `el sensor disk ha fallado: boom (desde hace 5s)`},
		{"absent sensor stale", absent("", reading.Normal, reading.Critical, reading.Fact{Silent: 5 * time.Second, Err: "stale: read took longer than 2s"}),
			`sensor disk is stale: read took longer than 2s (for 5s)`, `el sensor disk se ha atascado: read took longer than 2s (desde hace 5s)`},
		{"absent sensor stale, bare", absent("", reading.Normal, reading.Critical, reading.Fact{Silent: 5 * time.Second, Err: "stale"}),
			`sensor disk is stale (for 5s)`, `el sensor disk se ha atascado (desde hace 5s)`},
		{"absent series back", absent(reading.DiskUsedPercent, reading.Warning, reading.Normal, reading.Fact{}),
			`disk.used_percent is reported again`, `disk.used_percent vuelve a informarse`},
		{"absent sensor back", absent("", reading.Critical, reading.Normal, reading.Fact{}),
			`sensor disk is reporting again`, `el sensor disk vuelve a informar`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			en, es := For(English).Alert(&tt.tr), For(Spanish).Alert(&tt.tr)
			if en != tt.en {
				t.Errorf("English = %q, want %q", en, tt.en)
			}
			if es != tt.es {
				t.Errorf("Spanish = %q, want %q", es, tt.es)
			}
		})
	}
}

func TestPer(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{time.Second: "/s", time.Minute: "/min", time.Hour: "/h", 10 * time.Minute: "/10m", 90 * time.Second: "/1m30s"} {
		if got := For(English).Per(d); got != want {
			t.Errorf("Per(%v) = %q, want %q", d, got, want)
		}
	}
	if got := For(Spanish).Per(24 * time.Hour); got != "/día" {
		t.Errorf("Spanish Per(24h) = %q, want /día", got)
	}
}
