package text

import (
	"fmt"
	"strconv"

	"github.com/vigia-dev/vigia/internal/reading"
)

// The words of the dashboard's process views (detail, signal menu) and of
// its replay.

// NoSelection refuses a process action with an empty table.
func (t *Text) NoSelection() string { return t.pick("no process selected", "ningún proceso elegido") }

// State spells out a /proc state letter; "" for a letter it does not know.
func (t *Text) State(letter string) string {
	switch letter {
	case "R":
		return t.pick("running", "en ejecución")
	case "S":
		return t.pick("sleeping", "durmiendo")
	case "D":
		return t.pick("waiting on disk", "esperando al disco")
	case "Z":
		return t.pick("zombie", "zombi")
	case "T":
		return t.pick("stopped", "detenido")
	case "t":
		return t.pick("stopped by a tracer", "detenido por un trazador")
	case "X":
		return t.pick("dead", "muerto")
	case "I":
		return t.pick("idle", "inactivo")
	}
	return ""
}

// Process heads the detail view.
func (t *Text) Process(pid int32, name string) string {
	return t.pick("Process ", "Proceso ") + strconv.Itoa(int(pid)) + " " + name
}

// CannotRead and Exited say why the detail view has no fresh values.
func (t *Text) CannotRead(pid int32, err error) string {
	return fmt.Sprintf(t.pick("cannot read process %d: %v", "no se puede leer el proceso %d: %v"), pid, err)
}

func (t *Text) Exited(pid int32) string {
	return fmt.Sprintf(t.pick("process %d has exited", "el proceso %d ha terminado"), pid)
}

// MoreChars ends a command line cut in the detail view.
func (t *Text) MoreChars(n int) string {
	return "… " + t.count(n, "more character", "more characters", "carácter más", "caracteres más")
}

// Field is a detail view label, by its English label; the Spanish ones
// fit the 13 cells the view gives its labels.
func (t *Text) Field(en string) string {
	if t.lang != Spanish {
		return en
	}
	switch en {
	case "Command":
		return "Orden"
	case "Executable":
		return "Ejecutable"
	case "Directory":
		return "Directorio"
	case "User":
		return "Usuario"
	case "State":
		return "Estado"
	case "Parent":
		return "Padre"
	case "Started":
		return "Iniciado"
	case "Threads":
		return "Hilos"
	case "Memory":
		return t.Sensor(reading.SensorMemory)
	case "Open files":
		return "Descriptores"
	case "I/O":
		return "E/S"
	case "Children CPU":
		return "CPU de hijos"
	case "Not readable":
		return "No legible"
	}
	return en
}

// Ago says how long ago a process started.
func (t *Text) Ago(d string) string { return t.pick(" ("+d+" ago)", " (hace "+d+")") }

// CPUUse is the detail view's CPU line: values and the words between
// them, alternately, as the view paints them.
func (t *Text) CPUUse(now, total string) []string {
	return []string{now + "%", t.pick(" now, ", " ahora, "), total, t.pick(" in all", " en total")}
}

// MemUse is the detail view's memory line, values and words alternately.
func (t *Text) MemUse(rss, pct, virt string) []string {
	return []string{rss, t.pick(" resident, ", " residente, "), pct + "%", t.pick(" of RAM, ", " de la RAM, "),
		virt, t.pick(" virtual", " virtual")}
}

// IOUse is the detail view's I/O line, values and words alternately.
func (t *Text) IOUse(read, written string) []string {
	return []string{read, t.pick(" read, ", " leídos, "), written, t.pick(" written", " escritos")}
}

// Unreadable says a field of another user's process cannot be read.
func (t *Text) Unreadable() string {
	return t.pick("not readable (another user's process)", "no legible (proceso de otro usuario)")
}

// UnreadablePaths says the same of the executable and the directory.
func (t *Text) UnreadablePaths() string {
	return t.pick("executable and directory (another user's process)", "ejecutable y directorio (proceso de otro usuario)")
}

// SignalHelp says what a signal of the menu does, by its name.
func (t *Text) SignalHelp(name string) string {
	switch name {
	case "TERM":
		return t.pick("ask to exit", "pedir que termine")
	case "KILL":
		return t.pick("end at once", "terminar ya")
	case "INT":
		return t.pick("interrupt, as Ctrl-C", "interrumpir, como Ctrl-C")
	case "HUP":
		return t.pick("hang up, often reload", "colgar, suele recargar")
	case "STOP":
		return t.pick("pause", "pausar")
	case "CONT":
		return t.pick("resume", "reanudar")
	}
	return ""
}

// NoSignals refuses the signal menu where there is no one to send them.
func (t *Text) NoSignals() string {
	return t.pick("sending signals is not available here", "aquí no se pueden enviar señales")
}

// ForeignPIDs refuses the signal menu when the table is not this machine's
// own /proc (--procfs of another machine or a container): its PIDs would
// reach other processes here. root is the --procfs directory.
func (t *Text) ForeignPIDs(root string) string {
	return fmt.Sprintf(t.pick("signals are off: %s is not this machine's /proc, so its PIDs are not processes here",
		"señales desactivadas: %s no es el /proc de esta máquina, así que sus PID no son procesos de aquí"), root)
}

// Reused refuses a signal whose process has exited and whose PID another
// process has taken since the table showed it.
func (t *Text) Reused(who string) string {
	return fmt.Sprintf(t.pick("%s is gone and its PID is now another process: nothing sent",
		"%s ya no existe y su PID es ahora otro proceso: no se envió nada"), who)
}

// NoHold reports that the process chosen for a signal could not be held.
func (t *Text) NoHold(who string, err error) string {
	return fmt.Sprintf(t.pick("cannot signal %s: %v", "no se puede enviar señales a %s: %v"), who, err)
}

// SignalMenu heads the menu; who is "PID name".
func (t *Text) SignalMenu(who string) string {
	return t.pick(" Send a signal to ", " Enviar una señal a ") + who
}

// SignalMenuKeys is the menu's last line.
func (t *Text) SignalMenuKeys() string {
	return t.pick(" ↑↓ or 1-6 choose · enter confirm · esc cancel", " ↑↓ o 1-6 elegir · enter confirmar · esc cancelar")
}

// SignalConfirm asks before sending.
func (t *Text) SignalConfirm(sig, who string) string {
	return fmt.Sprintf(t.pick(" Send SIG%s to %s?", " ¿Enviar SIG%s a %s?"), sig, who)
}

// SignalConfirmKeys is the confirmation's last line; y stays the key.
func (t *Text) SignalConfirmKeys() string {
	return t.pick(" y or enter: send · n or esc: cancel", " y o enter: enviar · n o esc: cancelar")
}

// NoSignal, Sent, Gone, NotPermitted and SignalFailed report the outcome.
func (t *Text) NoSignal() string { return t.pick("no signal sent", "no se envió ninguna señal") }

func (t *Text) Sent(sig, who string) string {
	return fmt.Sprintf(t.pick("sent SIG%s to %s", "SIG%s enviada a %s"), sig, who)
}

func (t *Text) Gone(who string) string {
	return fmt.Sprintf(t.pick("%s is already gone", "%s ya no existe"), who)
}

func (t *Text) NotPermitted(sig, who string) string {
	return fmt.Sprintf(t.pick("not permitted to send SIG%s to %s (another user's process)",
		"sin permiso para enviar SIG%s a %s (proceso de otro usuario)"), sig, who)
}

func (t *Text) SignalFailed(sig, who string, err error) string {
	return fmt.Sprintf(t.pick("SIG%s to %s failed: %v", "SIG%s a %s falló: %v"), sig, who, err)
}

// NothingRecorded says a replay's range holds no readings.
func (t *Text) NothingRecorded(from, to string) string {
	return fmt.Sprintf(t.pick("nothing recorded between %s and %s", "nada grabado entre %s y %s"), from, to)
}

// Skipped says playing jumped over a stretch with no readings.
func (t *Text) Skipped(from, to string) string {
	return fmt.Sprintf(t.pick("nothing recorded from %s to %s: skipped", "nada grabado de %s a %s: saltado"), from, to)
}

// RecordingEnd, RecordingEndKey and RecordingStart are where a replay
// cannot go further.
func (t *Text) RecordingEnd() string { return t.pick("end of the recording", "fin de la grabación") }

func (t *Text) RecordingEndKey(key string) string {
	return fmt.Sprintf(t.pick("end of the recording: %s goes back to its start", "fin de la grabación: %s vuelve al principio"), key)
}

func (t *Text) RecordingStart() string {
	return t.pick("start of the recording", "principio de la grabación")
}

// Speed is the replay's speed.
func (t *Text) Speed(x int) string {
	return fmt.Sprintf(t.pick("replay at %d×", "grabación a %d×"), x)
}

// ReplayFailed reports a store error during a replay.
func (t *Text) ReplayFailed(err error) string {
	return t.pick("replay: ", "grabación: ") + err.Error()
}

// ReplayNoProcess refuses process actions in a replay.
func (t *Text) ReplayNoProcess() string {
	return t.pick("replay: these are recorded processes; details and signals are for live ones (vigia top)",
		"grabación: son procesos grabados; detalles y señales son para los vivos (vigia top)")
}

// ReplaySpeedKeys says which keys change the speed in a replay.
func (t *Text) ReplaySpeedKeys() string {
	return t.pick("replay: > and < change the speed", "grabación: > y < cambian la velocidad")
}
