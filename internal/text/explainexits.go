package text

import "fmt"

// The words an explanation and a report use for cgroups and for the
// processes the kernel's process events saw exit.

// ExplainCgroups heads an explanation's cgroup lists.
func (t *Text) ExplainCgroups() string {
	return t.pick("By cgroup (a group's figures include its children's):",
		"Por cgroup (las cifras de un grupo incluyen las de sus hijos):")
}

// ExplainExited heads the processes that ended in the window: how many,
// the CPU they used in it, and that against the span before.
func (t *Text) ExplainExited(n int, cpu, delta float64) string {
	sign := "+"
	if delta < 0 {
		sign = ""
	}
	return fmt.Sprintf(t.pick("Ended in the window: %s, %s (%s%s against the span before):",
		"Terminados en la ventana: %s, %s (%s%s frente al periodo anterior):"),
		t.count(n, "process", "processes", "proceso", "procesos"), t.ExplainAmount("cpu", cpu), sign, t.ExplainAmount("cpu", delta))
}

// ExplainExit is what an exited process's line says after its name: its
// parent, how long it lived, the CPU it used in the window and its share
// of the exited processes' CPU, and the signal that ended it.
func (t *Text) ExplainExit(ppid int32, lifetime, cpu, share float64, signal string) string {
	s := ""
	if ppid > 0 {
		s = fmt.Sprintf(t.pick("parent %d, ", "padre %d, "), ppid)
	}
	if lifetime > 0 {
		s += fmt.Sprintf(t.pick("lived %s, ", "vivió %s, "), Duration(seconds(lifetime)))
	}
	s += fmt.Sprintf(t.pick("%s, %.0f %% of the exited CPU", "%s, %.0f %% de la CPU de los terminados"), t.ExplainAmount("cpu", cpu), share*100)
	if signal != "" {
		s += fmt.Sprintf(t.pick(", killed by %s", ", terminado por %s"), Printable(signal))
	}
	return s
}

// ExitsLost says how many exits the kernel dropped, which no total holds.
func (t *Text) ExitsLost(n int) string {
	return fmt.Sprintf(t.pick("%s lost: the kernel dropped them, so no total counts them",
		"%s perdidos: el núcleo los descartó y ningún total los cuenta"), t.count(n, "exit", "exits", "fin", "fines"))
}

// ReportExits heads a report's exited processes: how many the kernel's
// process events saw end, their CPU, and how many are only in the sums.
func (t *Text) ReportExits(n int, cpu string, unlisted int) string {
	s := fmt.Sprintf(t.pick("Exited (seen by the kernel's process events): %s, %s of CPU",
		"Terminados (según los sucesos de procesos del núcleo): %s, %s de CPU"),
		t.count(n, "process", "processes", "proceso", "procesos"), cpu)
	if unlisted > 0 {
		s += fmt.Sprintf(t.pick("; %d recorded only in the sums", "; %d registrados solo en las sumas"), unlisted)
	}
	return s
}

// ExplainMoreEvents says how many events an explanation left out.
func (t *Text) ExplainMoreEvents(n int) string {
	return fmt.Sprintf(t.pick("… and %d more (/api/v1/events lists them all)", "… y %d más (/api/v1/events los lista todos)"), n)
}
