package text

import (
	"maps"

	"github.com/vigia-dev/vigia/internal/reading"
)

// Page is the web dashboard's words by key, in the catalogue's language:
// the server hands them to the page, which draws no word of its own. {1}
// and {2} stand for values the page puts in.
func (t *Text) Page() map[string]string {
	w := map[string]string{
		"range.title": t.pick("time span of the charts (beyond 5 minutes, from the recorded history)",
			"periodo de las gráficas (más allá de 5 minutos, del historial grabado)"),
		"range.5m":   t.pick("live · 5 min", "en vivo · 5 min"),
		"range.1h":   t.pick("1 hour", "1 hora"),
		"range.6h":   t.pick("6 hours", "6 horas"),
		"range.24h":  t.pick("24 hours", "24 horas"),
		"range.168h": t.pick("7 days", "7 días"),

		"conn.title":        t.pick("event stream", "flujo de eventos"),
		"conn.connecting":   t.pick("connecting…", "conectando…"),
		"conn.live":         t.pick("live", "en vivo"),
		"conn.reconnecting": t.pick("reconnecting…", "reconectando…"),

		"alerts":          t.pick("Active alerts", "Alertas activas"),
		"events":          t.EventsTitle(),
		"alert.threshold": t.pick("threshold", "umbral"),
		"alert.since":     t.pick("since", "desde"),
		"level.warning":   t.Status(reading.Warning),
		"level.critical":  t.Status(reading.Critical),

		"memory":      t.Sensor(reading.SensorMemory),
		"network":     t.Sensor(reading.SensorNetwork),
		"temperature": t.Sensor(reading.SensorTemperature),
		"processes":   t.Sensor(reading.SensorProcesses),
		"diskio":      t.pick("Disk I/O", "E/S de disco"),
		"loaddisks":   t.pick("Load & disks", "Carga y discos"),
		"cores.title": t.pick("each core", "cada núcleo"),
		"receive":     t.pick("receive", "recibido"),
		"transmit":    t.pick("transmit", "enviado"),
		"read":        t.pick("read", "lectura"),
		"write":       t.pick("write", "escritura"),
		"disk.now":    t.pick("r {1}  w {2}", "l {1}  e {2}"),
		"mem.used":    t.pick("used {1} of {2}", "usada {1} de {2}"),
		"mem.swap":    t.pick("swap {1}", "intercambio {1}"),
		"mem.cache":   t.pick("cache {1}", "caché {1}"),
		"temp.empty":  t.pick("no temperature sensors on this machine", "esta máquina no tiene sensores de temperatura"),
		"procs.count": t.pick("{1} processes", "{1} procesos"),
		"filter":      t.pick("filter by name, command, user or PID", "filtrar por nombre, orden, usuario o PID"),

		"col.user":    t.Field("User"),
		"col.mem":     t.Field("Memory"),
		"col.threads": t.pick("Thr", "Hil"),
		"col.command": t.Field("Command"),

		"detail.title":      t.pick("Process {1}", "Proceso {1}"),
		"detail.loading":    t.pick("loading…", "cargando…"),
		"detail.gone":       t.pick("gone", "ya no existe"),
		"detail.command":    t.Field("Command"),
		"detail.executable": t.Field("Executable"),
		"detail.directory":  t.Field("Directory"),
		"detail.user":       t.Field("User"),
		"detail.parent":     t.Field("Parent"),
		"detail.state":      t.Field("State"),
		"detail.memory":     t.Field("Memory"),
		"detail.threads":    t.Field("Threads"),
		"detail.nice":       t.Field("Nice"),
		"detail.open_files": t.Field("Open files"),
		"detail.io":         t.Field("I/O"),
		"detail.started":    t.Field("Started"),
		"detail.unreadable": t.Field("Not readable"),
		"detail.cpu":        t.pick("{1}, {2} s in all", "{1}, {2} s en total"),
		"detail.rss":        t.pick("{1} resident, {2} virtual", "{1} residente, {2} virtual"),
		"detail.rw":         t.pick("read {1}, written {2}", "leído {1}, escrito {2}"),

		"login.title":  t.pick("Token required", "Se necesita el token"),
		"login.text":   t.pick("This agent needs its bearer token. It is kept in this browser only.", "Este agente pide su token de portador. Solo se guarda en este navegador."),
		"login.token":  "token",
		"login.submit": t.pick("Connect", "Conectar"),

		"footer": t.pick("up {1} · {2} readings · {3} stream clients", "activo desde hace {1} · {2} lecturas · {3} clientes del flujo"),
		"stale":  t.pick("stale: {1}", "sin datos recientes: {1}"),
		"drops":  t.pick("dropped {1}", "descartadas {1}"),
	}
	maps.Copy(w, t.cgroupsPage())
	maps.Copy(w, t.explainPage())
	// A reading's note is a code; the page looks up "note." + code.
	for _, n := range reading.Notes() {
		w["note."+n] = t.Note(n)
	}
	for _, k := range reading.EventKinds {
		w["event."+string(k)] = t.EventKind(k)
	}
	return w
}
