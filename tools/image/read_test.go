package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"
)

// image is an OCI layout tar read back the way a runtime reads it: from
// index.json to the manifest to the config and the layer, every blob
// checked against the digest and size that point at it.
type image struct {
	index    index
	manifest manifest
	config   imageConfig
	// layer is the layer's headers in order, and files their contents.
	layer []layerHeader
	files map[string][]byte
	// outer is the layout tar's own entries, in order.
	outer []string
}

type layerHeader struct {
	Name     string
	Type     byte
	Mode     int64
	UID, GID int
	Size     int64
	Uname    string
	Gname    string
	ModTime  string
}

func readImage(t *testing.T, b []byte) image {
	t.Helper()
	img := image{files: map[string][]byte{}}
	blobs := map[string][]byte{}
	var indexJSON, layoutJSON []byte
	tr := tar.NewReader(bytes.NewReader(b))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("layout tar: %v", err)
		}
		img.outer = append(img.outer, h.Name)
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case h.Name == "index.json":
			indexJSON = data
		case h.Name == "oci-layout":
			layoutJSON = data
		case strings.HasPrefix(h.Name, "blobs/sha256/") && h.Typeflag == tar.TypeReg:
			blobs["sha256:"+strings.TrimPrefix(h.Name, "blobs/sha256/")] = data
		}
	}
	if string(layoutJSON) != `{"imageLayoutVersion":"1.0.0"}` {
		t.Errorf("oci-layout = %q", layoutJSON)
	}
	for d, data := range blobs {
		if got := digestOf(data); got != d {
			t.Errorf("blob %s holds content of digest %s", d, got)
		}
	}
	blob := func(d descriptor, mediaType string) []byte {
		t.Helper()
		data, ok := blobs[d.Digest]
		if !ok {
			t.Fatalf("no blob %s", d.Digest)
		}
		if int64(len(data)) != d.Size || d.MediaType != mediaType {
			t.Fatalf("descriptor %+v: blob is %d bytes, want media type %s", d, len(data), mediaType)
		}
		return data
	}
	decode := func(data []byte, v any) {
		t.Helper()
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(v); err != nil {
			t.Fatalf("%s: %v", data, err)
		}
	}
	decode(indexJSON, &img.index)
	if len(img.index.Manifests) != 1 {
		t.Fatalf("index has %d manifests, want 1", len(img.index.Manifests))
	}
	decode(blob(img.index.Manifests[0], mediaManifest), &img.manifest)
	decode(blob(img.manifest.Config, mediaConfig), &img.config)
	if len(img.manifest.Layers) != 1 {
		t.Fatalf("manifest has %d layers, want 1", len(img.manifest.Layers))
	}
	zr, err := gzip.NewReader(bytes.NewReader(blob(img.manifest.Layers[0], mediaLayer)))
	if err != nil {
		t.Fatal(err)
	}
	layerTar, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if got := []string{digestOf(layerTar)}; fmt.Sprint(got) != fmt.Sprint(img.config.RootFS.DiffIDs) {
		t.Errorf("layer diff id %v, config says %v", got, img.config.RootFS.DiffIDs)
	}
	tr = tar.NewReader(bytes.NewReader(layerTar))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("layer tar: %v", err)
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		img.layer = append(img.layer, layerHeader{
			Name: h.Name, Type: h.Typeflag, Mode: h.Mode, UID: h.Uid, GID: h.Gid, Size: h.Size,
			Uname: h.Uname, Gname: h.Gname, ModTime: h.ModTime.UTC().Format("2006-01-02T15:04:05Z"),
		})
		img.files[h.Name] = data
	}
	return img
}
