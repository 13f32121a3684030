package reading

// The notes a sensor sets as codes rather than free text: JSON carries the
// code as it is, and internal/text and the web page say it in each
// language.
const (
	// NoTemperatureSensors is the temperature sensor's note on a machine
	// with no hwmon channel and no thermal zone, as most virtual machines
	// are.
	NoTemperatureSensors = "no temperature sensors"
	// TemperatureNeedsRoot is its note when the machine has channels but
	// this user may read none of them (a driver's 0400 inputs).
	TemperatureNeedsRoot = "temperature sensors need root"
	// ProcessesHidden is the processes sensor's note when /proc is mounted
	// hidepid= and this user sees only its own processes.
	ProcessesHidden = "other users' processes hidden"
)

// Notes returns every note code a sensor may set.
func Notes() []string { return []string{NoTemperatureSensors, TemperatureNeedsRoot, ProcessesHidden} }
