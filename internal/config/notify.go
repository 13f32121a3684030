package config

// Notifier is one entry of the `notifiers:` list. Owned by the notifiers;
// filled in with them.
type Notifier struct{}

func (n *Notifier) validate(v *Validator, i int) {}
