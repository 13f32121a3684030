package metrics

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/vigia-dev/vigia/internal/reading"
)

// outputDescs are the series of the outputs main owns: alert notifiers and
// the history store. Their failures must be as visible to a scraper as a
// stale sensor is.
type outputDescs struct {
	notifierSent, notifierFailed, notifierDropped *prometheus.Desc
	notifierSuppressed, notifierQueue             *prometheus.Desc
	notifierLastError                             *prometheus.Desc
	storeUp, storeBacklog, storeDropped           *prometheus.Desc
	storeWritten, storeErrorSince                 *prometheus.Desc
	storeSize, storeMaxSize, storeEvicted         *prometheus.Desc
	streamClients, streamRefused                  *prometheus.Desc
}

// StreamClients counts the agent's event-stream clients.
type StreamClients struct {
	// Connected is how many are connected now.
	Connected int64
	// Refused is how many were turned away because the limit was reached.
	Refused uint64
}

func newOutputDescs() outputDescs {
	nd := prometheus.NewDesc
	n := []string{"notifier", "type"}
	return outputDescs{
		notifierSent:       nd("vigia_notifier_messages_sent_total", "Messages the notifier delivered.", n, nil),
		notifierFailed:     nd("vigia_notifier_messages_failed_total", "Messages the notifier failed to deliver after its retries.", n, nil),
		notifierDropped:    nd("vigia_notifier_alerts_dropped_total", "Alert events lost because the notifier's queue was full.", n, nil),
		notifierSuppressed: nd("vigia_notifier_alerts_suppressed_total", "Alerts that rose and fell within one group interval, never sent.", n, nil),
		notifierQueue:      nd("vigia_notifier_queue_length", "Alert events waiting for the notifier.", n, nil),
		notifierLastError:  nd("vigia_notifier_last_failure_timestamp_seconds", "When the notifier last failed, in seconds since the epoch (0: never).", n, nil),
		storeUp:            nd("vigia_store_up", "1 while history writes reach the disk, 0 while they fail.", nil, nil),
		storeBacklog:       nd("vigia_store_backlog_bytes", "Bytes of readings waiting in memory for the disk.", nil, nil),
		storeDropped:       nd("vigia_store_dropped_total", "Readings lost because the store's backlog was full.", nil, nil),
		storeWritten:       nd("vigia_store_written_total", "Readings written to the history database.", nil, nil),
		storeErrorSince:    nd("vigia_store_failing_since_timestamp_seconds", "When history writes began to fail, in seconds since the epoch (0: they do not).", nil, nil),
		storeSize:          nd("vigia_store_size_bytes", "Bytes of the history database's pages in use.", nil, nil),
		storeMaxSize:       nd("vigia_store_max_size_bytes", "The history database's size budget.", nil, nil),
		storeEvicted:       nd("vigia_store_evicted_rows_total", "Rows the store deleted, oldest and finest first, to keep within its size budget.", nil, nil),
		streamClients:      nd("vigia_stream_clients", "Event-stream clients connected to the agent.", nil, nil),
		streamRefused:      nd("vigia_stream_clients_refused_total", "Event-stream clients refused because the most allowed were connected.", nil, nil),
	}
}

// outputs emits the notifier and store series from the health main fills,
// and the event stream's from the server.
func (c *Collector) outputs(e *emitter, h *reading.Health) {
	d := &c.out
	if c.opts.Stream != nil {
		st := c.opts.Stream()
		e.gauge(d.streamClients, float64(st.Connected))
		e.counter(d.streamRefused, float64(st.Refused))
	}
	for _, n := range h.Notifiers {
		e.counter(d.notifierSent, float64(n.Sent), n.Name, n.Type)
		e.counter(d.notifierFailed, float64(n.Failed), n.Name, n.Type)
		e.counter(d.notifierDropped, float64(n.Dropped), n.Name, n.Type)
		e.counter(d.notifierSuppressed, float64(n.Suppressed), n.Name, n.Type)
		e.gauge(d.notifierQueue, float64(n.Queued), n.Name, n.Type)
		var failed float64
		if !n.LastFailed.IsZero() {
			failed = float64(n.LastFailed.UnixNano()) / 1e9
		}
		e.gauge(d.notifierLastError, failed, n.Name, n.Type)
	}
	if s := h.Store; s != nil {
		up, since := 1.0, 0.0
		if s.Err != "" {
			up = 0
			since = float64(s.ErrSince.UnixNano()) / 1e9
		}
		e.gauge(d.storeUp, up)
		e.gauge(d.storeBacklog, float64(s.BacklogBytes))
		e.counter(d.storeDropped, float64(s.Dropped))
		e.counter(d.storeWritten, float64(s.Written))
		e.gauge(d.storeErrorSince, since)
		e.gauge(d.storeSize, float64(s.SizeBytes))
		e.gauge(d.storeMaxSize, float64(s.MaxSizeBytes))
		e.counter(d.storeEvicted, float64(s.Evicted))
	}
}
