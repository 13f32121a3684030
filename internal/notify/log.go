package notify

import (
	"context"
	"log/slog"

	"github.com/vigia-dev/vigia/internal/reading"
)

// logSender writes one log line per alert: critical at error level,
// warning at warn, and endings at info.
type logSender struct {
	log *slog.Logger
}

func (s *logSender) Send(ctx context.Context, m Message) error {
	for _, a := range m.Alerts {
		level := slog.LevelInfo
		switch {
		case a.Event == Test:
		case a.Firing() && a.Severity >= reading.Critical:
			level = slog.LevelError
		case a.Firing():
			level = slog.LevelWarn
		}
		attrs := []slog.Attr{
			slog.String("event", string(a.Event)),
			slog.String("rule", a.Rule),
			slog.String("severity", a.Severity.String()),
			slog.String("series", series(a.Metric, a.Labels)),
			slog.Float64("value", finite(a.Value)),
			slog.Float64("threshold", finite(a.Threshold)),
			slog.Time("since", a.StartsAt),
		}
		if a.Message != "" {
			attrs = append(attrs, slog.String("message", a.Message))
		}
		s.log.LogAttrs(ctx, level, "alert "+string(a.Event), attrs...)
	}
	return nil
}
