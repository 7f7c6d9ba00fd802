package rules

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/iamspect/iamspect/internal/access"
	"github.com/iamspect/iamspect/internal/snapshot"
	"github.com/iamspect/iamspect/internal/wording"
)

// PrivilegeEscalation fails each user and role that can raise its own
// privileges with one of the methods of access.Methods (the merged
// pathfinding.cloud, Cloudsplaining, Prowler, Parliament and Rhino
// catalogues), or through a chain of role assumptions and such methods.
var PrivilegeEscalation = Rule{
	ID:       "privilege-escalation",
	Title:    "User or role can escalate its own privileges",
	Severity: High,
	Description: "Some permissions are worth more than they look: a principal allowed iam:PutUserPolicy on " +
		"itself, iam:CreatePolicyVersion on a policy attached to it, iam:PassRole on an administrator role " +
		"together with ec2:RunInstances or lambda:CreateFunction, iam:CreateAccessKey on an administrator, " +
		"or sts:AssumeRole on a more privileged role can turn itself into something it was never meant to " +
		"be. iamspect checks every user and role (not service-linked roles) against " +
		fmt.Sprint(access.ActiveMethods()) + " escalation methods merged from five public catalogues " +
		"(pathfinding.cloud, Cloudsplaining, Prowler, Parliament, Rhino Security Labs), judging the " +
		"principal's combined policies — all its inline, managed and group policies together, its " +
		"permissions boundary and SCPs — with resources and conditions evaluated at the snapshot's time. " +
		"A method counts only when every action it needs is allowed on the resource it needs (a customer " +
		"cannot rewrite an AWS managed policy; a passed role must trust the service it is passed to and " +
		"hold more than the principal). Denies cancel allows; NotAction grants count. The result names the " +
		"methods, the exact actions and the statements that allow them, the target (the role passed or " +
		"assumed, the user whose credentials could be taken, the policy that could be rewritten), and the " +
		"shortest chain to administrator, the most useful targets (administrators) first and, for the " +
		"others, what they add. Conditions are decided where the snapshot's time decides them, " +
		"aws:TokenIssueTime included (temporary credentials are at most 36 hours old). Roles only AWS may " +
		"change (service-linked roles, IAM Identity Center's /aws-reserved/ roles) are never the target of a " +
		"method that rewrites a role. Joining a group counts with what its policies then allow: a group " +
		"holding iam:* is a way to administrator. A role that any principal may assume is reported once, on " +
		"that role, naming the principals it raises. Changing other principals' permissions without being " +
		"able to use them is principal-can-grant-permissions, not escalation. Principals that are already " +
		"administrators pass with a note: their problem is principal-admin-access, not escalation.",
	Frameworks: with(with(map[Framework][]string{}, WellArch, "SEC03-BP02", "SEC03-BP04"), NIST80053, "AC-6", "AC-6(1)", "AC-5"),
	Remediation: Remediation{
		Summary: "Remove the permission that enables each listed method, or narrow it: scope iam:PassRole to the roles the principal must pass (with an iam:PassedToService condition), scope iam:* write actions to resources the principal does not use itself, never allow iam:CreatePolicyVersion / Attach*Policy / Put*Policy on the principal's own policies, and require a permissions boundary for principals that must manage IAM. Narrow the trust policies of privileged roles to the principals that need them.",
		Console: "IAM console > Users or Roles > select the principal > Permissions: edit the policy and statement named in the result (remove the action, or replace \"Resource\": \"*\" with the specific ARNs). For a role target, edit the target role's trust policy (Trust relationships tab).",
		CLI: "aws iam get-policy-version --policy-arn POLICY_ARN --version-id $(aws iam get-policy --policy-arn POLICY_ARN --query Policy.DefaultVersionId --output text)\n" +
			"aws iam create-policy-version --policy-arn POLICY_ARN --policy-document file://narrowed.json --set-as-default\n" +
			"aws iam put-user-policy --user-name NAME --policy-name INLINE --policy-document file://narrowed.json   # inline policies\n" +
			"aws iam put-user-permissions-boundary --user-name NAME --permissions-boundary BOUNDARY_ARN   # or put-role-permissions-boundary",
		Terraform: "In the aws_iam_policy / aws_iam_*_policy document, drop the escalating action or scope it:\n" +
			"statement {\n  actions   = [\"iam:PassRole\"]\n  resources = [aws_iam_role.app.arn]\n  condition {\n    test     = \"StringEquals\"\n    variable = \"iam:PassedToService\"\n    values   = [\"ec2.amazonaws.com\"]\n  }\n}\n" +
			"and set permissions_boundary on aws_iam_user / aws_iam_role for principals that administer IAM.",
	},
	References: []string{
		"https://pathfinding.cloud/",
		"https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html",
		"https://github.com/iamspect/iamspect/blob/main/docs/privilege-escalation.md",
	},
	Needs:        policyNeeds,
	Covers:       Covers{Users: []snapshot.Input{snapshot.InputAuthorizationDetails}},
	UsesAnalysis: true,
	CheckAccount: checkPrivilegeEscalation,
}

func checkPrivilegeEscalation(r *Rule, ctx *Context, s *snapshot.Snapshot, a *snapshot.Account) []Result {
	m := ctx.model(s, a)
	an := ctx.analysis(s, a)
	chains := an.AdminChains()
	open := openRoles(ctx, s, a)
	exposed := map[string][]*access.Principal{} // open role ARN -> principals it raises
	var judged []*access.Principal
	for _, p := range m.Principals {
		if p.Kind == access.KindGroup || (p.Kind == access.KindRole && p.Role.ServiceLinked()) {
			continue
		}
		judged = append(judged, p)
	}
	type judgement struct {
		res     Result
		viaOpen []access.Finding
	}
	js := inParallel(ctx, len(judged), func(i int) judgement {
		p := judged[i]
		fs, viaOpen := splitOpen(an.Escalations(p), open)
		return judgement{privescResult(r, a, an, p, fs, viaOpen, ownChains(chains[p.ARN], open)), viaOpen}
	})
	if ctx.Done() {
		return nil // the scanner reports the context's error
	}
	out := make([]Result, len(js))
	index := make(map[string]int, len(js)) // principal ARN -> its result
	for i, j := range js {
		p := judged[i]
		for _, f := range j.viaOpen {
			exposed[f.TargetARN] = append(exposed[f.TargetARN], p)
		}
		index[p.ARN] = i
		out[i] = j.res
	}
	// A role anyone can assume is reported once, on that role, with the
	// principals it raises (instead of once per principal).
	for _, ro := range a.Roles {
		ps := exposed[ro.ARN]
		i, ok := index[ro.ARN]
		if len(ps) == 0 || !ok {
			continue
		}
		res := &out[i]
		msg := exposureMessage(an, m.Principal(ro.ARN), ps)
		if res.Status == Fail {
			res.Message = msg + " " + res.Message
		} else {
			*res = r.principalResult(Fail, a, m.Principal(ro.ARN), "%s", msg)
		}
		if res.Evidence == nil {
			res.Evidence = &Evidence{Actions: []string{"sts:AssumeRole"}, Path: []string{"*", "sts:AssumeRole", ro.ARN}}
		}
		for _, p := range ps {
			res.Evidence.Principals = append(res.Evidence.Principals, p.ARN)
		}
	}
	if len(out) == 0 {
		out = append(out, r.accountResult(Pass, a, "The account has no user or role to check."))
	}
	return out
}

// openRoles returns the roles whose trust policy lets any principal in
// (role-trust-any-principal fails them), by ARN.
func openRoles(ctx *Context, s *snapshot.Snapshot, a *snapshot.Account) map[string]bool {
	open := map[string]bool{}
	for _, ro := range trustRoles(a) {
		t := trustOf(ctx, s, a, ro)
		if t.Doc == nil || t.Err != nil {
			continue
		}
		if fails, _ := judgeAnyPrincipal(ctx, s, a, t); len(fails) > 0 {
			open[ro.ARN] = true
		}
	}
	return open
}

// splitOpen separates the assumptions of roles anyone can assume (sts-001
// on an open role) from the principal's own findings.
// When there is none (most principals), fs itself is returned, uncopied.
func splitOpen(fs []access.Finding, open map[string]bool) (own, viaOpen []access.Finding) {
	if !slices.ContainsFunc(fs, func(f access.Finding) bool { return f.Method.ID == "sts-001" && open[f.TargetARN] }) {
		return fs, nil
	}
	for _, f := range fs {
		if f.Method.ID == "sts-001" && open[f.TargetARN] {
			viaOpen = append(viaOpen, f)
		} else {
			own = append(own, f)
		}
	}
	return own, viaOpen
}

// ownChains drops the chains that start by assuming a role anyone can
// assume: they are reported on that role.
func ownChains(cs []access.Chain, open map[string]bool) []access.Chain {
	var out []access.Chain
	for _, c := range cs {
		if h := c.Hops[0]; h.Via == "sts:AssumeRole" && open[h.To] {
			continue
		}
		out = append(out, c)
	}
	return out
}

// exposureMessage describes an open role's exposure: what it gives and to
// whom.
func exposureMessage(an *access.Analysis, role *access.Principal, ps []*access.Principal) string {
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = shortResource(p.ARN)
	}
	gain := "more than they hold"
	if an.IsAdmin(role) {
		gain = "administrator"
	} else if g := gainText(an, role, ps[0]); g != "" {
		gain = g
	}
	return fmt.Sprintf("Role %s trusts any principal, so every principal of the account can assume it and gain %s: %s %s. "+
		"This is one finding for all of them: fix the role's trust policy (role-trust-any-principal).",
		role.Name, gain, wording.CountAs(len(ps), "principal is raised:", "principals are raised:"), summarize(names, 10))
}

// writeTargetText writes a finding's target with its notes to b: "role ops
// (to administrator)", "group dev (gains iam:PassRole, a member can then use
// ...)".
func writeTargetText(b *bytes.Buffer, an *access.Analysis, p *access.Principal, f access.Finding) {
	b.WriteString(f.TargetKind())
	b.WriteByte(' ')
	b.WriteString(f.TargetName())
	notes := 0
	note := func(parts ...string) {
		if notes == 0 {
			b.WriteString(" (")
		} else {
			b.WriteString(", ")
		}
		for _, s := range parts {
			b.WriteString(s)
		}
		notes++
	}
	if f.ToAdmin {
		note("to administrator")
	} else if t := an.Model.Principal(f.TargetARN); t != nil && t != p {
		if g := gainText(an, t, p); g != "" {
			note("gains ", g)
		}
	}
	switch f.Then() {
	case "":
	case access.Membership:
		note("its members are administrators")
	default:
		if m := access.MethodByID(f.Then()); m != nil {
			note("a member can then use ", m.ID, " ", lowerFirst(m.Name))
		}
	}
	if f.Via != "" {
		if strings.HasSuffix(f.Via, ".amazonaws.com") {
			note("trusts ", f.Via)
		} else {
			note("through policy ", f.Via[strings.LastIndexByte(f.Via, '/')+1:])
		}
	}
	if notes > 0 {
		b.WriteByte(')')
	}
}

// gainText names what becoming target gives p: "s3:GetObject and
// s3:PutObject", or "" when nothing is listed.
func gainText(an *access.Analysis, target, p *access.Principal) string {
	names, total := an.Gains(target, p, 4)
	if total == 0 {
		return ""
	}
	if total > len(names) {
		return strings.Join(names, ", ") + " and " + wording.CountAs(total-len(names), "more action", "more actions")
	}
	return joinList(names)
}

func privescResult(r *Rule, a *snapshot.Account, an *access.Analysis, p *access.Principal, fs, viaOpen []access.Finding, chains []access.Chain) Result {
	if an.IsAdmin(p) {
		return r.principalResult(Pass, a, p, "%s is already administrator: escalation is moot (principal-admin-access and policy-admin-attached report the access itself).", kindLabel(p))
	}
	note := openNote(viaOpen)
	if len(fs) == 0 && len(chains) == 0 {
		if probs := ownProblems(p); len(probs) > 0 {
			return r.principalResult(Unknown, a, p, "%s can use none of the %d escalation methods with the policies that could be read, but %s.%s", kindLabel(p), access.ActiveMethods(), joinList(probs), note)
		}
		if note != "" {
			return r.principalResult(Pass, a, p, "%s has no escalation of its own.%s", kindLabel(p), note)
		}
		extra := ""
		if len(p.Problems) > 0 {
			extra = " Not counted: " + joinList(p.Problems) + "."
		}
		return r.principalResult(Pass, a, p, "%s can use none of the %d escalation methods, and no role it can assume leads to administrator.%s", kindLabel(p), access.ActiveMethods(), extra)
	}
	res := r.principalResult(Fail, a, p, "")
	res.Message = escalationMessage(an, p, fs, chains, note)
	return withEvidence(res, escalationEvidence(p, fs, chains))
}

// escalationEvidence: the IAM actions the methods use, the targets, and the
// first path (a role chain, else the first method) as principal, step, next.
func escalationEvidence(p *access.Principal, fs []access.Finding, chains []access.Chain) *Evidence {
	ev := &Evidence{}
	// A principal's methods use a few dozen actions at most, looked up in
	// the list itself; its targets are many, and the set of those seen is
	// recycled between principals.
	seenTarget := seenPool.Get().(map[string]bool)
	defer func() {
		clear(seenTarget)
		seenPool.Put(seenTarget)
	}()
	for _, f := range fs {
		for _, g := range f.Grants {
			if !slices.Contains(ev.Actions, g.Action) {
				ev.Actions = append(ev.Actions, g.Action)
			}
		}
		if f.TargetARN != "" && !seenTarget[f.TargetARN] {
			seenTarget[f.TargetARN] = true
			ev.Principals = append(ev.Principals, f.TargetARN)
		}
	}
	switch {
	case len(chains) > 0:
		ev.Path = chainPath(chains[0])
	case len(fs) > 0 && fs[0].Method != nil:
		end := fs[0].TargetARN
		if fs[0].ToAdmin {
			end = access.AdminNode
		}
		ev.Path = []string{p.ARN, fs[0].Method.ID, end}
	}
	return ev
}

// chainPath lists a chain as node, step, node, ... first step first.
func chainPath(c access.Chain) []string {
	out := []string{c.Start}
	for _, h := range c.Hops {
		out = append(out, h.Via, h.To)
	}
	if c.Omitted > 0 {
		out = append(out, wording.Count(c.Omitted, "more hop"), c.End)
	}
	return out
}

// openNote points at the open roles a principal can assume, reported on
// those roles.
func openNote(viaOpen []access.Finding) string {
	if len(viaOpen) == 0 {
		return ""
	}
	var names []string
	for _, f := range viaOpen {
		if !slices.Contains(names, f.TargetName()) {
			names = append(names, f.TargetName())
		}
	}
	return fmt.Sprintf(" It can also assume role %s, which trusts any principal: that path is open to every principal of the account and is reported once, on the role.", joinList(names))
}

// escalationMessage describes a principal's escalation findings and chains
// in one paragraph: what it gains, the methods (ID and name) with the most
// useful first (those reaching administrator), their targets
// (administrators first), the actions and the statements that allow each,
// and the shortest chains to administrator, then note.
func escalationMessage(an *access.Analysis, p *access.Principal, fs []access.Finding, chains []access.Chain, note string) string {
	// Written into a pooled buffer and copied out once: the messages of
	// thousands of principals, grown step by step in their own builders,
	// were a tenth of a large scan's garbage.
	b := messagePool.Get().(*bytes.Buffer)
	defer func() {
		b.Reset()
		messagePool.Put(b)
	}()
	groups := groupFindings(fs)
	toAdmin := len(chains) > 0
	fmt.Fprintf(b, "%s can escalate its privileges", kindLabel(p))
	if toAdmin {
		b.WriteString(" to administrator")
	} else if g := unionGains(an, p, fs); g != "" {
		b.WriteString(", gaining ")
		b.WriteString(g)
		b.WriteString(",")
	}
	if len(groups) == 0 {
		b.WriteString(".")
	} else {
		fmt.Fprintf(b, " with %s: ", wording.CountAs(len(groups), "method", "methods"))
		for i, g := range groups {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(g[0].Method.ID)
		}
		b.WriteString(".")
	}
	const detailed = 5
	for i, g := range groups {
		if i == detailed {
			fmt.Fprintf(b, " Details of the other %s: iamspect explain %s.", wording.CountAs(len(groups)-detailed, "method", "methods"), p.ARN)
			break
		}
		b.WriteByte(' ')
		describeMethod(b, an, p, g)
	}
	if toAdmin {
		b.WriteString(" Shortest path to administrator: ")
		for i, c := range chains {
			if i > 0 {
				b.WriteString("; or ")
			}
			b.WriteString(c.String())
		}
		b.WriteString(".")
	}
	b.WriteString(note)
	return b.String()
}

// seenPool recycles escalationEvidence's sets of targets seen.
var seenPool = sync.Pool{New: func() any { return map[string]bool{} }}

// messagePool recycles the buffers of escalationMessage and writeTargets.
var messagePool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// unionGains names what the principal's non-administrator targets give it
// together (at most four actions).
func unionGains(an *access.Analysis, p *access.Principal, fs []access.Finding) string {
	var names []string
	more := 0
	for _, f := range fs {
		t := an.Model.Principal(f.TargetARN)
		if t == nil || t == p {
			continue
		}
		ns, total := an.Gains(t, p, 8)
		for _, n := range ns {
			if !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
		more = max(more, total-len(ns))
	}
	if len(names) == 0 {
		return ""
	}
	if len(names) > 4 {
		more += len(names) - 4
		names = names[:4]
	}
	if more > 0 {
		return strings.Join(names, ", ") + " and " + wording.CountAs(more, "more action", "more actions")
	}
	return joinList(names)
}

// groupFindings gathers the findings of each method (they are sorted by
// method ID), then puts the methods that reach administrator first and,
// within a method, the administrator targets first.
//
// A group already in order is a window on fs (never written to: the
// findings are the analysis's); only the others are copied to be sorted.
func groupFindings(fs []access.Finding) [][]access.Finding {
	rank := func(f access.Finding) int {
		if f.ToAdmin {
			return 0
		}
		return 1
	}
	byRank := func(x, y access.Finding) int { return rank(x) - rank(y) }
	var out [][]access.Finding
	for i := 0; i < len(fs); {
		j := i + 1
		for j < len(fs) && fs[j].Method == fs[i].Method {
			j++
		}
		g := fs[i:j:j]
		if !slices.IsSortedFunc(g, byRank) {
			g = slices.Clone(g)
			slices.SortStableFunc(g, byRank)
		}
		out = append(out, g)
		i = j
	}
	slices.SortStableFunc(out, func(x, y []access.Finding) int { return rank(x[0]) - rank(y[0]) })
	return out
}

// describeMethod writes one method's findings to b: "[ec2-001 Pass a role to a
// new EC2 instance] target role ec2-admin (administrator, trusts
// ec2.amazonaws.com): iam:PassRole on role/ec2-admin (inline policy "x"
// Statement[0]); ec2:RunInstances on * (...)."
func describeMethod(b *bytes.Buffer, an *access.Analysis, p *access.Principal, fs []access.Finding) {
	m := fs[0].Method
	b.WriteByte('[')
	b.WriteString(m.ID)
	b.WriteByte(' ')
	b.WriteString(m.Name)
	b.WriteByte(']')
	writeTargets(b, an, p, fs)
	b.WriteString(": ")
	// The grants of the first finding stand for all (they differ only in
	// the target's ARN).
	for i, g := range fs[0].Grants {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(g.Action)
		b.WriteString(" on ")
		b.WriteString(shortResource(g.Resource))
		if len(g.Statements) > 0 {
			b.WriteString(" (")
			for j, st := range g.Statements {
				if j > 0 {
					b.WriteString(", ")
				}
				b.WriteString(st)
			}
			b.WriteString(")")
		}
		if g.Conditional {
			b.WriteString(" [only if ")
			b.WriteString(g.Conditions)
			b.WriteString("]")
		}
	}
	b.WriteString(".")
}

// writeTargets writes " target " and the distinct texts of the findings'
// targets as summarize(texts, 3) would. The texts are written one after
// the other into a pooled buffer, and only the three shown reach the
// message: a method has up to ten targets for each of tens of thousands of
// principals, and the others are only counted.
func writeTargets(b *bytes.Buffer, an *access.Analysis, p *access.Principal, fs []access.Finding) {
	const shown = 3
	texts := messagePool.Get().(*bytes.Buffer)
	defer func() {
		texts.Reset()
		messagePool.Put(texts)
	}()
	var endBuf [16]int
	ends := endBuf[:0] // text i is texts[ends[i-1]:ends[i]]
	text := func(i int) []byte {
		start := 0
		if i > 0 {
			start = ends[i-1]
		}
		return texts.Bytes()[start:ends[i]]
	}
	for _, f := range fs {
		if f.TargetName() == "" {
			continue
		}
		start := texts.Len()
		writeTargetText(texts, an, p, f)
		t := texts.Bytes()[start:]
		seen := false
		for i := range ends {
			if bytes.Equal(text(i), t) {
				seen = true
				break
			}
		}
		if seen {
			texts.Truncate(start)
		} else {
			ends = append(ends, texts.Len())
		}
	}
	total := len(ends)
	if total == 0 {
		return
	}
	b.WriteString(" target ")
	for i := range min(total, shown) {
		switch {
		case i == 0:
		case total <= shown && i == total-1:
			b.WriteString(" and ")
		default:
			b.WriteString(", ")
		}
		b.Write(text(i))
	}
	if total > shown {
		b.WriteString(" and ")
		b.WriteString(wording.CountAs(total-shown, "more", "more"))
	}
}

func shortResource(arn string) string {
	if strings.HasPrefix(arn, "arn:") {
		if i := strings.LastIndexByte(arn, ':'); i >= 0 {
			return arn[i+1:]
		}
	}
	return arn
}

// lowerFirst lower-cases a method name's first letter for use mid-sentence.
func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}
