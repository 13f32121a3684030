package text

import (
	"strconv"
	"strings"
)

// FleetTitle is the fleet view's name in its header.
func (t *Text) FleetTitle() string { return t.pick("fleet", "flota") }

// FleetColumns are the fleet table's headers, in the order fleet columns
// are drawn: host, state, since, CPU, sparkline, memory, load per core,
// fullest filesystem, its use, time to full, network in and out, alerts,
// version.
func (t *Text) FleetColumns() []string {
	return []string{
		t.pick("HOST", "EQUIPO"), t.pick("STATE", "ESTADO"), t.pick("SINCE", "DESDE"), "CPU%",
		t.pick("CPU LAST", "CPU RECIENTE"), "MEM%", t.pick("LOAD/CPU", "CARGA/CPU"),
		t.pick("FULLEST FS", "FS MÁS LLENO"), "FS%", t.pick("FULL IN", "LLENO EN"),
		"RX/s", "TX/s", t.pick("ALERTS", "ALERTAS"),
	}
}

// FleetVersion is the header of the version column.
func (t *Text) FleetVersion() string { return t.pick("VIGIA", "VIGIA") }

// HostUp and HostDown are a host's state in the fleet table.
func (t *Text) HostUp() string   { return t.pick("up", "activo") }
func (t *Text) HostDown() string { return t.pick("down", "caído") }

// FleetSummary is the header's count of the fleet.
func (t *Text) FleetSummary(hosts, down, alerting int) string {
	return t.hosts(hosts) + ", " + t.down(down) + ", " + strconv.Itoa(alerting) + t.pick(" alerting", " con alertas")
}

// FleetShown is the status bar's count of the rows a filter leaves.
func (t *Text) FleetShown(shown, all int) string {
	return strconv.Itoa(shown) + t.pick(" of ", " de ") + t.hosts(all)
}

// hosts counts hosts, and down the ones down.
func (t *Text) hosts(n int) string { return t.count(n, "host", "hosts", "equipo", "equipos") }

func (t *Text) down(n int) string {
	return strconv.Itoa(n) + " " + t.pick("down", form(n, "caído", "caídos"))
}

// FleetUnreadable says the fleet could not be read this refresh, and that
// what is on screen is the last good answer, of time last ("" when there
// was none).
func (t *Text) FleetUnreadable(err error, last string) string {
	if last == "" {
		return t.pick("cannot read the fleet: ", "no se puede leer la flota: ") + err.Error() + t.pick(" — retrying", " — reintentando")
	}
	return t.pick("cannot read the fleet: ", "no se puede leer la flota: ") + err.Error() +
		t.pick(" — showing "+last+", retrying", " — se muestra "+last+", reintentando")
}

// FleetMissing names the parts of the table that failed this refresh.
func (t *Text) FleetMissing(parts []string) string {
	return t.pick("missing this refresh: ", "faltan en este refresco: ") + strings.Join(parts, ", ")
}

// FleetWaiting is shown until the first answer.
func (t *Text) FleetWaiting(url string) string {
	return t.pick("asking "+url+" …", "preguntando a "+url+" …")
}

// FleetNoHosts is shown when Prometheus knows no target.
func (t *Text) FleetNoHosts() string {
	return t.pick("no hosts: Prometheus scrapes no target", "ningún equipo: Prometheus no recoge ningún destino")
}

// FleetGroupedBy is the header's note of the label rows are grouped by.
func (t *Text) FleetGroupedBy(label string) string {
	return t.pick("grouped by ", "agrupado por ") + label
}

// FleetGroup heads one group of rows.
func (t *Text) FleetGroup(label, value string, hosts, down int) string {
	if value == "" {
		value = t.pick("(none)", "(ninguno)")
	}
	return label + "=" + value + ": " + t.hosts(hosts) + ", " + t.down(down)
}

// FleetNoAgent says that host runs no vigia agent for Enter to open, and
// which key shows its history from Prometheus instead.
func (t *Text) FleetNoAgent(host, historyKey string) string {
	return t.pick(host+" runs no vigia agent (only an exporter): "+historyKey+" shows its history",
		host+" no tiene agente vigia (solo un exportador): "+historyKey+" muestra su historia")
}

// FleetOpenFailed says the host's dashboard ended with err.
func (t *Text) FleetOpenFailed(err error) string {
	return t.pick("its vigia top ended: ", "su vigia top terminó: ") + err.Error()
}

// FleetUngrouped says rows are no longer grouped.
func (t *Text) FleetUngrouped() string { return t.pick("not grouped", "sin agrupar") }

// FleetHistory titles the detail pane: one host over span.
func (t *Text) FleetHistory(host, span string) string {
	return t.pick(host+", last "+span, host+", últimos "+span)
}

// FleetHistoryParts name the detail pane's graphs.
func (t *Text) FleetHistoryParts() []string {
	return []string{"CPU %", t.pick("memory %", "memoria %"), t.pick("load", "carga"), t.pick("network rx / tx", "red rx / tx")}
}

// FleetLoading is the detail pane before its answer.
func (t *Text) FleetLoading() string {
	return t.pick("asking Prometheus …", "preguntando a Prometheus …")
}

// FleetKeyHelp is what an action's key does in the fleet view, where some
// of top's keys mean the fleet's nearest thing.
func (t *Text) FleetKeyHelp(action string) string {
	switch action {
	case "home":
		return t.pick("first host", "primer equipo")
	case "end":
		return t.pick("last host", "último equipo")
	case "detail":
		return t.pick("open its vigia", "abrir su vigia")
	case "history":
		return t.pick("host history", "historia del equipo")
	case "filter":
		return t.pick("filter by host, label, alert", "filtrar por equipo, etiqueta, alerta")
	case "tree":
		return t.pick("group by the next label", "agrupar por la siguiente etiqueta")
	case "sort_pid":
		return t.pick("sort by host", "ordenar por equipo")
	case "sort_time":
		return t.pick("sort by state", "ordenar por estado")
	case "sort_user":
		return t.pick("sort by alerts", "ordenar por alertas")
	case "interval_up":
		return t.pick("slower refresh", "refresco más lento")
	case "interval_down":
		return t.pick("faster refresh", "refresco más rápido")
	}
	return t.KeyHelp(action)
}

// FleetPage are the words of the web page /fleet, by the keys its script
// looks them up by.
func (t *Text) FleetPage() map[string]string {
	cols := t.FleetColumns()
	return map[string]string{
		"fleet.title": t.FleetTitle(), "fleet.host": cols[0], "fleet.state": cols[1], "fleet.since": cols[2],
		"fleet.mem": cols[5], "fleet.load": cols[6], "fleet.fs": cols[7], "fleet.full": cols[9],
		"fleet.alerts": cols[12], "fleet.version": t.FleetVersion(), "fleet.up": t.HostUp(), "fleet.down": t.HostDown(),
		"fleet.filter":  t.pick("filter by host, label, alert", "filtrar por equipo, etiqueta, alerta"),
		"fleet.error":   t.pick("cannot read the fleet: ", "no se puede leer la flota: "),
		"fleet.missing": t.pick("missing this refresh: ", "faltan en este refresco: "),
		"fleet.open":    t.pick("open its dashboard", "abrir su panel"),
	}
}
