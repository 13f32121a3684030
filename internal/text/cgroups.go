package text

import "strconv"

// CgroupsTitle heads the cgroups view.
func (t *Text) CgroupsTitle() string {
	return t.pick("Services and containers", "Servicios y contenedores")
}

// CgroupColumn translates a column title of the cgroups view.
func (t *Text) CgroupColumn(en string) string {
	if t.lang != Spanish {
		return en
	}
	switch en {
	case "THROT":
		return "FRENO"
	case "THR-S":
		return "FRENO-S"
	case "MEM":
		return "MEM"
	case "LIMIT":
		return "LÍMITE"
	case "LIM%":
		return "LÍM%"
	case "HIGH":
		return "ALTO"
	case "MAX":
		return "MÁX"
	case "READ/s":
		return "LEE/s"
	case "WRITE/s":
		return "ESCR/s"
	case "CGROUP":
		return "GRUPO"
	}
	return en
}

// CgroupCount is the status bar's count of the groups shown of those the
// reading has.
func (t *Text) CgroupCount(shown, total int) string {
	return strconv.Itoa(shown) + "/" + strconv.Itoa(total) + " " + t.pick("cgroups", "grupos")
}

// CgroupsOmitted says how many groups the sensor's cap left out.
func (t *Text) CgroupsOmitted(n int) string {
	return t.pick(strconv.Itoa(n)+" quieter groups left out (sensors.cgroups.max)",
		strconv.Itoa(n)+" grupos más tranquilos omitidos (sensors.cgroups.max)")
}

// CgroupsOff, CgroupsWaiting, CgroupsNone and CgroupNoMatch take the
// table's place when it has no rows.
func (t *Text) CgroupsOff() string {
	return t.pick("the cgroups sensor is not enabled (--sensors or the config file)",
		"el sensor de cgroups no está activado (--sensors o el archivo de configuración)")
}

func (t *Text) CgroupsWaiting() string {
	return t.pick("waiting for the first walk of the cgroup tree…", "esperando el primer recorrido del árbol de cgroups…")
}

func (t *Text) CgroupsNone() string {
	return t.pick("no cgroup tree here (neither a cgroup2 mount nor a v1 cpu or memory tree)",
		"aquí no hay árbol de cgroups (ni montaje cgroup2 ni árbol v1 de cpu o memoria)")
}

func (t *Text) CgroupNoMatch(filter string) string {
	return t.pick("no cgroup matches “", "ningún cgroup coincide con “") + filter + "”"
}

// InCgroup leads the process table's count while it shows one group's
// processes.
func (t *Text) InCgroup(name string) string { return t.pick("in ", "en ") + name + " ·" }

// NoCgroupProcs says why the process table is empty for a group: its
// processes may be out of sight (another PID namespace) or the group may
// hold none itself.
func (t *Text) NoCgroupProcs(name string) string {
	return t.pick("no process seen in "+name+" (esc shows all)", "ningún proceso visto en "+name+" (esc muestra todos)")
}

// cgroupsPage is the web page's words of its services and containers
// section, merged into Page.
func (t *Text) cgroupsPage() map[string]string {
	return map[string]string{
		"cgroups":               t.CgroupsTitle(),
		"cgroups.filter":        t.pick("filter by unit, container, pod or path", "filtrar por unidad, contenedor, pod o ruta"),
		"cgroups.all":           t.pick("show all processes", "mostrar todos los procesos"),
		"cgroups.col.name":      t.pick("Cgroup", "Grupo"),
		"cgroups.col.throttled": t.pick("Throttled", "Frenado"),
		"cgroups.col.limit":     t.pick("% of limit", "% del límite"),
		"cgroups.col.oom":       t.pick("OOM kills", "Muertes OOM"),
		"cgroups.col.pressure":  t.pick("Pressure", "Presión"),
		"cgroups.count":         t.pick("{1} of {2} walked", "{1} de {2} recorridos"),
		"cgroups.omitted":       t.pick("{1} quieter left out", "{1} más tranquilos omitidos"),
		"cgroups.scope":         t.pick("The process table shows {1} and the groups below it.", "La tabla de procesos muestra {1} y los grupos que tiene debajo."),
	}
}

// CgroupProcsNotRecorded refuses enter in a replay's cgroups view.
func (t *Text) CgroupProcsNotRecorded() string {
	return t.pick("the recording does not say which cgroup each process was in",
		"la grabación no dice en qué cgroup estaba cada proceso")
}
