package server

import (
	"maps"
	"net/http"

	"github.com/vigia-dev/vigia/internal/text"
)

// words answers the web page's words, from internal/text's catalogue, in
// the language ?lang= names (en, es); English for any other. They hold no
// data: like the page, they load without a token, so that the dialog
// asking for one speaks the user's language.
func (s *Server) words(w http.ResponseWriter, r *http.Request) {
	lang, err := text.Parse(r.URL.Query().Get("lang"))
	if err != nil {
		lang = text.English
	}
	words := text.For(lang).Page()
	maps.Copy(words, text.For(lang).FleetPage())
	writeJSON(w, http.StatusOK, words)
}
