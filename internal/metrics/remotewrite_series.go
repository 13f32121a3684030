package metrics

import "github.com/prometheus/client_golang/prometheus"

// remoteWriteDescs are the series each RemoteWriter reports, labelled by
// its URL without credentials.
type remoteWriteDescs struct {
	samples, failed, dropped, pending, lastSuccess *prometheus.Desc
}

func newRemoteWriteDescs() remoteWriteDescs {
	nd := prometheus.NewDesc
	u := []string{"url"}
	return remoteWriteDescs{
		samples:     nd("vigia_remote_write_samples_total", "Samples the remote-write receiver accepted.", u, nil),
		failed:      nd("vigia_remote_write_failed_total", "Remote-write requests that failed (network error, or a status other than 2xx); each retry counts.", u, nil),
		dropped:     nd("vigia_remote_write_dropped_total", "Samples never delivered: the buffer was full and dropped the oldest (buffer_full), or the receiver refused them with a 4xx (rejected).", []string{"url", "reason"}, nil),
		pending:     nd("vigia_remote_write_pending_samples", "Samples waiting to be delivered.", u, nil),
		lastSuccess: nd("vigia_remote_write_last_success_timestamp_seconds", "Time of the last request the receiver accepted, in seconds since the epoch.", u, nil),
	}
}

func (c *Collector) addWriter(w *RemoteWriter) {
	c.familiesMu.Lock()
	defer c.familiesMu.Unlock()
	c.writers = append(c.writers, w)
}

// remoteWrites emits every RemoteWriter's counters.
func (c *Collector) remoteWrites(e *emitter) {
	c.familiesMu.Lock()
	ws := c.writers
	c.familiesMu.Unlock()
	d := &c.rw
	for _, w := range ws {
		s := w.Stats()
		e.counter(d.samples, float64(s.Sent), s.URL)
		e.counter(d.failed, float64(s.Failed), s.URL)
		for _, reason := range []string{dropBufferFull, dropRejected} {
			e.counter(d.dropped, float64(s.Dropped[reason]), s.URL, reason)
		}
		e.gauge(d.pending, float64(s.Pending), s.URL)
		if !s.LastSuccess.IsZero() {
			e.gauge(d.lastSuccess, float64(s.LastSuccess.UnixNano())/1e9, s.URL)
		}
	}
}
