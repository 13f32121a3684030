package sensor

func (t *Temperature) sample() (thermalSample, error) {
	chips, err := t.fs.Hwmon()
	if err != nil {
		return thermalSample{}, err
	}
	zones, err := t.fs.ThermalZones()
	if err != nil {
		return thermalSample{}, err
	}
	return thermalSample{chips: chips, zones: zones}, nil
}
