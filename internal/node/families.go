package node

import "github.com/vigia-dev/vigia/internal/reading"

// familyCache keeps the families whose names come from the kernel (one
// per meminfo or vmstat field), made the first time a field is seen: the
// field set depends on the kernel, and a scrape must not build a family
// and its name again for every field.
type familyCache map[string]*reading.Family

// get returns field's family, made by mk on first use.
func (fc familyCache) get(field string, mk func(field string) *reading.Family) *reading.Family {
	f := fc[field]
	if f == nil {
		f = mk(field)
		fc[field] = f
	}
	return f
}
