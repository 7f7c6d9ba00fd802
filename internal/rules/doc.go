// Package rules holds iamspect's rule catalogue: each rule is a value with
// metadata and a check function over a snapshot, listed explicitly in
// Catalog (no init-time registration), so the catalogue is easy to read and
// test as a whole.
package rules
