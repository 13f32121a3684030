//go:build !linux

package sensor

func (t *Temperature) sample() (thermalSample, error) { return thermalSample{}, ErrUnsupported }

func (t *Temperature) refresh() thermalSample { return thermalSample{} }
