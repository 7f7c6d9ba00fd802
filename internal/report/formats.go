package report

// Formats lists the --format values, in the order help shows them. The CLI
// maps each to its writer package; this list is the single source of names.
var Formats = []string{"table", "json"}
