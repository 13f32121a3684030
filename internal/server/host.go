package server

import (
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
)

// hostCheck guards an agent without a token against DNS rebinding: a web
// page whose name is made to resolve to 127.0.0.1 could otherwise read the
// API from a browser on this machine, which sends the page's own name as
// Host. So without a token only names of this agent are answered:
// localhost, IP literals (a browser sends one only for a page whose origin
// is that address, which rebinding cannot fake), the listen address's name
// and the names given with --allowed-host. With a token the token is the
// guard, and any Host is answered.
func (s *Server) hostCheck(h http.Handler) http.Handler {
	if s.opts.Token != "" {
		return h
	}
	allowed := map[string]bool{"localhost": true}
	if host, _, err := net.SplitHostPort(s.opts.Listen); err == nil && host != "" {
		allowed[normalHost(host)] = true
	}
	for _, n := range s.opts.AllowedHosts {
		allowed[normalHost(n)] = true
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !hostAllowed(r.Host, allowed) {
			writeError(w, http.StatusMisdirectedRequest, "host "+strconv.Quote(r.Host)+
				" is not a name of this agent: without a token it answers only localhost, IP addresses and "+
				"the names given with --allowed-host (server.allowed_hosts)")
			return
		}
		h.ServeHTTP(w, r)
	})
}

// hostAllowed reports whether the Host header value (host, host:port,
// [v6]:port) names this agent. An empty Host (HTTP/1.0) comes from no
// browser and is allowed.
func hostAllowed(hostport string, allowed map[string]bool) bool {
	if hostport == "" {
		return true
	}
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	} else if strings.HasPrefix(hostport, "[") && strings.HasSuffix(hostport, "]") {
		host = hostport[1 : len(hostport)-1]
	}
	host = normalHost(host)
	if _, err := netip.ParseAddr(host); err == nil {
		return true
	}
	return allowed[host]
}

// normalHost lowers a DNS name and drops the trailing dot of a fully
// qualified one, so LOCALHOST. and localhost are the same name. Only ASCII
// is lowered: browsers send other names in punycode, and Unicode case
// folding would make "localhoſt" localhost.
func normalHost(h string) string {
	h = strings.TrimSuffix(strings.TrimSuffix(strings.TrimPrefix(h, "["), "]"), ".")
	return strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, h)
}
