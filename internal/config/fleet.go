package config

import "time"

// Fleet is the `fleet:` section: where `vigia fleet` and serve's /fleet
// read the whole fleet from. Flags override it.
//
//	fleet:
//	  prometheus: http://prometheus:9090   # or VictoriaMetrics, Thanos, Mimir
//	  alertmanager: http://alertmanager:9093
//	  token_file: /etc/vigia/prometheus-token
//	  ca_file: /etc/vigia/ca.pem
//	  refresh: 5s
//	  group: env                           # group the rows by this label from the start
type Fleet struct {
	Prometheus   string        `yaml:"prometheus"`
	Alertmanager string        `yaml:"alertmanager"`
	TokenFile    string        `yaml:"token_file"`
	CAFile       string        `yaml:"ca_file"`
	Refresh      time.Duration `yaml:"refresh"`
	Group        string        `yaml:"group"`
}

// LimitsFleetRefresh bounds the fleet's refresh, in the file and in
// --refresh: Prometheus rarely scrapes faster than each second.
var LimitsFleetRefresh = Limits{Min: time.Second, Max: time.Hour}

// validate checks the refresh; the URLs are checked by the fleet client
// that uses them, which names the key.
func (f *Fleet) validate(v *Validator) {
	v.duration(Path("fleet", "refresh"), "fleet refresh", f.Refresh, LimitsFleetRefresh)
}
