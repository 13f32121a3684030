//go:build !unix

package procfs

func (h *heldFiles) read(path string, buf []byte) ([]byte, error) { return statReadFile(path, buf) }

func (h *heldFiles) sweep() {}
