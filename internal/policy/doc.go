// Package policy reads and evaluates the AWS IAM policy language.
//
// Parse accepts every form AWS hands a policy out in (JSON object, JSON
// string, URL-encoded text) and every shape the language allows (single
// values or lists, "*" or {"AWS": "*"}, all condition operators with
// IfExists and ForAllValues / ForAnyValue, policy variables). It keeps what
// was written; Validate reports what IAM would refuse (unknown actions or
// operators, malformed ARNs, effect typos) without failing the parse.
//
// Compile turns a Document into a Policy, prepared once so that the many
// questions rules and the privilege-escalation engine ask never parse JSON
// again. A Set groups the policies that apply to one principal (identity
// policies, permissions boundary, SCP levels, resource policy); Evaluate
// follows AWS's documented evaluation logic and, when a condition key is not
// known, answers ConditionallyAllowed with the conditions the answer depends
// on instead of guessing. IsAdmin, Allows and AllowedActions answer the
// common questions, expanding wildcards against the iamdata catalogue.
//
// Wildcards ('*', '?') are matched by a greedy two-pointer algorithm whose
// cost is bounded by len(pattern)*len(text): hostile patterns cannot make
// it exponential. Limits in limits.go bound hostile documents.
package policy
