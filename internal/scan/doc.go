// Package scan runs rules over a snapshot: it turns missing inputs into
// UNKNOWN results, recovers a panicking rule as that rule's error, fills in
// fingerprints and sorts results so reports are stable.
package scan
