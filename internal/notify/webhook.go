package notify

import (
	"context"
	"net/http"

	"github.com/vigia-dev/vigia/internal/config"
)

// webhook POSTs a Body with every alert of a message.
type webhook struct {
	p *poster
}

func newWebhook(n config.Notifier, client *http.Client) *webhook {
	return &webhook{p: newPoster(n, n.URL, client)}
}

func (w *webhook) Send(ctx context.Context, m Message) error {
	b, err := encodeBody(m, m.Alerts)
	if err != nil {
		return err
	}
	return w.p.post(ctx, b)
}
