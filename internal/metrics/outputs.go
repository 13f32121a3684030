package metrics

import "github.com/vigia-dev/vigia/internal/reading"

// outputDescs are the series of the outputs main owns: alert notifiers and
// the history store. Their failures must be as visible to a scraper as a
// stale sensor is.
type outputDescs struct {
	notifierSent, notifierFailed, notifierDropped *reading.Family
	notifierSuppressed, notifierQueue             *reading.Family
	notifierLastError                             *reading.Family
	storeUp, storeBacklog, storeDropped           *reading.Family
	storeWritten, storeErrorSince                 *reading.Family
	storeSize, storeMaxSize, storeEvicted         *reading.Family
	streamClients, streamRefused                  *reading.Family
}

// StreamClients counts the agent's event-stream clients.
type StreamClients struct {
	// Connected is how many are connected now.
	Connected int64
	// Refused is how many were turned away because the limit was reached.
	Refused uint64
}

func newOutputDescs() outputDescs {
	n := []string{"notifier", "type"}
	return outputDescs{
		notifierSent:       newCounter("vigia_notifier_messages_sent_total", "Messages the notifier delivered.", n...),
		notifierFailed:     newCounter("vigia_notifier_messages_failed_total", "Messages the notifier failed to deliver after its retries.", n...),
		notifierDropped:    newCounter("vigia_notifier_alerts_dropped_total", "Alert events lost because the notifier's queue was full.", n...),
		notifierSuppressed: newCounter("vigia_notifier_alerts_suppressed_total", "Alerts that rose and fell within one group interval, never sent.", n...),
		notifierQueue:      newGauge("vigia_notifier_queue_length", "Alert events waiting for the notifier.", n...),
		notifierLastError:  newGauge("vigia_notifier_last_failure_timestamp_seconds", "When the notifier last failed, in seconds since the epoch (0: never).", n...),
		storeUp:            newGauge("vigia_store_up", "1 while history writes reach the disk, 0 while they fail."),
		storeBacklog:       newGauge("vigia_store_backlog_bytes", "Bytes of readings waiting in memory for the disk."),
		storeDropped:       newCounter("vigia_store_dropped_total", "Readings lost because the store's backlog was full."),
		storeWritten:       newCounter("vigia_store_written_total", "Readings written to the history database."),
		storeErrorSince:    newGauge("vigia_store_failing_since_timestamp_seconds", "When history writes began to fail, in seconds since the epoch (0: they do not)."),
		storeSize:          newGauge("vigia_store_size_bytes", "Bytes of the history database's pages in use."),
		storeMaxSize:       newGauge("vigia_store_max_size_bytes", "The history database's size budget."),
		storeEvicted:       newCounter("vigia_store_evicted_rows_total", "Rows the store deleted, oldest and finest first, to keep within its size budget."),
		streamClients:      newGauge("vigia_stream_clients", "Event-stream clients connected to the agent."),
		streamRefused:      newCounter("vigia_stream_clients_refused_total", "Event-stream clients refused because the most allowed were connected."),
	}
}

// outputs emits the notifier and store series from the health main fills,
// and the event stream's from the server.
func (c *Collector) outputs(emit reading.Emit, h *reading.Health) {
	d := &c.out
	if c.opts.Stream != nil {
		st := c.opts.Stream()
		emit(d.streamClients, float64(st.Connected))
		emit(d.streamRefused, float64(st.Refused))
	}
	for _, n := range h.Notifiers {
		emit(d.notifierSent, float64(n.Sent), n.Name, n.Type)
		emit(d.notifierFailed, float64(n.Failed), n.Name, n.Type)
		emit(d.notifierDropped, float64(n.Dropped), n.Name, n.Type)
		emit(d.notifierSuppressed, float64(n.Suppressed), n.Name, n.Type)
		emit(d.notifierQueue, float64(n.Queued), n.Name, n.Type)
		var failed float64
		if !n.LastFailed.IsZero() {
			failed = float64(n.LastFailed.UnixNano()) / 1e9
		}
		emit(d.notifierLastError, failed, n.Name, n.Type)
	}
	if s := h.Store; s != nil {
		up, since := 1.0, 0.0
		if s.Err != "" {
			up = 0
			since = float64(s.ErrSince.UnixNano()) / 1e9
		}
		emit(d.storeUp, up)
		emit(d.storeBacklog, float64(s.BacklogBytes))
		emit(d.storeDropped, float64(s.Dropped))
		emit(d.storeWritten, float64(s.Written))
		emit(d.storeErrorSince, since)
		emit(d.storeSize, float64(s.SizeBytes))
		emit(d.storeMaxSize, float64(s.MaxSizeBytes))
		emit(d.storeEvicted, float64(s.Evicted))
	}
}
