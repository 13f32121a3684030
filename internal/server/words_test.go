package server

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"testing"

	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/text"
)

// pageKeys finds the words the page looks up: word("key") in the script,
// a chart's empty: "key", and data-t, data-t-title and data-t-placeholder
// in the HTML; a note is looked up as "note." + its code.
func pageKeys(t *testing.T) []string {
	t.Helper()
	var keys []string
	for name, re := range map[string]*regexp.Regexp{
		"static/app.js":     regexp.MustCompile(`(?:\bword\(|empty: )"([^"]+)"(?:[,)]| })`),
		"static/cgroups.js": regexp.MustCompile(`\bword\("([^"]+)"[,)]`),
		"static/explain.js": regexp.MustCompile(`\bword\("([^"]+)"[,)]`),
		"static/index.html": regexp.MustCompile(`data-t(?:-title|-placeholder)?="([^"]+)"`),
	} {
		b, err := staticFiles.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			keys = append(keys, m[1])
		}
	}
	for _, n := range reading.Notes() {
		keys = append(keys, "note."+n)
	}
	// The page looks up "event." + kind.
	for _, k := range reading.EventKinds {
		keys = append(keys, "event."+string(k))
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}

// TestPageWordsInBothLanguages: every word the page uses is in the
// catalogue in English and Spanish, Spanish in words of its own, and the
// catalogue holds no word the page does not use.
func TestPageWordsInBothLanguages(t *testing.T) {
	t.Parallel()
	same := map[string]bool{"login.token": true, "detail.nice": true}
	en, es := text.For(text.English).Page(), text.For(text.Spanish).Page()
	keys := pageKeys(t)
	if len(keys) < 40 {
		t.Fatalf("found only %d keys in the page: %q", len(keys), keys)
	}
	for _, k := range keys {
		if en[k] == "" || es[k] == "" {
			t.Errorf("%q: English %q, Spanish %q; want both", k, en[k], es[k])
		}
		if (en[k] == es[k]) != same[k] {
			t.Errorf("%q: English %q, Spanish %q", k, en[k], es[k])
		}
	}
	for k := range en {
		if !slices.Contains(keys, k) {
			t.Errorf("catalogue word %q is not used by the page", k)
		}
	}
}

// TestWordsEndpoint: the page's words come in the language asked for,
// English for any other, and without the token, as the page itself does.
func TestWordsEndpoint(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t, func(o *Options) { o.Token = "0123456789abcdef0123" })
	for _, tt := range []struct{ query, want string }{
		{"?lang=es", "Alertas activas"}, {"?lang=en", "Active alerts"}, {"", "Active alerts"}, {"?lang=xx", "Active alerts"},
	} {
		w := get(t, s.Handler(), http.MethodGet, "/api/v1/words"+tt.query)
		var got map[string]string
		if err := json.Unmarshal(w.Body.Bytes(), &got); w.Code != http.StatusOK || err != nil {
			t.Fatalf("%s: %d %v %s", tt.query, w.Code, err, w.Body)
		}
		if got["alerts"] != tt.want || got["note."+reading.NoTemperatureSensors] == "" {
			t.Errorf("%s: alerts = %q, want %q", tt.query, got["alerts"], tt.want)
		}
	}
	if w := get(t, s.Handler(), http.MethodGet, "/api/v1/snapshot"); w.Code != http.StatusUnauthorized {
		t.Errorf("snapshot without a token: %d, want 401", w.Code)
	}
}
