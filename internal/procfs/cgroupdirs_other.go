//go:build !linux

package procfs

import "os"

// appendSubdirs appends the names of dir's subdirectories to names.
func appendSubdirs(names []string, dir string, dents []byte) ([]string, []byte, error) {
	ents, err := os.ReadDir(dir)
	for _, e := range ents {
		if e.IsDir() {
			names = append(names, e.Name())
		}
	}
	return names, dents, err
}
