package fleet

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// Alert is one firing alert, as Prometheus' ALERTS series or
// Alertmanager's API v2 gives it.
type Alert struct {
	Name     string            `json:"name"`
	Severity string            `json:"severity,omitempty"`
	Since    time.Time         `json:"since,omitzero"`
	Labels   map[string]string `json:"-"`
}

// Alerts asks an Alertmanager's API v2 (c's URL is the Alertmanager's
// base) for the alerts firing now: active, neither silenced nor inhibited,
// since an operator who silenced one does not want it on every row.
func (c *Client) Alerts(ctx context.Context) ([]Alert, error) {
	v := url.Values{"active": {"true"}, "silenced": {"false"}, "inhibited": {"false"}}
	b, err := c.do(ctx, http.MethodGet, "/api/v2/alerts", v)
	if err != nil {
		return nil, err
	}
	return decodeAlerts(b)
}

// decodeAlerts reads the API v2 answer: an array of gettableAlert.
func decodeAlerts(b []byte) ([]Alert, error) {
	var as []struct {
		Labels   map[string]string `json:"labels"`
		StartsAt time.Time         `json:"startsAt"`
		Status   struct {
			State string `json:"state"`
		} `json:"status"`
	}
	if err := json.Unmarshal(b, &as); err != nil {
		return nil, fmt.Errorf("not an alertmanager API v2 answer: %w", err)
	}
	out := make([]Alert, 0, len(as))
	for _, a := range as {
		if a.Status.State != "" && a.Status.State != "active" {
			continue
		}
		out = append(out, Alert{Name: a.Labels["alertname"], Severity: a.Labels["severity"], Since: a.StartsAt, Labels: a.Labels})
	}
	return out, nil
}
