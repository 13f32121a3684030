package text

import (
	"fmt"
	"strconv"

	"github.com/vigia-dev/vigia/internal/reading"
)

// The words of the commands that print tables and lines: report, history,
// alert test, serve. Their tables fix each column's width in the command's
// format string; the Spanish headings fit the same widths, so rows line up
// in both languages.

// Heading is a column header of report or history, by its English header.
func (t *Text) Heading(en string) string {
	if t.lang != Spanish {
		return en
	}
	switch en {
	case "METRIC":
		return "MÉTRICA"
	case "PEAK":
		return "PICO"
	case "AT":
		return "CUÁNDO"
	case "MEAN":
		return "MEDIA"
	case "RULE":
		return "REGLA"
	case "WARNING":
		return "AVISO"
	case "CRITICAL":
		return "CRÍTICO"
	case "RAISED":
		return "VECES"
	case "AT END":
		return "AL FINAL"
	case "CPU TIME":
		return "TIEMPO CPU"
	case "PEAK RSS":
		return "RSS MÁX"
	case "COMMAND LINE":
		return "LÍNEA DE ORDEN"
	case "STARTED":
		return "INICIO"
	case "LIFETIME":
		return "DURACIÓN"
	case "MOUNT":
		return "MONTAJE"
	case "DEVICE":
		return "DISPOSITIVO"
	case "USED BEFORE":
		return "USO ANTES"
	case "USED AFTER":
		return "USO DESPUÉS"
	case "GROWTH":
		return "CRECIMIENTO"
	case "SIZE":
		return "TAMAÑO"
	case "TIME":
		return "HORA"
	case "MIN":
		return "MÍN"
	case "MAX":
		return "MÁX"
	}
	// PID, COMMAND, USER: the process table's words.
	return t.Column(en)
}

// ReportTitle heads `vigia report`.
func (t *Text) ReportTitle(from, to, span string) string {
	return fmt.Sprintf(t.pick("Report %s → %s (%s)", "Informe %s → %s (%s)"), from, to, span)
}

// ReportEmpty says the period holds nothing to report.
func (t *Text) ReportEmpty() string {
	return t.pick("Nothing recorded in this period.", "Nada registrado en este periodo.")
}

// Peaks heads the report's table of sensor peaks.
func (t *Text) Peaks() string { return t.pick("Peaks", "Picos") }

// ReportAlerts heads the report's table of alerts.
func (t *Text) ReportAlerts() string { return t.pick("Alerts", "Alertas") }

// NoneRaised says no alert was raised in the period.
func (t *Text) NoneRaised() string { return t.pick("none raised", "ninguna activada") }

// ReportLevel is an alert's level at the end of the period. English keeps
// the lower-case names of the JSON form, which the report always printed.
func (t *Text) ReportLevel(s reading.Status) string {
	if t.lang != Spanish {
		return s.String()
	}
	switch s {
	case reading.Unknown:
		return "desconocido"
	case reading.Normal:
		return "normal"
	case reading.Warning:
		return "aviso"
	case reading.Critical:
		return "crítico"
	}
	return s.String()
}

// TopCPUTime heads the report's processes that used the most CPU time.
func (t *Text) TopCPUTime() string {
	return t.pick("Top processes by CPU time", "Procesos con más tiempo de CPU")
}

// TopPeakMemory heads the report's processes that used the most memory.
func (t *Text) TopPeakMemory() string {
	return t.pick("Top processes by peak memory", "Procesos con mayor pico de memoria")
}

// ProcessChurn counts the processes that started and ended in the period.
func (t *Text) ProcessChurn(started, ended int) string {
	if t.lang == Spanish {
		return "Procesos: " + strconv.Itoa(started) + " " + form(started, "iniciado", "iniciados") + ", " +
			strconv.Itoa(ended) + " " + form(ended, "terminado", "terminados")
	}
	return "Processes: " + strconv.Itoa(started) + " started, " + strconv.Itoa(ended) + " ended"
}

// EndedList heads the processes that ended, largest first.
func (t *Text) EndedList() string {
	return t.pick("Ended, largest first:", "Terminados, los mayores primero:")
}

// StartedList heads the processes that started, earliest first.
func (t *Text) StartedList() string {
	return t.pick("Started, earliest first:", "Iniciados, por orden de inicio:")
}

// StillRunning is a lifetime that has not ended.
func (t *Text) StillRunning() string { return t.pick("running", "en marcha") }

// Filesystems heads the report's table of filesystem growth.
func (t *Text) Filesystems() string { return t.pick("Filesystems", "Sistemas de archivos") }

// HistoryTitle heads one series of `vigia history`.
func (t *Text) HistoryTitle(series, from, to, step string) string {
	return fmt.Sprintf(t.pick("%s  %s → %s, step %s", "%s  %s → %s, paso %s"), series, from, to, step)
}

// NoSamples says a series has no samples in the range.
func (t *Text) NoSamples() string {
	return t.pick("no samples in this range", "sin muestras en este intervalo")
}

// HistorySummary closes a series: its minimum, mean, and maximum and when.
func (t *Text) HistorySummary(lo, mean, hi, at string) string {
	return fmt.Sprintf(t.pick("min %s  mean %s  max %s at %s", "mín %s  media %s  máx %s a las %s"), lo, mean, hi, at)
}

// NothingYet says the history database holds no series.
func (t *Text) NothingYet() string {
	return t.pick("Nothing recorded yet.", "Nada registrado todavía.")
}

// NotifierOK is a notifier's line when the test alert was delivered. The
// word takes six columns in both languages so names line up with FAIL's.
func (t *Text) NotifierOK(name, kind, took string) string {
	return Printable(fmt.Sprintf(t.pick("ok    %s (%s) in %s", "ok    %s (%s) en %s"), name, kind, took))
}

// NotifierFailed is a notifier's line when the test alert was not
// delivered; Printable, as the error may quote what the receiver answered.
func (t *Text) NotifierFailed(name, kind, took string, err error) string {
	return Printable(fmt.Sprintf(t.pick("FAIL  %s (%s) after %s: %v", "FALLO %s (%s) tras %s: %v"), name, kind, took, err))
}

// OnlyLogNotifier warns that without a config file only the log notifier
// is tested.
func (t *Text) OnlyLogNotifier() string {
	return t.pick("no config file, so only the log notifier is tested (see --config)",
		"sin archivo de configuración, solo se prueba el notificador log (ver --config)")
}

// BuiltFrom is version's second line: the commit a binary was built from
// and that commit's date (empty when unknown).
func (t *Text) BuiltFrom(commit, date string) string {
	if date == "" {
		return fmt.Sprintf(t.pick("commit %s", "commit %s"), commit)
	}
	return fmt.Sprintf(t.pick("commit %s of %s", "commit %s del %s"), commit, date)
}

// Serving is serve's start-up line.
func (t *Text) Serving(version, url string) string {
	return fmt.Sprintf(t.pick("vigia %s serving on %s (metrics at /metrics)", "vigia %s sirviendo en %s (métricas en /metrics)"), version, url)
}

// InsecureNoAuth warns that serve answers anyone who reaches its address.
func (t *Text) InsecureNoAuth(listen string) string {
	return fmt.Sprintf(t.pick("warning: --insecure-no-auth: anyone who can reach %s reads this machine's processes and state without a token",
		"aviso: --insecure-no-auth: quien alcance %s lee los procesos y el estado de esta máquina sin token"), listen)
}

// NotRecording says serve runs on without its default history database.
func (t *Text) NotRecording(err error) string {
	return fmt.Sprintf(t.pick("not recording history: %v (pass --db FILE, or --no-record)",
		"no se registra el historial: %v (use --db ARCHIVO, o --no-record)"), err)
}
