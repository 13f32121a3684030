package reading

import "testing"

func TestSignalName(t *testing.T) {
	for n, want := range map[int]string{9: "SIGKILL", 11: "SIGSEGV", 15: "SIGTERM", 31: "SIGSYS", 34: "SIGRTMIN", 40: "SIGRTMIN+6", 50: "SIGRTMAX-14", 63: "SIGRTMAX-1", 64: "SIGRTMAX", 0: "signal 0", 32: "signal 32", 65: "signal 65", -1: "signal -1"} {
		if got := SignalName(n); got != want {
			t.Errorf("SignalName(%d) = %q, want %q", n, got, want)
		}
	}
}
