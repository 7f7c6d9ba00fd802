package githuboidc

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/iamspect/iamspect/internal/access"
	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/migrate"
	"github.com/iamspect/iamspect/internal/policy"
	"github.com/iamspect/iamspect/internal/remediate/plan"
	"github.com/iamspect/iamspect/internal/snapshot"
	"github.com/iamspect/iamspect/internal/version"

	"gopkg.in/yaml.v3"
)

// Options shape a GitHub OIDC plan.
type Options struct {
	Mapping    []Mapping
	Now        func() time.Time
	SourceType string
}

// Target is the IAM user a secret was mapped to, and how sure that is.
type Target struct {
	AccountID string `json:"account_id"`
	UserName  string `json:"user_name"`
	Guess     bool   `json:"guess,omitempty"`
	Why       string `json:"why"`
}

// Role is a role the plan creates for a repository and IAM user.
type Role struct {
	Repo      string   `json:"repo"`
	AccountID string   `json:"account_id"`
	Name      string   `json:"name"`
	ARN       string   `json:"arn"`
	User      string   `json:"user"`
	Subjects  []string `json:"subjects"`
	Notes     []string `json:"notes,omitempty"`
	Trust     string   `json:"trust_policy"`
	// SelfCheck lists the role-trust-* rules' failures on the generated
	// trust policy (none when the check passes).
	SelfCheck []string `json:"self_check,omitempty"`
}

// BroadTrust is a workflow already on OIDC whose role trusts too much.
type BroadTrust struct {
	Use     OIDCUse          `json:"use"`
	Finding []plan.Unplanned `json:"findings"`
}

// Result is the plan and what the planner found.
type Result struct {
	Plan     *plan.Plan
	Uses     []KeyUse
	Targets  map[string]Target // by repo + "/" + secret
	Roles    []*Role
	Patches  []FilePatch
	Broad    []BroadTrust
	Unmapped []string // repo/secret pairs with no IAM user
}

// Plan builds the OIDC migration plan for the repositories against the
// snapshot's IAM state.
func Plan(s *snapshot.Snapshot, repos []*Repo, o Options) (*Result, error) {
	if s == nil || len(s.Accounts) == 0 {
		return nil, fmt.Errorf("the snapshot holds no account")
	}
	now := time.Now
	if o.Now != nil {
		now = o.Now
	}
	ref := s.CollectedAt
	pl := &plan.Plan{SchemaVersion: plan.SchemaVersion, CreatedAt: now().UTC(), Tool: plan.Tool{Name: "iamspect", Version: version.String()},
		Kind: plan.KindMigrateGitHubOIDC, Source: plan.Source{Type: o.SourceType, ReferenceTime: &ref}}
	for _, a := range s.Accounts {
		pl.Accounts = append(pl.Accounts, plan.Account{ID: a.ID, Alias: a.Alias,
			Management: s.Organization != nil && s.Organization.ManagementAccount == a.ID})
	}
	if s.Organization != nil {
		pl.Source.ManagementAccountID = s.Organization.ManagementAccount
	}
	res := &Result{Plan: pl, Targets: map[string]Target{}}
	b := &builder{pl: pl}
	for _, m := range o.Mapping {
		for _, r := range repos {
			if r.Name == m.Repo && m.OwnerID != "" {
				r.OwnerID, r.RepoID = m.OwnerID, m.RepoID
			}
		}
	}
	prover := migrate.NewProver(s)
	deleted := map[string]bool{}
	var deletions []plan.Action
	providers := map[string]bool{}
	for _, r := range repos {
		for _, pb := range r.Problems {
			pl.Warnings = append(pl.Warnings, r.Name+": "+pb)
		}
		uses, oidc := r.Scan()
		res.Uses = append(res.Uses, uses...)
		res.Broad = append(res.Broad, broadTrust(s, oidc)...)
		if len(uses) == 0 {
			continue
		}
		// Map every secret to an IAM user.
		// Each secret is mapped once, from all its uses (a guess weighs
		// every workflow that reads it).
		usesOf := map[string][]KeyUse{}
		var secretOrder []string
		for _, u := range uses {
			for _, sec := range r.repoSecrets(u) {
				if _, ok := usesOf[sec]; !ok {
					secretOrder = append(secretOrder, sec)
				}
				usesOf[sec] = append(usesOf[sec], u)
			}
		}
		for _, sec := range secretOrder {
			key := r.Name + "/" + sec
			if t, ok := mapSecret(s, r, sec, usesOf[sec], o.Mapping); ok {
				res.Targets[key] = t
			} else {
				res.Unmapped = append(res.Unmapped, key)
			}
		}
		byTarget := map[string][]KeyUse{}
		var targetOrder []string
		for _, u := range uses {
			for _, sec := range r.repoSecrets(u) {
				t, ok := res.Targets[r.Name+"/"+sec]
				if !ok {
					continue
				}
				tk := t.AccountID + "/" + t.UserName
				if _, seen := byTarget[tk]; !seen {
					targetOrder = append(targetOrder, tk)
				}
				byTarget[tk] = append(byTarget[tk], u)
			}
		}
		roleByJob := map[string]string{}
		for _, tk := range targetOrder {
			acctID, userName, _ := strings.Cut(tk, "/")
			a := s.Account(acctID)
			u := a.User(userName)
			role := r.planRole(a, u, byTarget[tk], len(targetOrder) > 1)
			res.Roles = append(res.Roles, role)
			for _, ku := range byTarget[tk] {
				if prev := roleByJob[ku.File+"#"+ku.Job]; prev != "" && prev != role.ARN {
					pl.Warnings = append(pl.Warnings, fmt.Sprintf("%s %s job %s uses the keys of several IAM users (a matrix or several secrets): the patch assumes %s only; split the job, or give each matrix entry its role", r.Name, ku.File, ku.Job, prev))
					continue
				}
				roleByJob[ku.File+"#"+ku.Job] = role.ARN
				if roleByJob[ku.File+"#"] == "" {
					roleByJob[ku.File+"#"] = role.ARN
				}
			}
			if !providers[acctID] && !hasGitHubProvider(a) {
				providers[acctID] = true
				b.add(plan.Action{Stage: plan.StageCreate, AccountID: acctID, Title: "create the GitHub Actions OIDC provider in " + acctID,
					Call:       plan.NewCall("iam", "CreateOpenIDConnectProvider", "Url", "https://"+Issuer, "ClientIDList", []string{Audience}),
					Reversible: true, Inverse: plan.NewCall("iam", "DeleteOpenIDConnectProvider", "OpenIDConnectProviderArn", providerARN(a))})
			}
			b.roleActions(a, u, role)
			// The proof: the role holds the user's policies; what changes
			// is the principal (a session of the role, not the user).
			pf := prover.Prove(a, u, func(old *access.Principal) migrate.Replacement {
				return migrate.Replacement{Set: &policy.Set{Identity: old.Set.Identity, Boundary: old.Set.Boundary, SCPs: old.Set.SCPs},
					RoleARN: role.ARN, SessionARN: "arn:" + partitionOf(a) + ":sts::" + a.ID + ":assumed-role/" + role.Name + "/GitHubActions",
					SessionName: "GitHubActions"}
			})
			pl.Differences = append(pl.Differences, pf.Diffs...)
			for _, sc := range role.SelfCheck {
				pl.Warnings = append(pl.Warnings, "self-check of role "+role.Name+": "+sc)
			}
			// The cut-over: deactivate the user's keys once the role works.
			for _, k := range u.AccessKeys {
				if k.ID == "" || !k.Active() {
					continue
				}
				b.add(plan.Action{Stage: plan.StageDeactivate, AccountID: acctID, Title: "deactivate access key " + k.ID + " of " + u.Name + " (" + r.Name + " uses role " + role.Name + ")",
					Resolves: resolves(a, u),
					Call:     plan.NewCall("iam", "UpdateAccessKey", "UserName", u.Name, "AccessKeyId", k.ID, "Status", "Inactive"),
					Precond: &plan.Precondition{Description: "only after the workflow patches are merged, the role " + role.Name +
						" was used (RoleLastUsed after the plan) and the key was not used since", Checks: []plan.Check{
						{Kind: "access-key", Resource: u.Name + "/" + k.ID, Field: "Status", Expect: "Active"},
						{Kind: "role", Resource: role.Name, Field: "UsedSince", Expect: pl.CreatedAt.Format(time.RFC3339)},
					}},
					Reversible: true, Inverse: plan.NewCall("iam", "UpdateAccessKey", "UserName", u.Name, "AccessKeyId", k.ID, "Status", "Active"),
					Risk: "anything else still using the key stops working: check AccessKeyLastUsed after the role's first use"})
			}
			if !deleted[tk] {
				deleted[tk] = true
				deletions = append(deletions, migrate.DeleteUserActions(a, u, "the workflows of "+r.Name+" assume role "+role.Name+" instead")...)
			}
		}
		patches := r.Patch(func(wfPath, job string) string {
			if arn := roleByJob[wfPath+"#"+job]; arn != "" {
				return arn
			}
			if arn := roleByJob[wfPath+"#"]; arn != "" {
				return arn
			}
			for _, ro := range res.Roles {
				if ro.Repo == r.Name {
					return ro.ARN // a reusable workflow's or composite action's job
				}
			}
			return "ROLE_ARN_NEEDS_INPUT"
		})
		res.Patches = append(res.Patches, patches...)
		acct := s.Accounts[0].ID
		if len(res.Roles) > 0 {
			acct = res.Roles[len(res.Roles)-1].AccountID
		}
		for _, p := range patches {
			console := []string{"Apply the patch to " + p.Repo + " (git apply), open a pull request and merge it.",
				"Run the workflows once: the role's RoleLastUsed shows the first use; then the deactivate stage can run."}
			console = append(console, p.Notes...)
			b.add(plan.Action{Stage: plan.StageCutover, AccountID: acct, Title: "patch " + p.Repo + " " + p.File, Console: console, Diff: p.Diff})
		}
	}
	for _, d := range pl.Differences {
		if !d.Explained {
			pl.RequiresAcceptDifferences = true
		}
	}
	for _, u := range res.Uses {
		pl.Notes = append(pl.Notes, describeUse(u))
	}
	keys := make([]string, 0, len(res.Targets))
	for k := range res.Targets {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t := res.Targets[k]
		pl.Notes = append(pl.Notes, "secret "+k+" holds a key of IAM user "+t.UserName+" in "+t.AccountID+" ("+t.Why+")")
	}
	for _, key := range res.Unmapped {
		pl.Warnings = append(pl.Warnings, "secret "+key+" maps to no IAM user: give it in --mapping (repo,secret,account_id,user_name)")
	}
	for i := range deletions {
		b.add(deletions[i])
	}
	for _, bt := range res.Broad {
		pl.Unplanned = append(pl.Unplanned, bt.Finding...)
	}
	sort.SliceStable(pl.Actions, func(i, j int) bool {
		return plan.StageIndex(pl.Actions[i].Stage) < plan.StageIndex(pl.Actions[j].Stage)
	})
	pl.Notes = append(pl.Notes,
		"the cut-over runs in this order: create (roles), cutover (merge the workflow patches, run them once), deactivate (keys, once RoleLastUsed shows the role in use and the key unused since), delete (the users, after the grace period)",
		"trust policies use GitHub's classic subject repo:OWNER/REPO:QUALIFIER; with owner and repository IDs in --mapping they also accept the ID-based form repo:OWNER@OWNER_ID/REPO@REPO_ID:QUALIFIER (docs/migration.md)")
	return res, nil
}

type builder struct {
	pl    *plan.Plan
	index map[string]int // action ID → position
}

func (b *builder) add(a plan.Action) string {
	a.ID = plan.ActionID(&a)
	if b.index == nil {
		b.index = map[string]int{}
	}
	if _, dup := b.index[a.ID]; dup {
		return a.ID // the same call planned twice is one action
	}
	b.index[a.ID] = len(b.pl.Actions)
	b.pl.Actions = append(b.pl.Actions, a)
	return a.ID
}

func resolves(a *snapshot.Account, u *snapshot.User) []plan.FindingRef {
	return []plan.FindingRef{{RuleID: "iam-user-unnecessary", Fingerprint: finding.Fingerprint("iam-user-unnecessary", a.ID, u.ARN)}}
}

func providerARN(a *snapshot.Account) string {
	p := a.Partition
	if p == "" {
		p = "aws"
	}
	return "arn:" + p + ":iam::" + a.ID + ":oidc-provider/" + Issuer
}

func hasGitHubProvider(a *snapshot.Account) bool {
	for _, p := range a.OIDCProviders {
		if p.Host() == Issuer {
			return true
		}
	}
	return false
}

// repoSecrets names the repository secrets a use reads: inside a reusable
// workflow, the secret names are its parameters, which its callers fill
// from repository secrets.
func (r *Repo) repoSecrets(u KeyUse) []string {
	if !u.Reusable || u.Kind == KindReusableCall {
		return u.Secrets
	}
	var called *Workflow
	for _, wf := range r.Workflows {
		if wf.Path == u.File {
			called = wf
		}
	}
	if called == nil {
		return u.Secrets
	}
	var out []string
	for _, c := range r.callersOf(called) {
		sec := c.job.Secrets
		if sec == nil {
			continue
		}
		if sec.Kind != yaml.MappingNode {
			out = append(out, u.Secrets...)
			continue
		}
		for _, name := range u.Secrets {
			if v := get(sec, name); v != nil {
				names, _ := secretNames(v.Value, c.job.Matrix)
				out = append(out, names...)
			}
		}
	}
	if len(out) == 0 {
		return u.Secrets
	}
	return uniq(out)
}

var roleNameBad = regexp.MustCompile(`[^\w+=,.@-]`)

// planRole derives the role for a repository's uses of one IAM user.
func (r *Repo) planRole(a *snapshot.Account, u *snapshot.User, uses []KeyUse, perUser bool) *Role {
	owner, repo, _ := strings.Cut(r.Name, "/")
	name := "github-" + owner + "-" + repo
	if perUser {
		name += "-" + u.Name
	}
	name = roleNameBad.ReplaceAllString(name, "-")
	if len(name) > 64 {
		name = name[:64]
	}
	role := &Role{Repo: r.Name, AccountID: a.ID, Name: name, User: u.Name,
		ARN: "arn:" + partitionOf(a) + ":iam::" + a.ID + ":role/" + name}
	var subs Subjects
	seen := map[string]bool{}
	wfByPath := map[string]*Workflow{}
	for _, wf := range r.Workflows {
		wfByPath[wf.Path] = wf
	}
	for _, ku := range uses {
		wf := wfByPath[ku.File]
		if wf == nil {
			continue
		}
		var job *Job
		for _, j := range wf.Jobs {
			if j.ID == ku.Job {
				job = j
			}
		}
		js := r.subjectsFor(wf, job, seen)
		for _, v := range js.Values {
			subs.add(v)
		}
		for _, n := range js.Notes {
			subs.note(n)
		}
	}
	values := append([]string{}, subs.Values...)
	for _, v := range subs.Values {
		if id := r.idForm(v); id != "" {
			values = append(values, id)
		}
	}
	sort.Strings(values)
	role.Subjects, role.Notes = values, subs.Notes
	role.Trust = string(TrustPolicy(providerARN(a), values))
	role.SelfCheck = selfCheck(a, role)
	return role
}

func partitionOf(a *snapshot.Account) string {
	if a.Partition == "" {
		return "aws"
	}
	return a.Partition
}

// roleActions creates the role with the user's effective identity policies:
// the same managed policies (its own and its groups'), its inline policies
// copied, its permissions boundary; MaxSessionDuration one hour.
func (b *builder) roleActions(a *snapshot.Account, u *snapshot.User, role *Role) {
	params := []any{"RoleName", role.Name, "AssumeRolePolicyDocument", role.Trust,
		"Description", "GitHub Actions OIDC role for " + role.Repo + " (replaces IAM user " + u.Name + "; iamspect migrate github-oidc)",
		"MaxSessionDuration", 3600}
	if u.PermissionsBoundary != nil {
		params = append(params, "PermissionsBoundary", u.PermissionsBoundary.ARN)
	}
	create := b.add(plan.Action{Stage: plan.StageCreate, AccountID: a.ID, Title: "create role " + role.Name + " for " + role.Repo,
		Call: plan.NewCall("iam", "CreateRole", params...), Reversible: true,
		Inverse:    plan.NewCall("iam", "DeleteRole", "RoleName", role.Name),
		CaseReason: strings.Join(role.Notes, "; ")})
	managed := append([]snapshot.PolicyRef{}, u.AttachedPolicies...)
	inline := append([]snapshot.InlinePolicy{}, u.InlinePolicies...)
	for _, gn := range u.Groups {
		g := a.Group(gn)
		if g == nil {
			continue
		}
		for _, p := range g.AttachedPolicies {
			if !slices.ContainsFunc(managed, func(x snapshot.PolicyRef) bool { return x.ARN == p.ARN }) {
				managed = append(managed, p)
			}
		}
		for _, p := range g.InlinePolicies {
			inline = append(inline, snapshot.InlinePolicy{Name: "group-" + gn + "-" + p.Name, Document: p.Document})
		}
	}
	if len(managed) > 10 {
		b.pl.Warnings = append(b.pl.Warnings, fmt.Sprintf("role %s gets %d managed policies, over IAM's default quota of 10 per role: raise it first", role.Name, len(managed)))
	}
	for _, p := range managed {
		b.add(plan.Action{Stage: plan.StageCreate, AccountID: a.ID, Title: "attach " + p.Name + " to role " + role.Name,
			Call: plan.NewCall("iam", "AttachRolePolicy", "RoleName", role.Name, "PolicyArn", p.ARN), DependsOn: []string{create},
			Reversible: true, Inverse: plan.NewCall("iam", "DetachRolePolicy", "RoleName", role.Name, "PolicyArn", p.ARN)})
	}
	for _, p := range inline {
		b.add(plan.Action{Stage: plan.StageCreate, AccountID: a.ID, Title: "copy inline policy " + p.Name + " to role " + role.Name,
			Call:      plan.NewCall("iam", "PutRolePolicy", "RoleName", role.Name, "PolicyName", p.Name, "PolicyDocument", string(p.Document)),
			DependsOn: []string{create}, Reversible: true, Inverse: plan.NewCall("iam", "DeleteRolePolicy", "RoleName", role.Name, "PolicyName", p.Name)})
	}
}

// describeUse is a key use as a line of the plan's notes: where, what,
// which secrets, and when the job runs.
func describeUse(u KeyUse) string {
	where := u.Repo + " " + u.File + ":" + fmt.Sprint(u.Line)
	if u.Job != "" {
		where += " job " + u.Job
	} else {
		where += " (workflow env)"
	}
	if u.Step != "" {
		where += " step " + u.Step
	}
	what := u.Kind + " " + u.Field
	if u.Via != "" {
		what += " via " + u.Via
	}
	if u.Matrix {
		what += " (matrix)"
	}
	out := "static key: " + where + ": " + what + "; secrets " + strings.Join(u.Secrets, ", ") + "; on " + strings.Join(u.Triggers, ", ")
	if len(u.Refs) > 0 {
		out += "; refs " + strings.Join(u.Refs, ", ")
	}
	if len(u.Environments) > 0 {
		out += "; environments " + strings.Join(u.Environments, ", ")
	}
	return out
}
