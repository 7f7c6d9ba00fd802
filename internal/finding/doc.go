// Package finding is the leaf model of what a scan concludes: results,
// statuses, severities, fingerprints and structured evidence. It imports
// nothing of iamspect, so a store, a diff or a report writer can read and
// write findings without pulling in the rules or the policy engine.
package finding
