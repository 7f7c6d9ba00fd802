package snapshot

import (
	"fmt"
	"strconv"
)

// Quota is one of AWS's documented IAM quotas ("IAM and AWS STS quotas" in
// the IAM User Guide), at its raised maximum where AWS allows raising it.
// Inputs beyond QuotaMargin times a quota cannot come from one real
// account: they are refused before they are analysed, so that a hostile or
// corrupt file cannot make a scan run out of memory or time.
type Quota struct {
	AWS  int    // AWS's quota
	Noun string // what is counted, plural: "roles", "characters"
	Per  string // what the quota applies to: "per account", "in a role trust policy"
}

// QuotaMargin is the safety margin on every quota: inputs up to ten times
// AWS's quotas are analysed.
const QuotaMargin = 10

// The quotas iamspect enforces (with QuotaMargin).
var (
	QuotaUsers  = Quota{5000, "users", "per account"}
	QuotaGroups = Quota{300, "groups", "per account"}
	// 1,000 by default, raisable to 5,000.
	QuotaRoles = Quota{5000, "roles", "per account"}
	// 1,500 by default, raisable to 5,000.
	QuotaCustomerPolicies = Quota{5000, "customer managed policies", "per account"}
	// Not an account quota: AWS publishes about 1,400 managed policies.
	QuotaAWSPolicies       = Quota{2000, "AWS managed policies", "(AWS publishes about 1,400)"}
	QuotaPolicyVersions    = Quota{5, "versions", "per managed policy"}
	QuotaManagedPolicySize = Quota{6144, "characters", "in a managed policy"}
	// 2,048 by default, raisable to 4,096.
	QuotaTrustPolicySize = Quota{4096, "characters", "in a role trust policy"}
	QuotaUserInlineSize  = Quota{2048, "characters", "of inline policies per user"}
	QuotaGroupInlineSize = Quota{5120, "characters", "of inline policies per group"}
	QuotaRoleInlineSize  = Quota{10240, "characters", "of inline policies per role"}
	QuotaGroupsPerUser   = Quota{10, "groups", "per user"}
	QuotaAttached        = Quota{20, "attached managed policies", "per user, group or role"}
)

// Limit is the most iamspect accepts: QuotaMargin times the quota.
func (q Quota) Limit() int { return q.AWS * QuotaMargin }

// Check returns an error when n is above the limit, e.g. "61,000 roles,
// more than ten times AWS's quota of 5,000 roles per account".
func (q Quota) Check(n int) error {
	if n <= q.Limit() {
		return nil
	}
	return fmt.Errorf("%s %s, more than ten times AWS's quota of %s %s %s", Comma(n), q.Noun, Comma(q.AWS), q.Noun, q.Per)
}

// Comma formats n with thousands separators: 61000 -> "61,000".
func Comma(n int) string {
	s := strconv.Itoa(n)
	neg := ""
	if n < 0 {
		neg, s = "-", s[1:]
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return neg + s
}

// PolicyChars counts the characters of a policy document as AWS does for
// its size quotas: everything but white space.
func PolicyChars(doc []byte) int {
	n := 0
	for _, c := range doc {
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			n++
		}
	}
	return n
}

// CheckQuotas refuses an account far beyond AWS's quotas (QuotaMargin
// times them): too many users, groups, roles or managed policies, or a
// policy document far larger than AWS allows. It names the first excess.
func (a *Account) CheckQuotas() error {
	if err := QuotaUsers.Check(len(a.Users)); err != nil {
		return err
	}
	if err := QuotaGroups.Check(len(a.Groups)); err != nil {
		return err
	}
	if err := QuotaRoles.Check(len(a.Roles)); err != nil {
		return err
	}
	customer, aws := 0, 0
	for _, p := range a.Policies {
		if p == nil {
			continue
		}
		if IsAWSManagedPolicyARN(p.ARN) {
			aws++
		} else {
			customer++
		}
		if err := QuotaManagedPolicySize.Check(PolicyChars(p.Document)); err != nil {
			return fmt.Errorf("managed policy %s: %w", p.Name, err)
		}
	}
	if err := QuotaCustomerPolicies.Check(customer); err != nil {
		return err
	}
	if err := QuotaAWSPolicies.Check(aws); err != nil {
		return err
	}
	inline := func(q Quota, kind, name string, ps []InlinePolicy) error {
		n := 0
		for _, p := range ps {
			n += PolicyChars(p.Document)
		}
		if err := q.Check(n); err != nil {
			return fmt.Errorf("%s %s: %w", kind, name, err)
		}
		return nil
	}
	for _, u := range a.Users {
		if u == nil {
			continue
		}
		if err := inline(QuotaUserInlineSize, "user", u.Name, u.InlinePolicies); err != nil {
			return err
		}
	}
	for _, g := range a.Groups {
		if g == nil {
			continue
		}
		if err := inline(QuotaGroupInlineSize, "group", g.Name, g.InlinePolicies); err != nil {
			return err
		}
	}
	for _, r := range a.Roles {
		if r == nil {
			continue
		}
		if err := inline(QuotaRoleInlineSize, "role", r.Name, r.InlinePolicies); err != nil {
			return err
		}
		if err := QuotaTrustPolicySize.Check(PolicyChars(r.TrustPolicy)); err != nil {
			return fmt.Errorf("role %s trust policy: %w", r.Name, err)
		}
	}
	return nil
}
