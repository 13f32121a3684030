package main

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"runtime/debug"
	"strings"
	"time"
)

// The SBOM is CycloneDX 1.5 JSON with what `go version -m` shows: the
// main module, every module linked in (with its go.sum hash as a
// property), and the Go standard library. Its serial number and timestamp
// come from the commit, so it is as reproducible as the binary.
type cdxBOM struct {
	BOMFormat    string         `json:"bomFormat"`
	SpecVersion  string         `json:"specVersion"`
	SerialNumber string         `json:"serialNumber"`
	Version      int            `json:"version"`
	Metadata     cdxMetadata    `json:"metadata"`
	Components   []cdxComponent `json:"components"`
}

type cdxMetadata struct {
	Timestamp string       `json:"timestamp"`
	Component cdxComponent `json:"component"`
}

type cdxComponent struct {
	Type       string        `json:"type"`
	BOMRef     string        `json:"bom-ref"`
	Name       string        `json:"name"`
	Version    string        `json:"version"`
	PURL       string        `json:"purl"`
	Properties []cdxProperty `json:"properties,omitempty"`
}

type cdxProperty struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

func writeSBOM(w io.Writer, b build) error {
	bi := b.info
	main := module(bi.Main, "application")
	for _, s := range bi.Settings {
		switch s.Key {
		case "GOOS", "GOARCH", "GOARM", "CGO_ENABLED", "-trimpath", "vcs.revision", "vcs.time", "vcs.modified":
			main.Properties = append(main.Properties, cdxProperty{"go:build:" + s.Key, s.Value})
		}
	}
	bom := cdxBOM{
		BOMFormat: "CycloneDX", SpecVersion: "1.5", Version: 1,
		SerialNumber: serial(b),
		Metadata:     cdxMetadata{Timestamp: b.time.UTC().Format(time.RFC3339), Component: main},
	}
	std := strings.TrimPrefix(bi.GoVersion, "go")
	bom.Components = append(bom.Components, cdxComponent{Type: "library", BOMRef: "pkg:golang/stdlib@v" + std,
		Name: "stdlib", Version: "v" + std, PURL: "pkg:golang/stdlib@v" + std})
	for _, d := range bi.Deps {
		if d.Replace != nil {
			d = d.Replace
		}
		bom.Components = append(bom.Components, module(*d, "library"))
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(bom)
}

func module(m debug.Module, typ string) cdxComponent {
	purl := "pkg:golang/" + m.Path + "@" + m.Version
	c := cdxComponent{Type: typ, BOMRef: purl, Name: m.Path, Version: m.Version, PURL: purl}
	if m.Sum != "" {
		c.Properties = []cdxProperty{{"go:module:sum", m.Sum}}
	}
	return c
}

// serial is a UUID (version 5 layout) from the module list and commit, so
// one binary always gets the same serial number.
func serial(b build) string {
	h := sha256.Sum256([]byte(b.info.String()))
	h[6] = h[6]&0x0f | 0x50
	h[8] = h[8]&0x3f | 0x80
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}
