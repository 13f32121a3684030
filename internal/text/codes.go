package text

// Code is the language's code as --lang and the config file's language:
// take it ("en", "es"); Parse reads it back.
func (l Lang) Code() string {
	if l == Spanish {
		return "es"
	}
	return "en"
}
