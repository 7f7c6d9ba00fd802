package policy

import (
	"fmt"
	"sort"
	"strings"
)

// Principal is a Principal or NotPrincipal element. The string form "*" sets
// All; the object form fills the lists by principal type, as written.
type Principal struct {
	All           bool
	AWS           []string
	Service       []string
	Federated     []string
	CanonicalUser []string
	// Other holds principal types IAM does not define, kept for Validate.
	Other map[string][]string
}

// IsWildcard reports whether the element names every principal: "*" or
// {"AWS": "*"}, which IAM treats alike.
func (p *Principal) IsWildcard() bool {
	if p == nil {
		return false
	}
	if p.All {
		return true
	}
	for _, a := range p.AWS {
		if a == "*" {
			return true
		}
	}
	return false
}

// AWSARNs returns the AWS principals normalised to ARNs: a bare account ID
// becomes "arn:aws:iam::ID:root". "*" is kept as is.
func (p *Principal) AWSARNs() []string {
	if p == nil {
		return nil
	}
	out := make([]string, len(p.AWS))
	for i, a := range p.AWS {
		out[i] = NormalizeAWSPrincipal(a)
	}
	return out
}

// Accounts returns the distinct account IDs named by the AWS principals
// (account IDs and ARNs alike), sorted.
func (p *Principal) Accounts() []string {
	if p == nil {
		return nil
	}
	seen := map[string]bool{}
	for _, a := range p.AWS {
		if id := AccountOf(a); id != "" {
			seen[id] = true
		}
	}
	out := make([]string, 0, len(seen))
	for id := range seen {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// NormalizeAWSPrincipal turns a bare 12-digit account ID into the account's
// root ARN, which is what IAM stores; anything else is returned unchanged.
func NormalizeAWSPrincipal(s string) string {
	if isAccountID(s) {
		return "arn:aws:iam::" + s + ":root"
	}
	return s
}

// AccountOf returns the account ID of a bare account ID or of an ARN, or "".
func AccountOf(s string) string {
	if isAccountID(s) {
		return s
	}
	a, ok := SplitARN(s)
	if !ok || !isAccountID(a.Account) {
		return ""
	}
	return a.Account
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ARN is an Amazon Resource Name split into its six parts.
type ARN struct {
	Partition, Service, Region, Account, Resource string
}

// SplitARN splits "arn:partition:service:region:account:resource".
func SplitARN(s string) (ARN, bool) {
	// strings.SplitN(s, ":", 6) without its slice: this runs for every
	// principal of every evaluation.
	var parts [6]string
	rest := s
	for i := range 5 {
		head, tail, ok := strings.Cut(rest, ":")
		if !ok {
			return ARN{}, false
		}
		parts[i], rest = head, tail
	}
	parts[5] = rest
	if parts[0] != "arn" {
		return ARN{}, false
	}
	return ARN{Partition: parts[1], Service: parts[2], Region: parts[3], Account: parts[4], Resource: parts[5]}, true
}

func (d *Document) parsePrincipal(path string, v any) (*Principal, error) {
	switch t := v.(type) {
	case string:
		if t == "*" {
			return &Principal{All: true}, nil
		}
		// IAM refuses a bare string other than "*"; keep it as an AWS
		// principal so the rest of the policy can still be audited.
		d.issues = append(d.issues, Issue{Path: path, Code: CodeBadPrincipal, Message: fmt.Sprintf("a principal string must be \"*\", got %q", t)})
		return &Principal{AWS: []string{t}}, nil
	case map[string]any:
		p := &Principal{}
		for _, k := range sortedKeys(t) {
			vals, err := stringList(path+"."+k, t[k])
			if err != nil {
				return nil, err
			}
			switch k {
			case "AWS":
				p.AWS = vals
			case "Service":
				p.Service = vals
			case "Federated":
				p.Federated = vals
			case "CanonicalUser":
				p.CanonicalUser = vals
			default:
				if p.Other == nil {
					p.Other = map[string][]string{}
				}
				p.Other[k] = vals
				d.issues = append(d.issues, Issue{Path: path + "." + k, Code: CodeBadPrincipal, Message: fmt.Sprintf("unknown principal type %q", k)})
			}
		}
		return p, nil
	}
	return nil, errAt(path, "must be \"*\" or an object, got %s", kindOf(v))
}

// matches reports whether the request principal is named by the element.
// principal is an ARN (IAM user, role, assumed-role session, account root),
// a bare account ID, a service name ("ec2.amazonaws.com"), a federated
// provider or a canonical user ID. viaAccount is true when the only match is
// the caller's account root: the account then delegates to its own identity
// policies, which must also allow.
func (p *Principal) matches(principal string) (hit, viaAccount bool) {
	if p == nil {
		return false, false
	}
	if p.IsWildcard() {
		return true, false
	}
	for _, a := range p.AWS {
		switch awsPrincipalMatch(NormalizeAWSPrincipal(a), NormalizeAWSPrincipal(principal)) {
		case matchDirect:
			return true, false
		case matchAccount:
			hit = true
		}
	}
	if hit {
		return true, true
	}
	direct := contains(p.Service, principal) || contains(p.Federated, principal) || contains(p.CanonicalUser, principal)
	return direct, false
}

type principalMatch uint8

const (
	matchNone principalMatch = iota
	matchAccount
	matchDirect
)

// awsPrincipalMatch compares one AWS principal of a policy with the caller
// (both normalised). A role stands for all of its sessions; an account root
// stands for every identity of that account.
func awsPrincipalMatch(want, caller string) principalMatch {
	if want == caller {
		return matchDirect
	}
	w, ok := SplitARN(want)
	if !ok {
		return matchNone
	}
	c, ok := SplitARN(caller)
	if !ok || c.Account != w.Account || c.Partition != w.Partition {
		return matchNone
	}
	if w.Service == "iam" && w.Resource == "root" {
		return matchAccount
	}
	// Role ARN (possibly with a path) versus "arn:aws:sts::ID:assumed-role/Name/session".
	if w.Service == "iam" && c.Service == "sts" && strings.HasPrefix(w.Resource, "role/") && strings.HasPrefix(c.Resource, "assumed-role/") {
		name := w.Resource[strings.LastIndexByte(w.Resource, '/')+1:]
		role, _, _ := strings.Cut(strings.TrimPrefix(c.Resource, "assumed-role/"), "/")
		if role == name {
			return matchDirect
		}
	}
	return matchNone
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
