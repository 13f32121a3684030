package text

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestCountsAgree: a count of one takes the singular in both languages,
// every other count the plural, in the fleet's and top's words.
func TestCountsAgree(t *testing.T) {
	t.Parallel()
	type words struct{ en, es string }
	tests := []struct {
		name string
		say  func(t *Text, n int) string
		want map[int]words
	}{
		{"fleet summary", func(t *Text, n int) string { return t.FleetSummary(n, n, n) }, map[int]words{
			0: {"0 hosts, 0 down, 0 alerting", "0 equipos, 0 caídos, 0 con alertas"},
			1: {"1 host, 1 down, 1 alerting", "1 equipo, 1 caído, 1 con alertas"},
			2: {"2 hosts, 2 down, 2 alerting", "2 equipos, 2 caídos, 2 con alertas"},
		}},
		{"fleet shown", func(t *Text, n int) string { return t.FleetShown(n, n) }, map[int]words{
			1:    {"1 of 1 host", "1 de 1 equipo"},
			1000: {"1000 of 1000 hosts", "1000 de 1000 equipos"},
		}},
		{"fleet group", func(t *Text, n int) string { return t.FleetGroup("env", "prod", n, n) }, map[int]words{
			1: {"env=prod: 1 host, 1 down", "env=prod: 1 equipo, 1 caído"},
			3: {"env=prod: 3 hosts, 3 down", "env=prod: 3 equipos, 3 caídos"},
		}},
		{"cores", (*Text).Cores, map[int]words{1: {"1 core", "1 núcleo"}, 4: {"4 cores", "4 núcleos"}}},
		{"threads", func(t *Text, n int) string { return t.ProcsDetail(n, n) }, map[int]words{
			1: {"1 running, 1 thread", "1 en ejecución, 1 hilo"},
		}},
		{"config", func(t *Text, n int) string { return t.ConfigOK("f", n, n) }, map[int]words{
			1: {"f: OK (1 rule, 1 notifier)", "f: correcto (1 regla, 1 notificador)"},
			0: {"f: OK (0 rules, 0 notifiers)", "f: correcto (0 reglas, 0 notificadores)"},
		}},
		{"active", (*Text).Active, map[int]words{1: {"1 active", "1 activa"}, 2: {"2 active", "2 activas"}}},
		{"runnable", func(t *Text, n int) string { return t.Runnable(n, n) }, map[int]words{
			1: {"1 of 1 task runnable", "1 de 1 tarea ejecutable"},
			2: {"2 of 2 tasks runnable", "2 de 2 tareas ejecutables"},
		}},
		{"cooler", (*Text).CoolerHidden, map[int]words{
			1: {"… 1 cooler sensor not shown", "… 1 sensor más frío no mostrado"},
			5: {"… 5 cooler sensors not shown", "… 5 sensores más fríos no mostrados"},
		}},
		{"more chars", (*Text).MoreChars, map[int]words{1: {"… 1 more character", "… 1 carácter más"}}},
		{"solaris", (*Text).SolarisMode, map[int]words{
			1: {"CPU %: 100% = 1 core (Solaris mode)", "CPU %: 100% = 1 núcleo (modo Solaris)"},
			8: {"CPU %: 100% = all 8 cores (Solaris mode)", "CPU %: 100% = los 8 núcleos (modo Solaris)"},
		}},
		{"churn", func(t *Text, n int) string { return t.ProcessChurn(n, n) }, map[int]words{
			1: {"Processes: 1 started, 1 ended", "Procesos: 1 iniciado, 1 terminado"},
		}},
		{"summary", func(t *Text, n int) string {
			return t.Summary(map[string]int{"cpu": 0}, map[string]int{"cpu": n}, []string{"cpu"}, n, uint64(n))
		}, map[int]words{
			1: {"Summary: CPU 0 (1 failed) readings; 1 alert transition; 1 dropped", "Resumen: CPU 0 (1 fallida) lecturas; 1 cambio de alerta; 1 descartada"},
		}},
	}
	for _, tt := range tests {
		for n, want := range tt.want {
			got := words{tt.say(For(English), n), tt.say(For(Spanish), n)}
			if diff := cmp.Diff(want, got, cmp.AllowUnexported(words{})); diff != "" {
				t.Errorf("%s of %d mismatch (-want +got):\n%s", tt.name, n, diff)
			}
		}
	}
}
