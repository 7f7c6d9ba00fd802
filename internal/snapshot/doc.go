// Package snapshot is iamspect's one model of an AWS account or organisation's
// IAM state. Collectors (live, files, sandbox) build it; rules only read it.
//
// A snapshot records what it could not collect as Gaps and lists, per account,
// which inputs it did collect (Account.Collected). Rules use that list to tell
// "nothing there" apart from "never looked", so they can answer UNKNOWN
// instead of a false PASS.
//
// The JSON form is versioned by SchemaVersion and documented in docs/snapshot.md.
package snapshot
