package identitycenter

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/iamspect/iamspect/internal/snapshot"
)

// AWS's limits on a permission set.
const (
	MaxManagedPolicies = 10    // AWS managed plus customer managed references
	MaxInlineBytes     = 32768 // the inline policy
	MaxNameLen         = 32    // the permission set name
)

// CMRef is a customer managed policy reference: the policy's name and path,
// which must exist in every account the permission set is provisioned to.
type CMRef struct {
	Name string `json:"Name"`
	Path string `json:"Path"`
}

func (r CMRef) key() string { return r.Path + r.Name }

// PermissionSet is a permission set the plan creates, and where it goes.
type PermissionSet struct {
	Name            string
	Description     string
	SessionDuration string
	RelayState      string
	AWSManaged      []string // policy ARNs
	Customer        []CMRef
	// Inline is the merged inline policy (compact JSON), "" for none.
	Inline string
	// BoundaryARN (AWS managed) or BoundaryRef (customer managed).
	BoundaryARN string
	BoundaryRef *CMRef
	Signature   string
	Assignments []Assignment
	Notes       []string
	// docs holds the documents of customer managed policies (by path+name)
	// from the accounts that have them, to create them where missing.
	docs map[string]string
	// extraPolicy is a customer managed policy the plan itself creates in
	// every target account (an inline policy over 32 KB moved out).
	extraPolicy *CMRef
	// existingARN is set when an existing permission set holds exactly
	// these policies and is reused.
	existingARN string
}

// Assignment gives a person the permission set in an account.
type Assignment struct {
	Person    *Person
	AccountID string
	User      *snapshot.User
}

// Accounts lists the accounts the permission set is assigned in.
func (ps *PermissionSet) Accounts() []string {
	var out []string
	for _, a := range ps.Assignments {
		if !slices.Contains(out, a.AccountID) {
			out = append(out, a.AccountID)
		}
	}
	sort.Strings(out)
	return out
}

// spec is what one user's effective identity policies amount to.
type spec struct {
	awsManaged []string
	customer   []CMRef
	docs       map[string]string // customer and AWS managed documents by key / ARN
	inline     []inlinePart
	boundary   *snapshot.PolicyRef
	groups     []string
	own        bool // the user has policies of its own (not only its groups')
}

type inlinePart struct {
	source string // "user alice" / "group Engineers"
	name   string
	doc    []byte
}

// userSpec gathers a user's identity policies: its own and its groups'.
func userSpec(a *snapshot.Account, u *snapshot.User) spec {
	sp := spec{docs: map[string]string{}, boundary: u.PermissionsBoundary}
	addManaged := func(refs []snapshot.PolicyRef) {
		for _, r := range refs {
			if snapshot.IsAWSManagedPolicyARN(r.ARN) {
				if !slices.Contains(sp.awsManaged, r.ARN) {
					sp.awsManaged = append(sp.awsManaged, r.ARN)
				}
				if mp := a.Policy(r.ARN); mp != nil && len(mp.Document) > 0 {
					sp.docs[r.ARN] = string(mp.Document)
				}
				continue
			}
			ref := cmRef(r.ARN, r.Name)
			if !slices.ContainsFunc(sp.customer, func(c CMRef) bool { return c.key() == ref.key() }) {
				sp.customer = append(sp.customer, ref)
			}
			if mp := a.Policy(r.ARN); mp != nil && len(mp.Document) > 0 {
				sp.docs[ref.key()] = string(mp.Document)
			}
		}
	}
	addManaged(u.AttachedPolicies)
	for _, p := range u.InlinePolicies {
		sp.inline = append(sp.inline, inlinePart{source: "user " + u.Name, name: p.Name, doc: p.Document})
	}
	sp.own = len(u.AttachedPolicies)+len(u.InlinePolicies) > 0
	for _, gn := range u.Groups {
		g := a.Group(gn)
		if g == nil {
			continue
		}
		sp.groups = append(sp.groups, gn)
		addManaged(g.AttachedPolicies)
		for _, p := range g.InlinePolicies {
			sp.inline = append(sp.inline, inlinePart{source: "group " + gn, name: p.Name, doc: p.Document})
		}
	}
	sort.Strings(sp.awsManaged)
	sort.Slice(sp.customer, func(i, j int) bool { return sp.customer[i].key() < sp.customer[j].key() })
	return sp
}

func (sp spec) empty() bool {
	return len(sp.awsManaged)+len(sp.customer)+len(sp.inline) == 0
}

// cmRef reads a customer managed policy's name and path from its ARN.
func cmRef(arn, name string) CMRef {
	path := "/"
	if i := strings.Index(arn, ":policy/"); i >= 0 {
		rest := arn[i+len(":policy"):]
		j := strings.LastIndex(rest, "/")
		path, name = rest[:j+1], rest[j+1:]
	}
	return CMRef{Name: name, Path: path}
}

// mergeInline merges inline policies into one document: the statements of
// each, in order, with Sids made unique and naming their source.
func mergeInline(parts []inlinePart) (string, []string) {
	var stmts []json.RawMessage
	var problems []string
	used := map[string]bool{}
	for _, p := range parts {
		var doc struct {
			Statement json.RawMessage `json:"Statement"`
		}
		if err := json.Unmarshal(p.doc, &doc); err != nil {
			problems = append(problems, fmt.Sprintf("inline policy %s of %s does not parse: left out", p.name, p.source))
			continue
		}
		var list []map[string]any
		if bytes.HasPrefix(bytes.TrimSpace(doc.Statement), []byte("[")) {
			_ = json.Unmarshal(doc.Statement, &list)
		} else {
			var one map[string]any
			if json.Unmarshal(doc.Statement, &one) == nil {
				list = []map[string]any{one}
			}
		}
		for i, st := range list {
			base := sidSafe(p.name)
			if s, ok := st["Sid"].(string); ok && s != "" {
				base = sidSafe(p.name) + sidSafe(s)
			} else if len(list) > 1 {
				base = fmt.Sprintf("%s%d", base, i)
			}
			sid := base
			for n := 2; used[sid]; n++ {
				sid = fmt.Sprintf("%s%d", base, n)
			}
			used[sid] = true
			st["Sid"] = sid
			b, _ := json.Marshal(st)
			stmts = append(stmts, b)
		}
	}
	if len(stmts) == 0 {
		return "", problems
	}
	out, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": stmts})
	return string(out), problems
}

var nonAlnum = regexp.MustCompile(`[^A-Za-z0-9]`)

func sidSafe(s string) string {
	s = nonAlnum.ReplaceAllString(s, "")
	if s == "" {
		return "Stmt"
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

var psNameBad = regexp.MustCompile(`[^\w+=,.@-]`)

// psName makes a valid permission set name (≤ 32 characters of
// [\w+=,.@-]); a long name keeps a hash of the signature so two long names
// stay distinct.
func psName(base, sig string) string {
	n := psNameBad.ReplaceAllString(base, "-")
	if n == "" {
		n = "ps"
	}
	if len(n) > MaxNameLen {
		n = n[:MaxNameLen-7] + "-" + sig[:6]
	}
	return n
}

// buildPermissionSet turns a spec into a permission set within AWS's
// limits: over 10 managed policies, the rest are folded into the inline
// policy; an inline policy over 32 KB becomes a customer managed policy the
// plan creates in every target account.
func buildPermissionSet(sp spec, sessionDuration, relay string) *PermissionSet {
	ps := &PermissionSet{SessionDuration: sessionDuration, RelayState: relay, AWSManaged: sp.awsManaged,
		Customer: sp.customer, docs: sp.docs}
	inline := sp.inline
	for len(ps.AWSManaged)+len(ps.Customer) > MaxManagedPolicies {
		// Fold customer managed references first (their documents are in
		// the snapshot), then AWS managed ones.
		if n := len(ps.Customer); n > 0 {
			c := ps.Customer[n-1]
			doc, ok := sp.docs[c.key()]
			if !ok {
				ps.Notes = append(ps.Notes, "more than 10 managed policies and the document of "+c.key()+" is not in the snapshot: it stays a reference; raise the quota")
				break
			}
			ps.Customer = ps.Customer[:n-1]
			inline = append(inline, inlinePart{source: "managed policy " + c.key(), name: c.Name, doc: []byte(doc)})
			ps.Notes = append(ps.Notes, "more than 10 managed policies: "+c.key()+" is merged into the inline policy")
			continue
		}
		n := len(ps.AWSManaged)
		arn := ps.AWSManaged[n-1]
		doc, ok := sp.docs[arn]
		if !ok {
			ps.Notes = append(ps.Notes, "more than 10 managed policies and the document of "+arn+" is not in the snapshot: raise the quota (Service Quotas) before applying")
			break
		}
		ps.AWSManaged = ps.AWSManaged[:n-1]
		inline = append(inline, inlinePart{source: "managed policy " + arn, name: arn[strings.LastIndex(arn, "/")+1:], doc: []byte(doc)})
		ps.Notes = append(ps.Notes, "more than 10 managed policies: "+arn+" is merged into the inline policy")
	}
	merged, problems := mergeInline(inline)
	ps.Notes = append(ps.Notes, problems...)
	if sp.boundary != nil {
		if snapshot.IsAWSManagedPolicyARN(sp.boundary.ARN) {
			ps.BoundaryARN = sp.boundary.ARN
		} else {
			r := cmRef(sp.boundary.ARN, sp.boundary.Name)
			ps.BoundaryRef = &r
		}
	}
	sum := sha256.New()
	fmt.Fprintf(sum, "%q|%q|%q|%q|%v", ps.AWSManaged, ps.Customer, merged, ps.BoundaryARN, ps.BoundaryRef)
	ps.Signature = hex.EncodeToString(sum.Sum(nil))
	if len(merged) > MaxInlineBytes {
		ref := CMRef{Name: "iamspect-ps-" + ps.Signature[:12], Path: "/iamspect/"}
		ps.extraPolicy = &ref
		ps.docs[ref.key()] = merged
		ps.Customer = append(ps.Customer, ref)
		ps.Notes = append(ps.Notes, fmt.Sprintf("the merged inline policy is %d bytes, over the 32 KB limit: it becomes the customer managed policy %s%s, created in every target account", len(merged), ref.Path, ref.Name))
		merged = ""
		if len(ps.AWSManaged)+len(ps.Customer) > MaxManagedPolicies {
			ps.Notes = append(ps.Notes, "with it the permission set has more than 10 managed policies: raise the quota before applying")
		}
	}
	ps.Inline = merged
	return ps
}

// baseName is the name a permission set would like: its groups' names when
// the user has no policies of its own, else the user's name.
func baseName(sp spec, u *snapshot.User) string {
	if !sp.own && len(sp.groups) > 0 {
		return strings.Join(sp.groups, "+")
	}
	return "user-" + u.Name
}
