package text

import "fmt"

// Remote marks the header of a dashboard that draws another machine
// (vigia top --remote).
func (t *Text) Remote() string { return t.pick("REMOTE", "REMOTO") }

// RemoteStale says no event came from the agent since a time.
func (t *Text) RemoteStale(since string) string {
	return t.pick("stale: nothing since ", "sin datos desde ") + since
}

// RemoteConnecting is the header before the agent first answered (the
// header names its URL already).
func (t *Text) RemoteConnecting() string { return t.pick("connecting…", "conectando…") }

// RemoteUnreachable says the agent could not be reached, why, and when
// the next attempt comes.
func (t *Text) RemoteUnreachable(why, retry string) string {
	return fmt.Sprintf(t.pick("agent unreachable (%s), retrying in %s", "agente inaccesible (%s), reintento en %s"), why, retry)
}

// RemoteUnauthorized says the agent refused the token.
func (t *Text) RemoteUnauthorized(haveToken bool, retry string) string {
	if haveToken {
		return fmt.Sprintf(t.pick("the agent refused the token (401): check --token-file; retrying in %s",
			"el agente rechazó el token (401): revise --token-file; reintento en %s"), retry)
	}
	return fmt.Sprintf(t.pick("the agent needs a token (401): give --token-file; retrying in %s",
		"el agente pide un token (401): indique --token-file; reintento en %s"), retry)
}

// RemoteNotAgent says what answered is not a vigia agent.
func (t *Text) RemoteNotAgent(why, retry string) string {
	return fmt.Sprintf(t.pick("not a vigia agent (%s); retrying in %s", "no es un agente de vigia (%s); reintento en %s"), why, retry)
}

// RemoteNoSignals says why the signal menu is off for a remote machine.
func (t *Text) RemoteNoSignals() string {
	return t.pick("signals are off: this is another machine's dashboard, and the agent's API changes nothing",
		"señales desactivadas: es el panel de otra máquina, y la API del agente no cambia nada")
}
