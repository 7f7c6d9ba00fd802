package rules

import (
	"slices"
	"strings"

	"github.com/iamspect/iamspect/internal/snapshot"
)

// isExternalAnalyzer reports whether an analyzer looks for external access and is active.
func isExternalAnalyzer(z snapshot.AccessAnalyzer) bool {
	return (z.Type == "ACCOUNT" || z.Type == "ORGANIZATION") && strings.EqualFold(z.Status, "ACTIVE")
}

// AccessAnalyzerDisabled fails accounts with regions in use and no active
// external-access analyzer covering them.
var AccessAnalyzerDisabled = Rule{
	ID:       "access-analyzer-disabled",
	Title:    "No IAM Access Analyzer for external access in a region in use",
	Severity: Medium,
	Description: "IAM Access Analyzer continuously finds resources shared outside the account or " +
		"organisation (roles, buckets, keys, queues, ...). Analyzers are regional: a region without one is " +
		"a region where a public bucket or an over-trusting role goes unnoticed.",
	Frameworks: with(with(with(with(cis("1.20", "1.19", "2.18"),
		FSBP, "IAM.28"), WellArch, "SEC03-BP07"), NIST80053, "AC-6", "CA-7"), Conformity, "IAM-065"),
	Remediation: Remediation{
		Summary:   "Create an external access analyzer in every region in use (an organisation analyzer from the delegated administrator covers all members).",
		Console:   "IAM console > Access analyzer > Analyzer settings > Create analyzer (type: external access; zone of trust: organisation or account), in each region.",
		CLI:       "aws accessanalyzer create-analyzer --analyzer-name external-access --type ORGANIZATION --region REGION   # or --type ACCOUNT",
		Terraform: "resource \"aws_accessanalyzer_analyzer\" \"external\" {\n  analyzer_name = \"external-access\"\n  type          = \"ORGANIZATION\"\n}   # one per region (provider alias)",
	},
	References: []string{
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/what-is-access-analyzer.html",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-getting-started.html",
	},
	Needs:        []snapshot.Input{snapshot.InputAccessAnalyzer},
	CheckAccount: checkAccessAnalyzer,
}

func checkAccessAnalyzer(r *Rule, c *Context, s *snapshot.Snapshot, a *snapshot.Account) []Result {
	covered := map[string]bool{}
	for _, z := range a.AccessAnalyzers {
		if isExternalAnalyzer(z) {
			covered[z.Region] = true
		}
	}
	// A member is also covered by the organisation analyzers of the other
	// members (its own are counted above).
	if org := c.org(s); org.member(a.ID) {
		for reg := range org.orgAnalyzerRegions {
			covered[reg] = true
		}
	}
	if len(a.Regions) == 0 {
		if len(covered) == 0 {
			return []Result{r.accountResult(Fail, a, "The account has no active external access analyzer in any region.")}
		}
		return []Result{r.accountResult(Pass, a, "An external access analyzer is active (the regions in use are not known, so each region was not checked).")}
	}
	var missing []string
	for _, reg := range a.Regions {
		if !covered[reg] {
			missing = append(missing, reg)
		}
	}
	if len(missing) > 0 {
		return []Result{r.accountResult(Fail, a, "No active external access analyzer covers %s, in use by this account.", joinList(missing))}
	}
	return []Result{r.accountResult(Pass, a, "An active external access analyzer covers every region in use (%s).", joinList(a.Regions))}
}

// ServerCertificateExpired fails expired IAM server certificates.
var ServerCertificateExpired = Rule{
	ID:       "server-certificate-expired",
	Title:    "Expired server certificate is stored in IAM",
	Severity: Medium,
	Description: "An expired TLS certificate left in IAM can be attached to a load balancer or CloudFront " +
		"distribution by mistake, breaking connections and training people to click through warnings. " +
		"Delete expired certificates (and prefer AWS Certificate Manager, which renews them).",
	Frameworks: with(with(with(cis("1.19", "1.18", "2.17"),
		FSBP, "IAM.26"), WellArch, "SEC02-BP05"), NIST80053, "IA-5(2)", "SC-12"),
	Remediation: Remediation{
		Summary: "Check nothing still uses the certificate, then delete it; manage new certificates in ACM.",
		Console: "IAM server certificates have no console page: use the AWS CLI.",
		CLI:     "aws iam list-server-certificates\naws iam delete-server-certificate --server-certificate-name NAME",
	},
	References: []string{
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_server-certs.html",
	},
	Needs:        []snapshot.Input{snapshot.InputServerCertificates},
	CheckAccount: checkServerCertificates,
}

func checkServerCertificates(r *Rule, ctx *Context, s *snapshot.Snapshot, a *snapshot.Account) []Result {
	if len(a.ServerCertificates) == 0 {
		return []Result{r.accountResult(Pass, a, "The account stores no server certificates in IAM.")}
	}
	now := ctx.Now(s, a)
	var out []Result
	for _, c := range a.ServerCertificates {
		switch {
		case c.Expiration == nil:
			out = append(out, r.Result(Unknown, a.ID, TypeServerCert, c.ARN, c.Name, "Server certificate %s: its expiry date was not collected.", c.Name))
		case !c.Expiration.After(now):
			out = append(out, r.Result(Fail, a.ID, TypeServerCert, c.ARN, c.Name, "Server certificate %s expired on %s.", c.Name, day(*c.Expiration)))
		default:
			out = append(out, r.Result(Pass, a.ID, TypeServerCert, c.ARN, c.Name, "Server certificate %s is valid until %s.", c.Name, day(*c.Expiration)))
		}
	}
	return out
}

const supportPolicyARNSuffix = ":iam::aws:policy/AWSSupportAccess"

// SupportRoleMissing fails accounts where nobody holds AWSSupportAccess.
var SupportRoleMissing = Rule{
	ID:       "support-role-missing",
	Title:    "No role or group can open AWS Support cases",
	Severity: Low,
	Description: "During an incident someone must be able to open and follow AWS Support cases without " +
		"borrowing the root user or an administrator. A role (or group) with the AWSSupportAccess managed " +
		"policy makes that a normal, audited permission.",
	Frameworks: with(cis("1.17", "1.16", "2.15"), FSBP, "IAM.18"),
	Remediation: Remediation{
		Summary: "Create a role that your incident responders can assume, and attach AWSSupportAccess to it.",
		Console: "IAM console > Roles > Create role > trusted entity: your account (or Identity Center) > attach AWSSupportAccess.",
		CLI: "aws iam create-role --role-name aws-support --assume-role-policy-document file://trust.json\n" +
			"aws iam attach-role-policy --role-name aws-support --policy-arn arn:aws:iam::aws:policy/AWSSupportAccess",
		Terraform: "aws_iam_role with aws_iam_role_policy_attachment (policy_arn = \"arn:aws:iam::aws:policy/AWSSupportAccess\").",
	},
	References: []string{
		"https://docs.aws.amazon.com/awssupport/latest/user/accessing-support.html",
		"https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSSupportAccess.html",
	},
	Needs:        []snapshot.Input{snapshot.InputAuthorizationDetails},
	CheckAccount: checkSupportRole,
}

func checkSupportRole(r *Rule, _ *Context, _ *snapshot.Snapshot, a *snapshot.Account) []Result {
	isSupport := func(p snapshot.PolicyRef) bool { return strings.HasSuffix(p.ARN, supportPolicyARNSuffix) }
	var holders []string
	for _, role := range a.Roles {
		if slices.ContainsFunc(role.AttachedPolicies, isSupport) {
			holders = append(holders, "role "+role.Name)
		}
	}
	for _, g := range a.Groups {
		if slices.ContainsFunc(g.AttachedPolicies, isSupport) {
			holders = append(holders, "group "+g.Name)
		}
	}
	for _, u := range a.Users {
		if slices.ContainsFunc(u.AttachedPolicies, isSupport) {
			holders = append(holders, "user "+u.Name)
		}
	}
	if len(holders) == 0 {
		return []Result{r.accountResult(Fail, a, "No role, group or user has the AWSSupportAccess policy attached.")}
	}
	return []Result{r.accountResult(Pass, a, "AWSSupportAccess is attached to %s.", joinList(holders))}
}
