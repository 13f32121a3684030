package config

// Store is the `store:` section: the history database, retention and
// downsampling. Owned by the history store; filled in with it.
type Store struct{}

func (s *Store) validate(v *Validator) {}
