package text

import (
	"fmt"
	"strconv"
)

// The words of the dashboard's list of processes that exited between two
// refreshes, and of the fork rate.

// ExitedTitle heads the list of processes that exited in the last interval.
func (t *Text) ExitedTitle(n int) string {
	return fmt.Sprintf(t.pick("Exited in the last interval: %d", "Terminados en el último intervalo: %d"), n)
}

// ExitedUnseen says why the list is empty without the capability.
func (t *Text) ExitedUnseen() string {
	return t.pick("exited processes cannot be seen: the kernel's process events need root or CAP_NET_ADMIN",
		"no se ven los procesos terminados: los eventos de procesos del núcleo requieren root o CAP_NET_ADMIN")
}

// ExitedNoSource says the list has no source: another machine's /proc, a
// replay, or a platform without process events.
func (t *Text) ExitedNoSource() string {
	return t.pick("no list of exited processes here", "aquí no hay lista de procesos terminados")
}

// ExitedNone says that nothing exited in the interval.
func (t *Text) ExitedNone() string {
	return t.pick("no process exited", "ningún proceso terminó")
}

// ExitedLost counts exits the list could not hold.
func (t *Text) ExitedLost(n int) string {
	return fmt.Sprintf(t.pick("%d more not listed (events lost or over the cap)", "%d más sin listar (eventos perdidos o sobre el tope)"), n)
}

// ExitedSummed counts exits of which the history keeps only the sum, and
// the CPU they used together.
func (t *Text) ExitedSummed(n int, cpu string) string {
	return fmt.Sprintf(t.pick("%d more, kept only as a sum: CPU %s", "%d más, guardados solo como suma: CPU %s"), n, cpu)
}

// ExitedSource says where the list's CPU and I/O come from: the kernel's
// taskstats record of each exit, or /proc, read at the exit while the
// process is still a zombie (taskstats take CAP_NET_ADMIN).
func (t *Text) ExitedSource(taskstats bool) string {
	if taskstats {
		return t.pick("CPU, I/O: taskstats", "CPU, E/S: taskstats")
	}
	return t.pick("CPU, I/O: /proc", "CPU, E/S: /proc")
}

// ExitedAcctLost says the taskstats socket overflowed n times in the
// interval, so some exits have /proc's CPU and I/O or none.
func (t *Text) ExitedAcctLost(n int) string {
	return fmt.Sprintf(t.pick("taskstats records dropped (%d overflows): some CPU and I/O from /proc",
		"registros de taskstats perdidos (%d desbordes): parte de CPU y E/S de /proc"), n)
}

// ExitedColumns are the list's column heads: PID, parent, lifetime, CPU,
// bytes read, bytes written, how it ended, command.
func (t *Text) ExitedColumns() []string {
	return []string{"PID", "PPID", t.pick("LIFE", "VIDA"), "CPU", t.pick("READ", "LEÍDO"), t.pick("WRITTEN", "ESCRITO"),
		t.pick("EXIT", "FIN"), t.pick("COMMAND", "ORDEN")}
}

// ExitHow says how a process ended: its exit status, or the signal that
// ended it and whether it dumped core.
func (t *Text) ExitHow(status, signal int, core bool) string {
	if signal == 0 {
		return strconv.Itoa(status)
	}
	s := t.pick("sig ", "señ ") + strconv.Itoa(signal)
	if core {
		s += t.pick(" core", " core")
	}
	return s
}

// ForkRate is the status bar's process churn.
func (t *Text) ForkRate(rate string) string {
	return rate + t.pick(" forks/s", " creados/s")
}
