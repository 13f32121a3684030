package metrics

import "github.com/vigia-dev/vigia/internal/reading"

// remoteWriteDescs are the series each RemoteWriter reports, labelled by
// its URL without credentials.
type remoteWriteDescs struct {
	samples, failed, dropped, pending, lastSuccess *reading.Family
}

func newRemoteWriteDescs() remoteWriteDescs {
	u := []string{"url"}
	return remoteWriteDescs{
		samples:     newCounter("vigia_remote_write_samples_total", "Samples the remote-write receiver accepted.", u...),
		failed:      newCounter("vigia_remote_write_failed_total", "Remote-write requests that failed (network error, or a status other than 2xx); each retry counts.", u...),
		dropped:     newCounter("vigia_remote_write_dropped_total", "Samples never delivered: the buffer was full and dropped the oldest (buffer_full), or the receiver refused them with a 4xx (rejected).", "url", "reason"),
		pending:     newGauge("vigia_remote_write_pending_samples", "Samples waiting to be delivered.", u...),
		lastSuccess: newGauge("vigia_remote_write_last_success_timestamp_seconds", "Time of the last request the receiver accepted, in seconds since the epoch.", u...),
	}
}

func (c *Collector) addWriter(w *RemoteWriter) {
	c.familiesMu.Lock()
	defer c.familiesMu.Unlock()
	c.writers = append(c.writers, w)
}

// remoteWrites emits every RemoteWriter's counters.
func (c *Collector) remoteWrites(emit reading.Emit) {
	c.familiesMu.Lock()
	ws := c.writers
	c.familiesMu.Unlock()
	d := &c.rw
	for _, w := range ws {
		s := w.Stats()
		emit(d.samples, float64(s.Sent), s.URL)
		emit(d.failed, float64(s.Failed), s.URL)
		for _, reason := range []string{dropBufferFull, dropRejected} {
			emit(d.dropped, float64(s.Dropped[reason]), s.URL, reason)
		}
		emit(d.pending, float64(s.Pending), s.URL)
		if !s.LastSuccess.IsZero() {
			emit(d.lastSuccess, float64(s.LastSuccess.UnixNano())/1e9, s.URL)
		}
	}
}
