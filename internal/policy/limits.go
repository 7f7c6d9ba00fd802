package policy

// Limits on untrusted documents. AWS's own quotas are far lower (a managed
// policy is at most 6,144 characters, an inline one 10,240, an SCP 5,120), so
// these bounds never reject a real policy; they only stop hostile or corrupt
// input from costing unbounded memory or time.
const (
	// MaxDocumentBytes bounds the raw input, before any URL decoding.
	MaxDocumentBytes = 1 << 20
	// MaxStatements bounds the statements of one document.
	MaxStatements = 5000
	// MaxValues bounds the values of one element (Action, Resource, a
	// principal type, a condition key).
	MaxValues = 10000
	// MaxConditions bounds the condition keys of one statement.
	MaxConditions = 1000
	// MaxDepth bounds JSON nesting; a policy never nests deeper than 5.
	MaxDepth = 32
)
