package reading

// ScrapeCollectorDuration and ScrapeCollectorSuccess are node_exporter's
// per-collector health families. internal/node reports its collectors
// with them and internal/metrics the textfile collector, which it runs
// itself: one definition, so the two never expose one name two ways.
var (
	ScrapeCollectorDuration = &Family{Name: "node_scrape_collector_duration_seconds",
		Help: "node_exporter: Duration of a collector scrape.", Type: Gauge, Labels: []string{"collector"}}
	ScrapeCollectorSuccess = &Family{Name: "node_scrape_collector_success",
		Help: "node_exporter: Whether a collector succeeded.", Type: Gauge, Labels: []string{"collector"}}
)
