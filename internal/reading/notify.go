package reading

import "time"

// NotifierHealth is one notifier's delivery record: what the agent's status
// and /metrics show so a notifier that fails quietly is seen. Outputs take it
// through a func() so they never import the notifiers.
type NotifierHealth struct {
	Name string `json:"name"`
	Type string `json:"type"`
	// Sent and Failed count messages (one message may carry several
	// alerts); Dropped counts alert events lost because the notifier's
	// queue was full; Suppressed counts alerts that rose and fell within
	// one group interval and so were never sent.
	Sent       uint64    `json:"sent"`
	Failed     uint64    `json:"failed"`
	Dropped    uint64    `json:"dropped"`
	Suppressed uint64    `json:"suppressed"`
	Queued     int       `json:"queued"`
	Firing     int       `json:"firing"`
	LastSent   time.Time `json:"last_sent"`
	LastError  string    `json:"last_error,omitempty"`
	LastFailed time.Time `json:"last_failed"`
}
