package main

import "github.com/vigia-dev/vigia/internal/config"

// ruleFlags collects --rule flags as config rules: the config package reads
// and validates each as it does the file's, so every key a rule takes in the
// file is a key here.
type ruleFlags []config.Rule

func (r *ruleFlags) String() string { return "" }

func (r *ruleFlags) Set(s string) error {
	cr, err := config.ParseRuleFlag(s, len(*r)+1)
	if err != nil {
		return err
	}
	*r = append(*r, cr)
	return nil
}
