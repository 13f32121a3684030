package reading

import "strconv"

// linuxSignals are the names of Linux's standard signals by number, as
// kill -l gives them. A recorded exit's signal is the Linux kernel's
// number whatever system reads the history later, so the names are
// Linux's, not the reader's.
var linuxSignals = [...]string{
	1: "SIGHUP", 2: "SIGINT", 3: "SIGQUIT", 4: "SIGILL", 5: "SIGTRAP", 6: "SIGABRT", 7: "SIGBUS",
	8: "SIGFPE", 9: "SIGKILL", 10: "SIGUSR1", 11: "SIGSEGV", 12: "SIGUSR2", 13: "SIGPIPE",
	14: "SIGALRM", 15: "SIGTERM", 16: "SIGSTKFLT", 17: "SIGCHLD", 18: "SIGCONT", 19: "SIGSTOP",
	20: "SIGTSTP", 21: "SIGTTIN", 22: "SIGTTOU", 23: "SIGURG", 24: "SIGXCPU", 25: "SIGXFSZ",
	26: "SIGVTALRM", 27: "SIGPROF", 28: "SIGWINCH", 29: "SIGIO", 30: "SIGPWR", 31: "SIGSYS",
}

// SignalName names Linux signal n as kill -l does: SIGKILL, and the
// real-time signals SIGRTMIN, SIGRTMIN+1 … SIGRTMAX-1, SIGRTMAX (34 to 64,
// as the C library numbers them); any other number is "signal N".
func SignalName(n int) string {
	switch {
	case n > 0 && n < len(linuxSignals):
		return linuxSignals[n]
	case n == 34:
		return "SIGRTMIN"
	case n == 64:
		return "SIGRTMAX"
	case n > 34 && n <= 49:
		return "SIGRTMIN+" + strconv.Itoa(n-34)
	case n > 49 && n < 64:
		return "SIGRTMAX-" + strconv.Itoa(64-n)
	}
	return "signal " + strconv.Itoa(n)
}
