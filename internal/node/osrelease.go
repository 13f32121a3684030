package node

import (
	"bytes"
	"fmt"
)

// OSRelease is the os-release(5) fields node_exporter reports.
type OSRelease struct {
	Name, ID, IDLike, PrettyName, Variant, VariantID string
	Version, VersionID, VersionCodename, BuildID     string
	ImageID, ImageVersion, SupportEnd                string
}

// ParseOSRelease parses an os-release file: KEY=value lines in the
// shell's quoting (double quotes with \" \\ \$ \` escapes, single quotes
// literal, a backslash escaping one character outside quotes), blank
// lines and # comments skipped, unknown keys ignored. A line that is not
// an assignment or leaves a quote open is an error naming its line.
func ParseOSRelease(b []byte) (OSRelease, error) {
	var r OSRelease
	fields := map[string]*string{
		"NAME": &r.Name, "ID": &r.ID, "ID_LIKE": &r.IDLike, "PRETTY_NAME": &r.PrettyName,
		"VARIANT": &r.Variant, "VARIANT_ID": &r.VariantID, "VERSION": &r.Version,
		"VERSION_ID": &r.VersionID, "VERSION_CODENAME": &r.VersionCodename, "BUILD_ID": &r.BuildID,
		"IMAGE_ID": &r.ImageID, "IMAGE_VERSION": &r.ImageVersion, "SUPPORT_END": &r.SupportEnd,
	}
	for n := 1; len(b) > 0; n++ {
		var line []byte
		line, b, _ = bytes.Cut(b, []byte("\n"))
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		line = bytes.TrimPrefix(line, []byte("export "))
		key, raw, ok := bytes.Cut(line, []byte("="))
		if !ok || !shellName(key) {
			return OSRelease{}, fmt.Errorf("line %d: not KEY=value", n)
		}
		v, err := shellWord(raw)
		if err != nil {
			return OSRelease{}, fmt.Errorf("line %d: %s: %w", n, key, err)
		}
		if p := fields[string(key)]; p != nil {
			*p = v
		}
	}
	return r, nil
}

func shellName(b []byte) bool {
	for i, c := range b {
		if c != '_' && (c < 'A' || c > 'Z') && (c < 'a' || c > 'z') && (i == 0 || c < '0' || c > '9') {
			return false
		}
	}
	return len(b) > 0
}

// shellWord unquotes one shell word; what follows it on the line may only
// be a comment.
func shellWord(b []byte) (string, error) {
	var out []byte
	for i := 0; i < len(b); i++ {
		switch c := b[i]; c {
		case '\'':
			j := bytes.IndexByte(b[i+1:], '\'')
			if j < 0 {
				return "", fmt.Errorf("unterminated single quote")
			}
			out = append(out, b[i+1:i+1+j]...)
			i += 1 + j
		case '"':
			i++
			for ; i < len(b) && b[i] != '"'; i++ {
				if b[i] == '\\' && i+1 < len(b) && bytes.IndexByte([]byte("\"\\$`"), b[i+1]) >= 0 {
					i++
				}
				out = append(out, b[i])
			}
			if i == len(b) {
				return "", fmt.Errorf("unterminated double quote")
			}
		case '\\':
			if i+1 == len(b) {
				return "", fmt.Errorf("backslash at end of line")
			}
			i++
			out = append(out, b[i])
		case ' ', '\t':
			if rest := bytes.TrimLeft(b[i:], " \t"); len(rest) > 0 && rest[0] != '#' {
				return "", fmt.Errorf("unquoted space in value")
			}
			return string(out), nil
		default:
			out = append(out, c)
		}
	}
	return string(out), nil
}
