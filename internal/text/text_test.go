package text

import (
	"testing"

	"github.com/vigia-dev/vigia/internal/reading"
)

func TestFromEnv(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		env  map[string]string
		want Lang
	}{
		{"nothing set", nil, English},
		{"LANG es", map[string]string{"LANG": "es_ES.UTF-8"}, Spanish},
		{"LANG es_AR", map[string]string{"LANG": "es_AR"}, Spanish},
		{"LC_ALL wins over LANG", map[string]string{"LC_ALL": "C", "LANG": "es_ES.UTF-8"}, English},
		{"LC_MESSAGES wins over LANG", map[string]string{"LC_MESSAGES": "es_MX", "LANG": "en_US"}, Spanish},
		{"LC_ALL es", map[string]string{"LC_ALL": "es_ES", "LC_MESSAGES": "en_US"}, Spanish},
		{"estonian is not spanish? it starts with et", map[string]string{"LANG": "et_EE"}, English},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := FromEnv(func(k string) string { return tt.env[k] }); got != tt.want {
				t.Errorf("FromEnv(%v) = %v, want %v", tt.env, got, tt.want)
			}
		})
	}
}

func TestStatusWords(t *testing.T) {
	t.Parallel()
	en, es := For(English), For(Spanish)
	if got := en.Status(reading.Warning); got != "ALERT" {
		t.Errorf("English warning = %q, want ALERT", got)
	}
	if got := es.Status(reading.Warning); got != "ALERTA" {
		t.Errorf("Spanish warning = %q, want ALERTA", got)
	}
	if got := es.Stopped(); got != "Sistema detenido correctamente" {
		t.Errorf("Spanish stop line = %q", got)
	}
	if en.Status(reading.Normal) != "NORMAL" || es.Status(reading.Normal) != "NORMAL" {
		t.Error("normal must read NORMAL in both languages")
	}
}

func TestSummarySaysWhatFailed(t *testing.T) {
	t.Parallel()
	// A sensor that never read is in the summary by its failures alone.
	readings := map[string]int{reading.SensorCPU: 3}
	failed := map[string]int{reading.SensorDisk: 3}
	order := []string{reading.SensorCPU, reading.SensorDisk}
	for _, tt := range []struct {
		lang Lang
		want string
	}{
		{English, "Summary: CPU 3, Disk 0 (3 failed) readings; 1 alert transition; 0 dropped"},
		{Spanish, "Resumen: CPU 3, Disco 0 (3 fallidas) lecturas; 1 cambio de alerta; 0 descartadas"},
	} {
		if got := For(tt.lang).Summary(readings, failed, order, 1, 0); got != tt.want {
			t.Errorf("Summary in %v = %q, want %q", tt.lang, got, tt.want)
		}
	}
}

// TestSensorWords fails when a sensor lacks its display name in a language.
func TestSensorWords(t *testing.T) {
	t.Parallel()
	for _, lang := range Langs {
		for _, name := range reading.Sensors {
			w, ok := sensorWords[name]
			if got := For(lang).pick(w.en, w.es); !ok || got == "" {
				t.Errorf("sensor %q has no display name in language %d", name, lang)
			}
		}
	}
}

// Every language's code is one Parse reads back as that language: shell
// completion offers these codes for --lang.
func TestCodeParses(t *testing.T) {
	t.Parallel()
	for _, l := range Langs {
		if got, err := Parse(l.Code()); err != nil || got != l {
			t.Errorf("Parse(%q) = %v, %v; want %v", l.Code(), got, err, l)
		}
	}
}
