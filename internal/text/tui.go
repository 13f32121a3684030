package text

import (
	"fmt"
	"strconv"

	"github.com/vigia-dev/vigia/internal/reading"
)

// The words of the full-screen dashboard (`vigia top`). Panels, actions
// and columns are named by their config keys or English headers, which
// are stable; the dashboard measures what it draws, so a longer Spanish
// word is cut like any long value.

// Panel is a panel's title, by its config name.
func (t *Text) Panel(name string) string {
	switch name {
	case "cpu":
		return t.Sensor(reading.SensorCPU)
	case "memory":
		return t.Sensor(reading.SensorMemory)
	case "load":
		return t.Sensor(reading.SensorLoad)
	case "network":
		return t.Sensor(reading.SensorNetwork)
	case "procs":
		return t.Sensor(reading.SensorProcesses)
	case "temperature":
		return t.pick("Temperatures", "Temperaturas")
	case "disk":
		return t.pick("Disks", "Discos")
	case "alerts":
		return t.pick("Alerts", "Alertas")
	}
	return name
}

// PanelShort is a panel's name on its one-line form in small terminals.
func (t *Text) PanelShort(name string) string {
	switch name {
	case "cpu":
		return "CPU"
	case "memory":
		return "Mem"
	case "load":
		return t.Sensor(reading.SensorLoad)
	case "temperature":
		return "Temp"
	case "disk":
		return t.Sensor(reading.SensorDisk)
	case "network":
		return t.pick("Net", "Red")
	}
	return t.Panel(name)
}

// Column is a process-table header, by its English header; the Spanish
// ones fit the English widths.
func (t *Text) Column(en string) string {
	if t.lang != Spanish {
		return en
	}
	switch en {
	case "USER":
		return "USUARIO"
	case "S":
		return "E"
	case "THR":
		return "HIL"
	case "TIME":
		return "TIEMPO"
	case "COMMAND":
		return "ORDEN"
	case "RD/s":
		return "LE/s"
	case "WR/s":
		return "ES/s"
	}
	return en
}

// TreeMark follows the command header in the tree view.
func (t *Text) TreeMark() string { return t.pick(" (tree)", " (árbol)") }

// KeyHelp describes what an action's key does, by the action's config
// name.
func (t *Text) KeyHelp(action string) string {
	switch action {
	case "up":
		return t.pick("select up", "subir la selección")
	case "down":
		return t.pick("select down", "bajar la selección")
	case "page_up":
		return t.pick("page up", "página arriba")
	case "page_down":
		return t.pick("page down", "página abajo")
	case "home":
		return t.pick("first process", "primer proceso")
	case "end":
		return t.pick("last process", "último proceso")
	case "detail":
		return t.pick("process details", "detalles del proceso")
	case "signal":
		return t.pick("send a signal", "enviar una señal")
	case "filter":
		return t.pick("filter by name, command, user, pid", "filtrar por nombre, orden, usuario, pid")
	case "tree":
		return t.pick("tree view", "vista en árbol")
	case "events":
		return t.pick("events: what happened", "eventos: lo que pasó")
	case "exited":
		return t.pick("processes that exited", "procesos terminados")
	case "sort_next":
		return t.pick("sort by next column", "ordenar por la siguiente")
	case "sort_prev":
		return t.pick("sort by previous column", "ordenar por la anterior")
	case "sort_cpu":
		return t.pick("sort by CPU %", "ordenar por CPU %")
	case "sort_mem":
		return t.pick("sort by memory", "ordenar por memoria")
	case "sort_pid":
		return t.pick("sort by PID", "ordenar por PID")
	case "sort_time":
		return t.pick("sort by CPU time", "ordenar por tiempo de CPU")
	case "sort_user":
		return t.pick("sort by user", "ordenar por usuario")
	case "reverse":
		return t.pick("reverse the order", "invertir el orden")
	case "interval_up":
		return t.pick("slower refresh", "refresco más lento")
	case "interval_down":
		return t.pick("faster refresh", "refresco más rápido")
	case "irix":
		return t.pick("CPU %: per core / of all cores", "CPU %: núcleo / total")
	case "cgroups":
		return t.pick("services and containers", "servicios y contenedores")
	case "explain":
		return t.pick("explain a spike", "explicar un pico")
	case "help":
		return t.pick("this help", "esta ayuda")
	case "quit":
		return t.pick("quit", "salir")
	case "replay_play":
		return t.pick("play / pause", "reproducir / pausa")
	case "replay_step":
		return t.pick("step to the next reading", "avanzar una lectura")
	case "replay_step_back":
		return t.pick("step back a reading", "retroceder una lectura")
	case "replay_jump":
		return t.pick("1 min on", "1 min adelante")
	case "replay_jump_back":
		return t.pick("1 min back", "1 min atrás")
	case "replay_jump_far":
		return t.pick("10 min on", "10 min adelante")
	case "replay_jump_far_back":
		return t.pick("10 min back", "10 min atrás")
	case "replay_faster":
		return t.pick("faster", "más rápido")
	case "replay_slower":
		return t.pick("slower", "más lento")
	case "replay_start":
		return t.pick("to the start", "al principio")
	case "replay_end":
		return t.pick("to the end", "al final")
	case "replay_mark":
		return t.pick("mark the start of a span to explain", "marcar el inicio de un periodo a explicar")
	}
	return action
}

// KeyHint is the short word of an action in the replay's and the detail
// view's status bar, which leaves room for the table's note; "back" is
// the detail view's way back to the table.
func (t *Text) KeyHint(action string) string {
	switch action {
	case "help":
		return t.pick("keys", "teclas")
	case "replay_play":
		return t.pick("play", "ver")
	case "replay_step":
		return t.pick("step", "paso")
	case "replay_jump":
		return "+1 min"
	case "replay_faster":
		return t.pick("faster", "más rápido")
	case "back":
		return t.pick("back", "volver")
	case "cgroups":
		return t.pick("services", "servicios")
	case "procs_of":
		return t.pick("its processes", "sus procesos")
	case "cgroup_filter":
		return t.pick("filter", "filtrar")
	}
	return t.KeyHelp(action)
}

// HelpTitle and HelpBack head the help screen.
func (t *Text) HelpTitle() string { return t.pick("Keys", "Teclas") }

func (t *Text) HelpBack() string {
	return t.pick("any key to go back", "cualquier tecla para volver")
}

// HelpExtra is the help screen's notes below the keys: a name (a key
// name stays as it is) and what it does.
func (t *Text) HelpExtra() [4][2]string {
	return [4][2]string{
		{"esc", t.pick("clear the filter, close a view, or quit", "borrar el filtro, cerrar una vista o salir")},
		{"ctrl+c", t.pick("quit from anywhere", "salir desde cualquier vista")},
		{t.pick("mouse", "ratón"), t.pick("click a row to select, a header to sort; wheel scrolls",
			"clic en fila: elegir; en cabecera: ordenar; rueda: mover")},
		{t.pick("filter", "filtro"), t.pick("type to match name, command, user or PID; enter keeps it",
			"escriba nombre, orden, usuario o PID; enter lo mantiene")},
	}
}

// Every, CoreScale and AllCores are the header's refresh and CPU %
// normalisation.
func (t *Text) Every() string { return t.pick("every", "cada") }

func (t *Text) CoreScale() string { return t.pick("100=1 core", "100=1 núcleo") }

func (t *Text) AllCores(n int) string { return t.pick("of ", "de ") + t.Cores(n) }

// Dropped says how many readings the engine dropped.
func (t *Text) Dropped(n uint64) string {
	return t.pick("dropped ", "descartadas ") + strconv.FormatUint(n, 10)
}

// HistoryFailing says the history has not been written since a time.
func (t *Text) HistoryFailing(since string) string {
	return t.pick("history not written since ", "historial sin escribir desde ") + since
}

// NotifierFailing says a notifier's last delivery failed.
func (t *Text) NotifierFailing(name string) string {
	return fmt.Sprintf(t.pick("notifier %s failing", "notificador %s falla"), name)
}

// Replaying marks the header of a replay.
func (t *Text) Replaying() string { return t.pick("REPLAY", "GRABACIÓN") }

// Paused is the replay's state when it is not playing.
func (t *Text) Paused() string { return t.pick("paused", "en pausa") }

// FilterPrompt and FilterKeys are the status bar while typing a filter.
func (t *Text) FilterPrompt() string { return t.pick("filter: ", "filtro: ") }

func (t *Text) FilterKeys() string {
	return t.pick("enter keep · esc clear", "enter mantener · esc borrar")
}

// ProcCount is the status bar's count of shown and listed processes;
// recorded says they are a recording's top processes.
func (t *Text) ProcCount(shown, total int, recorded bool) string {
	n := strconv.Itoa(shown) + "/" + strconv.Itoa(total) + " "
	if recorded {
		return n + t.pick("top procs as recorded", "procesos principales grabados")
	}
	return n + t.pick("procs", "procesos")
}

// IntervalFixed refuses + and - where the cadence cannot change.
func (t *Text) IntervalFixed() string {
	return t.pick("the refresh interval is fixed here", "aquí el intervalo de refresco es fijo")
}

// RefreshEvery confirms a new cadence.
func (t *Text) RefreshEvery(d string) string { return t.pick("refresh every ", "refresco cada ") + d }

// IrixMode and SolarisMode confirm how CPU % is normalised.
func (t *Text) IrixMode() string {
	return t.pick("CPU %: 100% = one core (Irix mode)", "CPU %: 100% = un núcleo (modo Irix)")
}

func (t *Text) SolarisMode(cores int) string {
	all := t.pick(form(cores, "", "all "), form(cores, "", "los "))
	return t.pick("CPU %: 100% = ", "CPU %: 100% = ") + all + t.Cores(cores) + t.pick(" (Solaris mode)", " (modo Solaris)")
}

// SensorOff and Waiting take a panel's place when it has no values.
func (t *Text) SensorOff() string {
	return t.pick("sensor not enabled (--sensors or the config file)", "sensor no activado (--sensors o el archivo de configuración)")
}

func (t *Text) Waiting() string {
	return t.pick("waiting for the first reading…", "esperando la primera lectura…")
}

// SensorFailed is the one way every output names a reading whose sensor
// failed or overran its deadline: the stream's line, snapshot's, and the
// dashboard's panel, whether or not it still shows older values. The error
// is made Printable: it may quote a path or a process.
func (t *Text) SensorFailed(err string) string {
	return t.pick("sensor failed: ", "fallo del sensor: ") + Printable(err)
}

// NotEnabled is the one-line form of SensorOff.
func (t *Text) NotEnabled() string { return t.pick("not enabled", "no activado") }

// ProcsOff, ProcsWaiting, NoMatch and NoProcs take the table's place when
// it has no rows.
func (t *Text) ProcsOff() string {
	return t.pick("the processes sensor is not enabled (--sensors or the config file)",
		"el sensor de procesos no está activado (--sensors o el archivo de configuración)")
}

func (t *Text) ProcsWaiting() string {
	return t.pick("waiting for the process list…", "esperando la lista de procesos…")
}

func (t *Text) NoMatch(filter string) string {
	return t.pick("no process matches “", "ningún proceso coincide con “") + filter + "”"
}

func (t *Text) NoProcs() string { return t.pick("no processes", "sin procesos") }

// Level is a status in four letters or fewer, for the alerts panel.
func (t *Text) Level(s reading.Status) string {
	switch s {
	case reading.Unknown:
		return t.pick("UNKN", "DESC")
	case reading.Normal:
		return "OK"
	case reading.Warning:
		return t.pick("WARN", "AVIS")
	case reading.Critical:
		return t.pick("CRIT", "CRÍT")
	}
	return "?"
}

// Active counts open alerts.
func (t *Text) Active(n int) string {
	return strconv.Itoa(n) + " " + t.pick("active", form(n, "activa", "activas"))
}

// NoneActive, AllNormal, Since and Last are the alerts panel's words.
func (t *Text) NoneActive() string { return t.pick("none active", "ninguna activa") }

func (t *Text) AllNormal() string { return t.pick("nothing out of normal", "todo normal") }

func (t *Text) Since(clock string) string { return t.pick(" since ", " desde ") + clock }

func (t *Text) Last() string { return t.pick("last: ", "última: ") }

// Total is the CPU panel's label of the overall bar.
func (t *Text) Total() string { return "total" }

// MemTotal is the memory panel's note.
func (t *Text) MemTotal(size string) string { return size + t.pick(" total", " en total") }

// Avail, Cached, NoSwap and Limit are the memory panel's words.
func (t *Text) Avail() string { return t.pick("avail", "disp") }

func (t *Text) Cached() string { return t.pick("cache", "caché") }

func (t *Text) NoSwap() string { return t.pick("none", "no hay") }

func (t *Text) Limit() string { return t.pick("limit", "límite") }

// Runnable is the load panel's note.
func (t *Text) Runnable(run, tasks int) string {
	return strconv.Itoa(run) + t.pick(" of ", " de ") + t.count(tasks, "task runnable", "tasks runnable", "tarea ejecutable", "tareas ejecutables")
}

// LoadLabel, PerCore and NoPSI are the load panel's words.
func (t *Text) LoadLabel() string { return t.pick("load", "carga") }

func (t *Text) PerCore() string { return t.pick("per core", "por núcleo") }

func (t *Text) NoPSI() string {
	return t.pick("pressure stall information: not available", "información de presión (PSI): no disponible")
}

// Hottest is the temperature panel's note.
func (t *Text) Hottest(v string) string { return t.pick("hottest ", "máxima ") + v + "°C" }

// TempMax and TempCrit are a sensor's limits.
func (t *Text) TempMax() string { return t.pick("max", "máx") }

func (t *Text) TempCrit() string { return t.pick("crit", "crít") }

// CoolerHidden says how many sensors did not fit.
func (t *Text) CoolerHidden(n int) string {
	return "… " + t.count(n, "cooler sensor not shown", "cooler sensors not shown", "sensor más frío no mostrado", "sensores más fríos no mostrados")
}

// NotResponding marks a filesystem whose statfs hung.
func (t *Text) NotResponding() string { return t.pick("not responding", "no responde") }

// Unavailable is said of a mount point that is not there to ask, as a
// host's mount under --rootfs.
func (t *Text) Unavailable() string { return t.pick("unavailable", "no disponible") }

// FreeOf follows a filesystem's free space.
func (t *Text) FreeOf(size string) string { return t.pick(" free of ", " libres de ") + size }

// Read, Write and Busy label a device's rates; ReadShort and WriteShort
// are their one-letter forms.
func (t *Text) Read() string { return t.pick("read", "lee") }

func (t *Text) Write() string { return t.pick("write", "escribe") }

func (t *Text) Busy() string { return t.pick("busy", "ocupado") }

func (t *Text) ReadShort() string { return t.pick("r", "l") }

func (t *Text) WriteShort() string { return t.pick("w", "e") }

// NetErrors is an interface's error rate.
func (t *Text) NetErrors(rate string) string { return t.pick("errors ", "errores ") + rate + "/s" }
