// Package deploy holds what installs vigia: the systemd unit
// (systemd/vigia.service) and the packages' files (package/), which
// scripts/release.sh and tools/package turn into .deb and .rpm files. Its
// tests check the unit with systemd-analyze, that release builds are
// reproducible, and, as root with VIGIA_SYSTEM_TESTS=1, that the .deb
// installs, upgrades and purges on this machine. fleet/ holds the example
// Prometheus, Alertmanager and Grafana files for many agents
// (fleet/README.md); cmd/vigia's TestDeployFleet* run them against the
// built binary.
package deploy
