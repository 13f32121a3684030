package config

// Server is the `server:` section: the agent's listener, auth and TLS.
// Owned by the agent; filled in with it.
type Server struct{}

func (s *Server) validate(v *Validator) {}
