package reading

// Family describes one exposition family: a metric name with its help,
// type and label names, as a scrape-time collector (internal/node) emits
// it and /metrics exposes it. A collector keeps its families for its
// lifetime; the exposition caches each family's descriptor by name, so
// one name always has one help text, type and label set.
type Family struct {
	Name   string
	Help   string
	Type   Kind
	Labels []string
}

// Emit hands one sample of f to whoever exposes it; labelValues follow
// f.Labels in order. The receiver copies what it keeps, so a caller may
// reuse the slice it passed.
type Emit func(f *Family, value float64, labelValues ...string)
