package reading

// The notes a sensor sets as codes rather than free text: JSON carries the
// code as it is, and internal/text and the web page say it in each
// language.
const (
	// NoTemperatureSensors is the temperature sensor's note on a machine
	// with no hwmon channel and no thermal zone, as most virtual machines
	// are.
	NoTemperatureSensors = "no temperature sensors"
)

// Notes returns every note code a sensor may set.
func Notes() []string { return []string{NoTemperatureSensors} }
