// Package compliance holds the control lists of the frameworks iamspect maps
// its rules to, and turns scan results into a per-control report.
//
// Control titles are short paraphrases for orientation, not the frameworks'
// text; see each framework's own document for the wording.
package compliance

import "github.com/iamspect/iamspect/internal/rules"

// Mode says how a control can be assessed.
type Mode string

// Control modes.
const (
	// Automated controls can be judged from IAM state; every automated
	// control of the CIS versions and of aws-fsbp must be covered by a rule.
	Automated Mode = "automated"
	// Manual controls need a person (or data iamspect does not read).
	Manual Mode = "manual"
)

// Control is one framework control or recommendation.
type Control struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Mode  Mode   `json:"mode"`
	// Note explains a manual control or what iamspect does not cover.
	Note string `json:"note,omitempty"`
	// Thresholds are the values the control's text names (a 30-day
	// rotation, 14 characters): its rules are evaluated at them, whatever
	// the scan's configuration, and a --config looser than them leaves
	// the control not assessed.
	Thresholds []Threshold `json:"thresholds,omitempty"`
}

// Threshold is a value a control requires of one configurable threshold.
type Threshold struct {
	// Setting is the threshold's name in the --config file.
	Setting string `json:"setting"`
	Value   int    `json:"value"`
	// AtLeast: the control requires Value or more (a password length);
	// otherwise Value or less (an age in days).
	AtLeast bool `json:"at_least,omitempty"`
}

// atMost and atLeast build thresholds.
func atMost(setting string, v int) Threshold { return Threshold{Setting: setting, Value: v} }
func atLeast(setting string, v int) Threshold {
	return Threshold{Setting: setting, Value: v, AtLeast: true}
}

// with returns the control with thresholds.
func (c Control) with(ts ...Threshold) Control { c.Thresholds = ts; return c }

// Framework is a framework and its IAM-relevant controls.
type Framework struct {
	ID       rules.Framework `json:"id"`
	Name     string          `json:"name"`
	URL      string          `json:"url,omitempty"`
	Controls []Control       `json:"controls"`
	// Scored frameworks get a per-control report (CIS and FSBP); the others
	// are mappings for reference (Well-Architected, NIST, Conformity IDs).
	Scored bool `json:"scored"`
}

// Control finds a control by ID.
func (f *Framework) Control(id string) (Control, bool) {
	for _, c := range f.Controls {
		if c.ID == id {
			return c, true
		}
	}
	return Control{}, false
}

func auto(id, title string) Control { return Control{ID: id, Title: title, Mode: Automated} }
func manual(id, title, note string) Control {
	return Control{ID: id, Title: title, Mode: Manual, Note: note}
}

const (
	noteContact   = "Account contact details are not part of IAM state; check them in the Billing and Account console."
	noteEC2       = "Needs EC2 instance data, which iamspect does not collect."
	noteQuestions = "Security questions cannot be read through any API."
)

// cisCommon builds a CIS IAM section from the version-independent list; the
// numbering differs per version (rules.md has the table).
type cisItem struct {
	v3, v5, v7 string
	c          Control
}

var cisItems = []cisItem{
	{"1.1", "1.1", "2.2", manual("", "Maintain current contact details", noteContact)},
	{"1.2", "1.2", "2.3", manual("", "Register security contact information", noteContact)},
	{"1.3", "", "", manual("", "Register security questions for the account", noteQuestions)},
	{"1.4", "1.3", "2.4", auto("", "No access key exists for the root user")},
	{"1.5", "1.4", "2.5", auto("", "MFA is enabled for the root user")},
	{"1.6", "1.5", "2.6", auto("", "Hardware MFA is enabled for the root user")},
	{"1.7", "1.6", "2.7", auto("", "The root user is not used for everyday tasks")},
	{"1.8", "1.7", "2.8", auto("", "Password policy requires at least 14 characters").with(atLeast("min_password_length", 14))},
	{"1.9", "1.8", "2.9", auto("", "Password policy prevents password reuse").with(atLeast("password_reuse_prevention", 24))},
	{"1.10", "1.9", "2.10", auto("", "MFA is enabled for every user with a console password")},
	{"1.11", "1.10", "", auto("", "No access keys are created during initial setup of console users")},
	{"1.12", "1.11", "2.11", auto("", "Credentials unused for 45 days or more are disabled").with(atMost("unused_credential_days", 45))},
	{"1.13", "1.12", "", auto("", "Each user has at most one active access key")},
	{"1.14", "1.13", "2.12", auto("", "Access keys are rotated every 90 days or less").with(atMost("access_key_max_age_days", 90))},
	{"1.15", "1.14", "2.13", auto("", "Users receive permissions only through groups")},
	{"1.16", "1.15", "2.14", auto("", "No policy granting full \"*:*\" administrative privileges is attached")},
	{"1.17", "1.16", "2.15", auto("", "A support role exists to manage incidents with AWS Support")},
	{"1.18", "1.17", "2.16", manual("", "IAM instance roles are used for access from EC2 instances", noteEC2)},
	{"1.19", "1.18", "2.17", auto("", "Expired TLS certificates stored in IAM are removed")},
	{"1.20", "1.19", "2.18", auto("", "IAM Access Analyzer is enabled for all regions")},
	{"1.21", "1.20", "2.19", auto("", "IAM users are managed centrally (identity federation or AWS Organizations)")},
	{"1.22", "1.21", "2.20", auto("", "Access to AWSCloudShellFullAccess is restricted")},
	{"", "", "2.1.1", auto("", "Root user credentials of member accounts are managed centrally")},
	{"", "", "2.21", auto("", "Resource policies do not allow \"Principal\": \"*\" without conditions")},
}

// v7Org lists v7.0's other AWS Organizations recommendations, which iamspect
// does not assess.
var v7Org = []string{"2.1.2", "2.1.3", "2.1.4", "2.1.5", "2.1.6"}

func cisFramework(id rules.Framework, name string, pick func(cisItem) string) Framework {
	f := Framework{ID: id, Name: name, URL: "https://www.cisecurity.org/benchmark/amazon_web_services", Scored: true}
	for _, it := range cisItems {
		if n := pick(it); n != "" {
			c := it.c
			c.ID = n
			f.Controls = append(f.Controls, c)
		}
	}
	if id == rules.CISv7 {
		for _, n := range v7Org {
			f.Controls = append(f.Controls, manual(n, "AWS Organizations recommendation "+n,
				"An organisation-wide setting outside iamspect's IAM checks; see the benchmark text."))
		}
	}
	sortControls(f.Controls)
	return f
}

var fsbp = Framework{ID: rules.FSBP, Name: "AWS Foundational Security Best Practices (Security Hub), IAM controls",
	URL: "https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html", Scored: true,
	Controls: []Control{
		auto("IAM.1", "Policies do not allow full \"*\" administrative privileges"),
		auto("IAM.2", "Users have no policies attached directly"),
		auto("IAM.3", "Access keys are rotated every 90 days or less").with(atMost("access_key_max_age_days", 90)),
		auto("IAM.4", "No root user access key exists"),
		auto("IAM.5", "MFA is enabled for users with a console password"),
		auto("IAM.6", "Hardware MFA is enabled for the root user"),
		auto("IAM.7", "The password policy has a strong configuration"),
		auto("IAM.8", "Unused user credentials are removed (90 days)").with(atMost("unused_credential_days", 90), atMost("inactive_user_days", 90)),
		auto("IAM.9", "MFA is enabled for the root user"),
		auto("IAM.10", "The password policy has a strong configuration (AWS Config variant)"),
		auto("IAM.11", "The password policy requires an upper-case letter"),
		auto("IAM.12", "The password policy requires a lower-case letter"),
		auto("IAM.13", "The password policy requires a symbol"),
		auto("IAM.14", "The password policy requires a number"),
		auto("IAM.15", "The password policy requires at least 14 characters").with(atLeast("min_password_length", 14)),
		auto("IAM.16", "The password policy prevents password reuse").with(atLeast("password_reuse_prevention", 24)),
		auto("IAM.17", "The password policy expires passwords within 90 days").with(atMost("max_password_age_days", 90)),
		auto("IAM.18", "A support role exists to manage incidents with AWS Support"),
		auto("IAM.19", "MFA is enabled for all users"),
		auto("IAM.21", "Customer managed policies do not allow wildcard actions for services"),
		auto("IAM.22", "User credentials unused for 45 days are removed").with(atMost("unused_credential_days", 45)),
		manual("IAM.23", "Access Analyzer analyzers are tagged", "A tagging control: iamspect does not judge tags."),
		manual("IAM.24", "Roles are tagged", "A tagging control: iamspect does not judge tags."),
		manual("IAM.25", "Users are tagged", "A tagging control: iamspect does not judge tags."),
		auto("IAM.26", "Expired TLS certificates managed in IAM are removed"),
		auto("IAM.27", "No identity has AWSCloudShellFullAccess attached"),
		auto("IAM.28", "An external access analyzer is enabled"),
	}}

var wellArchitected = Framework{ID: rules.WellArch, Name: "AWS Well-Architected Framework, security pillar",
	URL: "https://docs.aws.amazon.com/wellarchitected/latest/security-pillar/welcome.html",
	Controls: []Control{
		auto("SEC02-BP01", "Use strong sign-in mechanisms"),
		auto("SEC02-BP02", "Use temporary credentials"),
		auto("SEC02-BP03", "Store and use secrets securely"),
		auto("SEC02-BP04", "Rely on a centralized identity provider"),
		auto("SEC02-BP05", "Audit and rotate credentials periodically"),
		auto("SEC02-BP06", "Employ user groups and attributes"),
		auto("SEC03-BP01", "Define access requirements"),
		auto("SEC03-BP02", "Grant least privilege access"),
		auto("SEC03-BP03", "Establish emergency access process"),
		auto("SEC03-BP04", "Reduce permissions continuously"),
		auto("SEC03-BP05", "Define permission guardrails for your organization"),
		auto("SEC03-BP06", "Manage access based on lifecycle"),
		auto("SEC03-BP07", "Analyze public and cross-account access"),
		auto("SEC03-BP08", "Share resources securely within your organization"),
		auto("SEC03-BP09", "Share resources securely with a third party"),
	}}

var nist = Framework{ID: rules.NIST80053, Name: "NIST SP 800-53 Revision 5",
	URL: "https://csrc.nist.gov/pubs/sp/800/53/r5/upd1/final",
	Controls: []Control{
		auto("AC-2", "Account Management"),
		auto("AC-2(1)", "Account Management: Automated System Account Management"),
		auto("AC-2(3)", "Account Management: Disable Accounts"),
		auto("AC-3", "Access Enforcement"),
		auto("AC-4", "Information Flow Enforcement"),
		auto("AC-5", "Separation of Duties"),
		auto("AC-6", "Least Privilege"),
		auto("AC-6(1)", "Least Privilege: Authorize Access to Security Functions"),
		auto("AC-6(2)", "Least Privilege: Non-privileged Access for Nonsecurity Functions"),
		auto("AC-6(5)", "Least Privilege: Privileged Accounts"),
		auto("AC-6(9)", "Least Privilege: Log Use of Privileged Functions"),
		auto("AC-6(10)", "Least Privilege: Prohibit Non-privileged Users from Executing Privileged Functions"),
		auto("AC-12", "Session Termination"),
		auto("AC-17", "Remote Access"),
		auto("AC-20", "Use of External Systems"),
		auto("AU-6", "Audit Record Review, Analysis, and Reporting"),
		auto("CA-7", "Continuous Monitoring"),
		auto("CM-5", "Access Restrictions for Change"),
		auto("CM-6", "Configuration Settings"),
		auto("CM-7", "Least Functionality"),
		auto("IA-2", "Identification and Authentication (Organizational Users)"),
		auto("IA-2(1)", "Identification and Authentication: Multi-factor Authentication to Privileged Accounts"),
		auto("IA-2(2)", "Identification and Authentication: Multi-factor Authentication to Non-privileged Accounts"),
		auto("IA-2(8)", "Identification and Authentication: Access to Accounts — Replay Resistant"),
		auto("IA-4", "Identifier Management"),
		auto("IA-5", "Authenticator Management"),
		auto("IA-5(1)", "Authenticator Management: Password-based Authentication"),
		auto("IA-5(2)", "Authenticator Management: Public Key-based Authentication"),
		auto("IA-8", "Identification and Authentication (Non-organizational Users)"),
		auto("IA-9", "Service Identification and Authentication"),
		auto("SC-7", "Boundary Protection"),
		auto("SC-12", "Cryptographic Key Establishment and Management"),
		auto("SI-4", "System Monitoring"),
	}}

var conformity = Framework{ID: rules.Conformity, Name: "Trend Micro Cloud One Conformity rule IDs (aliases)",
	URL: "https://www.trendmicro.com/cloudoneconformity/knowledge-base/aws/IAM/",
	Controls: []Control{
		auto("IAM-001", "Access key rotation (30 days)").with(atMost("access_key_max_age_days", 30)),
		auto("IAM-002", "Access key rotation (45 days)").with(atMost("access_key_max_age_days", 45)),
		auto("IAM-004", "Unnecessary access keys"),
		auto("IAM-013", "MFA for IAM users with console password"),
		auto("IAM-014", "Root account MFA"),
		auto("IAM-015", "Root account access keys"),
		auto("IAM-024", "IAM user with password and access keys"),
		auto("IAM-028", "Inactive console user"),
		auto("IAM-038", "Access key rotation (90 days)").with(atMost("access_key_max_age_days", 90)),
		auto("IAM-045", "Administrator policies attached"),
		auto("IAM-050", "Cross-account access without external ID or MFA"),
		auto("IAM-057", "Untrusted cross-account roles"),
		auto("IAM-065", "IAM Access Analyzer in use"),
	}}

// All returns every framework, in rules.Frameworks order.
func All() []Framework {
	return []Framework{
		cisFramework(rules.CISv3, "CIS AWS Foundations Benchmark v3.0.0, section 1 (IAM)", func(i cisItem) string { return i.v3 }),
		cisFramework(rules.CISv5, "CIS AWS Foundations Benchmark v5.0.0, section 1 (IAM)", func(i cisItem) string { return i.v5 }),
		cisFramework(rules.CISv7, "CIS AWS Foundations Benchmark v7.0.0, section 2 (IAM)", func(i cisItem) string { return i.v7 }),
		fsbp, wellArchitected, nist, conformity,
	}
}

// Get returns a framework by ID.
func Get(id rules.Framework) (Framework, bool) {
	for _, f := range All() {
		if f.ID == id {
			return f, true
		}
	}
	return Framework{}, false
}
