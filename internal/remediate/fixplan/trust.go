package fixplan

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/remediate/plan"
	"github.com/iamspect/iamspect/internal/snapshot"
)

var trustRules = []string{"role-trust-oidc-unscoped", "role-trust-oidc-missing-audience", "role-trust-cross-account-no-external-id", "role-trust-any-principal"}

const githubHost = "token.actions.githubusercontent.com"

// planTrust proposes one new trust policy per role that fixes every trust
// finding planned for it. What to pin (a repository, an audience, an
// external ID, an account) comes from Options.TrustPins; without it the
// action names the input it needs and apply refuses it.
func (b *builder) planTrust(a *snapshot.Account, r finding.Result) {
	role := a.Role(r.ResourceName)
	if role == nil || role.ARN != r.ResourceARN {
		b.unplanned(r, "the role is not in the snapshot")
		return
	}
	var found []finding.Result
	for _, x := range b.byRes[a.ID+"|"+role.ARN] {
		if slices.Contains(trustRules, x.RuleID) && !b.done[x.Fingerprint] {
			found = append(found, x)
		}
	}
	var doc map[string]any
	if err := json.Unmarshal(role.TrustPolicy, &doc); err != nil {
		b.unplanned(r, "the role's trust policy does not parse")
		return
	}
	pin := b.o.TrustPins[role.Name]
	var needs []string
	var refs []plan.FindingRef
	for _, f := range found {
		refs = append(refs, ref(f))
		switch f.RuleID {
		case "role-trust-oidc-unscoped", "role-trust-oidc-missing-audience":
			needs = append(needs, pinOIDC(doc, pin, f.RuleID == "role-trust-oidc-unscoped")...)
		case "role-trust-cross-account-no-external-id":
			if pin.ExternalID == "" {
				needs = append(needs, "external-id")
			} else {
				forStatements(doc, func(st map[string]any) {
					if hasAWSPrincipal(st) {
						addCondition(st, "StringEquals", "sts:ExternalId", pin.ExternalID)
					}
				})
			}
		case "role-trust-any-principal":
			if pin.Account == "" {
				needs = append(needs, "account")
			} else {
				forStatements(doc, func(st map[string]any) {
					if isStar(st["Principal"]) {
						st["Principal"] = map[string]any{"AWS": "arn:" + partition(a) + ":iam::" + pin.Account + ":root"}
					} else if p, ok := st["Principal"].(map[string]any); ok && isStar(p["AWS"]) {
						p["AWS"] = "arn:" + partition(a) + ":iam::" + pin.Account + ":root"
					}
				})
			}
		}
	}
	newDoc, _ := json.Marshal(doc)
	title := "replace the trust policy of role " + role.Name
	if len(needs) > 0 {
		slices.Sort(needs)
		needs = slices.Compact(needs)
		var flags []string
		for _, n := range needs {
			flags = append(flags, fmt.Sprintf("--trust-pin %s=%s=VALUE", role.Name, n))
		}
		b.add(plan.Action{Stage: plan.StageDeactivate, AccountID: a.ID, Title: title, Resolves: refs,
			NeedsInput: "what to pin in the trust policy of " + role.Name + " (" + strings.Join(needs, ", ") + "): iamspect never guesses a repository, audience or account; give " + strings.Join(flags, " ") + " or a --trust-pins file, and plan again"})
		return
	}
	b.add(plan.Action{Stage: plan.StageDeactivate, AccountID: a.ID, Title: title, Resolves: refs,
		Call: plan.NewCall("iam", "UpdateAssumeRolePolicy", "RoleName", role.Name, "PolicyDocument", string(newDoc)),
		Precond: &plan.Precondition{Description: "the trust policy is as scanned",
			Checks: []plan.Check{{Kind: "trust-policy", Resource: role.Name, Field: "SHA256", Expect: canonicalSHA(role.TrustPolicy)}}},
		Reversible: true,
		Inverse:    plan.NewCall("iam", "UpdateAssumeRolePolicy", "RoleName", role.Name, "PolicyDocument", compact(role.TrustPolicy)),
		Diff:       lineDiff(pretty(role.TrustPolicy), pretty(newDoc)),
		Risk:       "callers that do not match the new conditions can no longer assume the role"})
}

func partition(a *snapshot.Account) string {
	if a.Partition == "" {
		return "aws"
	}
	return a.Partition
}

func compact(doc []byte) string {
	var buf bytes.Buffer
	if json.Compact(&buf, doc) != nil {
		return string(doc)
	}
	return buf.String()
}

func pretty(doc []byte) string {
	var v any
	if json.Unmarshal(doc, &v) != nil {
		return string(doc)
	}
	out, _ := json.MarshalIndent(v, "", "  ")
	return string(out)
}

// pinOIDC adds aud (and, when unscoped, sub) conditions to the web-identity
// statements; it returns what is missing.
func pinOIDC(doc map[string]any, pin TrustPin, sub bool) []string {
	var needs []string
	forStatements(doc, func(st map[string]any) {
		host := federatedHost(st)
		if host == "" {
			return
		}
		aud := pin.Audience
		if aud == "" && host == githubHost {
			aud = "sts.amazonaws.com"
		}
		if aud == "" {
			needs = append(needs, "aud")
		} else if !sub || pin.Subject != "" {
			addCondition(st, "StringEquals", host+":aud", aud)
		}
		if sub {
			if pin.Subject == "" {
				needs = append(needs, "sub")
				return
			}
			op := "StringEquals"
			if strings.ContainsAny(pin.Subject, "*?") {
				op = "StringLike"
			}
			addCondition(st, op, host+":sub", pin.Subject)
		}
	})
	return needs
}

func forStatements(doc map[string]any, f func(map[string]any)) {
	switch sts := doc["Statement"].(type) {
	case []any:
		for _, s := range sts {
			if st, ok := s.(map[string]any); ok && st["Effect"] == "Allow" {
				f(st)
			}
		}
	case map[string]any:
		if sts["Effect"] == "Allow" {
			f(sts)
		}
	}
}

func federatedHost(st map[string]any) string {
	p, ok := st["Principal"].(map[string]any)
	if !ok {
		return ""
	}
	var fed []string
	switch v := p["Federated"].(type) {
	case string:
		fed = []string{v}
	case []any:
		for _, x := range v {
			if s, ok := x.(string); ok {
				fed = append(fed, s)
			}
		}
	}
	for _, f := range fed {
		if i := strings.Index(f, ":oidc-provider/"); i >= 0 {
			return f[i+len(":oidc-provider/"):]
		}
	}
	return ""
}

func hasAWSPrincipal(st map[string]any) bool {
	p, ok := st["Principal"].(map[string]any)
	return ok && p["AWS"] != nil
}

func isStar(v any) bool {
	switch x := v.(type) {
	case string:
		return x == "*"
	case []any:
		for _, e := range x {
			if e == "*" {
				return true
			}
		}
	}
	return false
}

func addCondition(st map[string]any, op, key, val string) {
	cond, _ := st["Condition"].(map[string]any)
	if cond == nil {
		cond = map[string]any{}
		st["Condition"] = cond
	}
	m, _ := cond[op].(map[string]any)
	if m == nil {
		m = map[string]any{}
		cond[op] = m
	}
	m[key] = val
}

// lineDiff is a small unified-style diff of two texts (LCS on lines).
func lineDiff(a, b string) string {
	x, y := strings.Split(a, "\n"), strings.Split(b, "\n")
	n, m := len(x), len(y)
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if x[i] == y[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out strings.Builder
	out.WriteString("--- trust policy (current)\n+++ trust policy (proposed)\n")
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && x[i] == y[j]:
			out.WriteString(" " + x[i] + "\n")
			i++
			j++
		case j < m && (i == n || lcs[i][j+1] >= lcs[i+1][j]):
			out.WriteString("+" + y[j] + "\n")
			j++
		default:
			out.WriteString("-" + x[i] + "\n")
			i++
		}
	}
	return out.String()
}
