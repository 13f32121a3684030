package server

import (
	"embed"
	"io/fs"
	"net/http"
	"strings"
)

// staticFiles is the web dashboard: hand-written HTML, CSS and JS with no
// build step and nothing fetched from the internet.
//
//go:embed static
var staticFiles embed.FS

// static serves the dashboard at / and its assets; any other path is 404.
func (s *Server) static() http.HandlerFunc {
	sub, err := fs.Sub(staticFiles, "static")
	if err != nil {
		panic(err) // the embed pattern above guarantees the directory
	}
	files := http.FileServerFS(sub)
	return func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		if p == "/fleet" && s.opts.Fleet != nil {
			r2 := r.Clone(r.Context())
			r2.URL.Path = "/fleet.html"
			r, p = r2, "/fleet.html"
		} else if p != "/" && p != "/index.html" && !strings.HasPrefix(p, "/static/") && p != "/favicon.svg" {
			writeError(w, http.StatusNotFound, "not found: "+p)
			return
		}
		if strings.HasPrefix(p, "/static/") {
			name := strings.TrimPrefix(p, "/static/")
			// Only files that exist: anything else (a bad name the embedded
			// FS rejects, a directory) is a plain 404, not a 500.
			if st, err := fs.Stat(sub, name); err != nil || st.IsDir() {
				writeError(w, http.StatusNotFound, "not found: "+p)
				return
			}
			r2 := r.Clone(r.Context())
			r2.URL.Path = "/" + name
			r = r2
		}
		w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'")
		w.Header().Set("Cache-Control", "no-cache")
		files.ServeHTTP(w, r)
	}
}
