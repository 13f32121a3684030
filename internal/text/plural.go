package text

import "strconv"

// form is the word for a count of n: English and Spanish both take the
// singular for exactly one and the plural for every other count, zero
// and negatives included ("0 hosts", "0 equipos").
func form(n int, one, many string) string {
	if n == 1 || n == -1 {
		return one
	}
	return many
}

// count is n followed by the word for n in the catalogue's language, the
// English forms first.
func (t *Text) count(n int, enOne, enMany, esOne, esMany string) string {
	return strconv.Itoa(n) + " " + t.pick(form(n, enOne, enMany), form(n, esOne, esMany))
}
