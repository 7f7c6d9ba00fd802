package identitycenter

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/iamspect/iamspect/internal/wording"

	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/migrate"
	"github.com/iamspect/iamspect/internal/remediate/plan"
	"github.com/iamspect/iamspect/internal/snapshot"
	"github.com/iamspect/iamspect/internal/version"
)

// Options shape an Identity Center plan.
type Options struct {
	// People overrides the heuristics (--people).
	People []PeopleEntry
	// SessionDuration of the permission sets (ISO 8601); default PT8H, the
	// identity-center-session-duration-long threshold's default.
	SessionDuration string
	// RelayState is the URL the access portal opens after sign-in.
	RelayState string
	// GraceDays is how long after the first sign-in the old users are
	// deleted (documented in the plan; fix apply enforces its own grace
	// period on the delete stage).
	GraceDays int
	// Now stamps the plan; nil means time.Now.
	Now func() time.Time
	// SourceType is the plan's source type (live, snapshot, files, demo).
	SourceType string
}

// Result is the plan and what the planner found.
type Result struct {
	Plan           *plan.Plan
	People         []*Person
	Workloads      []Workload
	PermissionSets []*PermissionSet
	Proofs         []Proof
}

// instance is the Identity Center instance the plan creates in.
type instance struct {
	arn, storeID, account string
	ic                    *snapshot.IdentityCenter
}

// findInstance picks the organisation's instance (in the management
// account) or the first instance in the snapshot.
func findInstance(s *snapshot.Snapshot) *instance {
	var best *instance
	for _, a := range s.Accounts {
		if a.IdentityCenter == nil {
			continue
		}
		for _, in := range a.IdentityCenter.Instances {
			owner := in.OwnerAccountID
			if owner == "" {
				owner = a.ID
			}
			cand := &instance{arn: in.ARN, storeID: in.IdentityStoreID, account: a.ID, ic: a.IdentityCenter}
			if s.Organization != nil && owner == s.Organization.ManagementAccount && a.ID == owner {
				return cand
			}
			if best == nil {
				best = cand
			}
		}
	}
	return best
}

// builder accumulates actions.
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

// Plan builds the Identity Center migration plan of a snapshot.
func Plan(s *snapshot.Snapshot, o Options) (*Result, error) {
	if s == nil || len(s.Accounts) == 0 {
		return nil, fmt.Errorf("the snapshot holds no account")
	}
	if o.SessionDuration == "" {
		o.SessionDuration = "PT8H"
	}
	if o.GraceDays == 0 {
		o.GraceDays = 14
	}
	now := time.Now
	if o.Now != nil {
		now = o.Now
	}
	ref := s.CollectedAt
	pl := &plan.Plan{SchemaVersion: plan.SchemaVersion, CreatedAt: now().UTC(), Tool: plan.Tool{Name: "iamspect", Version: version.String()},
		Kind: plan.KindMigrateIdentityCenter, Source: plan.Source{Type: o.SourceType, ReferenceTime: &ref}}
	if s.Organization != nil {
		pl.Source.ManagementAccountID = s.Organization.ManagementAccount
	}
	for _, a := range s.Accounts {
		acct := plan.Account{ID: a.ID, Alias: a.Alias}
		if s.Organization != nil && a.ID == s.Organization.ManagementAccount {
			acct.Management = true
		}
		pl.Accounts = append(pl.Accounts, acct)
	}
	res := &Result{Plan: pl}
	people, workloads, warnings := FindPeople(s, o.People)
	res.People, res.Workloads = people, workloads
	pl.Warnings = append(pl.Warnings, warnings...)
	for _, w := range workloads {
		pl.Notes = append(pl.Notes, fmt.Sprintf("workload user %s in %s is not moved to Identity Center (%s): route: %s", w.UserName, w.AccountID, w.Why, w.Route))
	}
	b := &builder{pl: pl}
	inst := findInstance(s)
	instARN, storeID, icAcct := "", "", ""
	if inst == nil {
		icAcct = s.Accounts[0].ID
		if s.Organization != nil {
			icAcct = s.Organization.ManagementAccount
		}
		for _, a := range s.Accounts {
			if a.ID == icAcct && !a.Has(snapshot.InputIdentityCenter) {
				pl.Warnings = append(pl.Warnings, "Identity Center was not collected for "+icAcct+" (sso:ListInstances): the plan assumes it is not enabled")
			}
		}
		enable := b.add(plan.Action{Stage: plan.StageCreate, AccountID: icAcct, Title: "enable IAM Identity Center (organisation instance)",
			Console: []string{
				"Sign in to the management account " + icAcct + " and open the IAM Identity Center console.",
				"Choose Enable (an organisation instance: no API creates one).",
				"Choose the identity source (the Identity Center directory, or your IdP), then run iamspect migrate identity-center again: the new plan names the instance.",
			}, Risk: "none: enabling creates the directory; nothing changes for existing IAM users"})
		instARN = migrate.Ref(enable, "InstanceArn")
		storeID = migrate.Ref(enable, "IdentityStoreId")
	} else {
		instARN, storeID, icAcct = inst.arn, inst.storeID, inst.account
	}
	needsInput := ""
	if inst == nil {
		needsInput = "the Identity Center instance: enable it (the first action), then plan again"
	}
	instPre := &plan.Precondition{Description: "the Identity Center instance exists",
		Checks: []plan.Check{{Kind: "identity-center-instance", Resource: instARN, Field: "Exists", Expect: "true"}}}
	if inst == nil {
		instPre = nil
	}

	// Identity Store users.
	userIDs := map[*Person]string{}
	for _, p := range people {
		if inst != nil {
			if id := existingUser(inst.ic, p.UserName); id != "" {
				userIDs[p] = id
				pl.Notes = append(pl.Notes, "Identity Center user "+p.UserName+" exists already: reused")
				continue
			}
		}
		params := []any{"IdentityStoreId", storeID, "UserName", p.UserName, "DisplayName", nonEmpty(p.DisplayName, p.UserName),
			"Name", map[string]string{"GivenName": p.GivenName, "FamilyName": p.FamilyName}}
		if p.Email != "" {
			params = append(params, "Emails", []map[string]any{{"Value": p.Email, "Type": "work", "Primary": true}})
		} else {
			pl.Warnings = append(pl.Warnings, "person "+p.UserName+" has no e-mail (no --people entry or email tag): add one in Identity Center so the invitation reaches them")
		}
		id := b.add(plan.Action{Stage: plan.StageCreate, AccountID: icAcct, Title: "create Identity Center user " + p.UserName,
			Call: plan.NewCall("identitystore", "CreateUser", params...), Precond: instPre, NeedsInput: needsInput,
			Reversible: true, CaseReason: strings.Join(p.Why, "; ")})
		b.setInverse(id, plan.NewCall("identitystore", "DeleteUser", "IdentityStoreId", storeID, "UserId", migrate.Ref(id, "UserId")))
		userIDs[p] = migrate.Ref(id, "UserId")
	}

	// Groups from the IAM groups the people belong to.
	groupIDs := map[string]string{}
	var groupNames []string
	members := map[string][]*Person{}
	for _, p := range people {
		for _, au := range p.Users {
			for _, g := range au.User.Groups {
				if _, ok := members[g]; !ok {
					groupNames = append(groupNames, g)
				}
				if !containsPerson(members[g], p) {
					members[g] = append(members[g], p)
				}
			}
		}
	}
	sort.Strings(groupNames)
	for _, g := range groupNames {
		if inst != nil {
			if id := existingGroup(inst.ic, g); id != "" {
				groupIDs[g] = id
				continue
			}
		}
		id := b.add(plan.Action{Stage: plan.StageCreate, AccountID: icAcct, Title: "create Identity Center group " + g,
			Call: plan.NewCall("identitystore", "CreateGroup", "IdentityStoreId", storeID, "DisplayName", g,
				"Description", "Members of the IAM group "+g+" (iamspect migrate identity-center)"),
			Precond: instPre, NeedsInput: needsInput, Reversible: true})
		b.setInverse(id, plan.NewCall("identitystore", "DeleteGroup", "IdentityStoreId", storeID, "GroupId", migrate.Ref(id, "GroupId")))
		groupIDs[g] = migrate.Ref(id, "GroupId")
	}
	for _, g := range groupNames {
		for _, p := range members[g] {
			if inst != nil && existingMembership(inst.ic, groupIDs[g], userIDs[p]) {
				continue
			}
			id := b.add(plan.Action{Stage: plan.StageCreate, AccountID: icAcct, Title: "add " + p.UserName + " to group " + g,
				Call: plan.NewCall("identitystore", "CreateGroupMembership", "IdentityStoreId", storeID, "GroupId", groupIDs[g],
					"MemberId", map[string]string{"UserId": userIDs[p]}),
				NeedsInput: needsInput, Reversible: true})
			b.setInverse(id, plan.NewCall("identitystore", "DeleteGroupMembership", "IdentityStoreId", storeID, "MembershipId", migrate.Ref(id, "MembershipId")))
		}
	}

	// Permission sets, deduplicated by what they hold.
	bySig := map[string]*PermissionSet{}
	var sets []*PermissionSet
	usedNames := map[string]string{}
	if inst != nil {
		for _, ps := range inst.ic.PermissionSets {
			usedNames[ps.Name] = "existing"
		}
	}
	for _, p := range people {
		for _, au := range p.Users {
			sp := userSpec(au.Account, au.User)
			if sp.empty() {
				pl.Warnings = append(pl.Warnings, fmt.Sprintf("%s in %s has no identity policies: no permission set is assigned (the person keeps no access there)", au.User.Name, au.Account.ID))
				continue
			}
			ps := buildPermissionSet(sp, o.SessionDuration, o.RelayState)
			if have := bySig[ps.Signature]; have != nil {
				ps = have
			} else {
				name := psName(baseName(sp, au.User), ps.Signature)
				for n := 2; usedNames[name] != ""; n++ {
					name = psName(fmt.Sprintf("%s-%d", baseName(sp, au.User), n), ps.Signature)
				}
				usedNames[name] = ps.Signature
				ps.Name = name
				ps.Description = "From IAM " + describeSpec(sp)
				if inst != nil {
					if ex := sameContent(inst.ic, ps); ex != nil {
						ps.Name, ps.existingARN = ex.Name, ex.ARN
						ps.Notes = append(ps.Notes, "the existing permission set "+ex.Name+" holds exactly these policies: reused (session "+ex.SessionDuration+")")
					}
				}
				bySig[ps.Signature] = ps
				sets = append(sets, ps)
			}
			ps.Assignments = append(ps.Assignments, Assignment{Person: p, AccountID: au.Account.ID, User: au.User})
		}
	}
	res.PermissionSets = sets
	acctByID := map[string]*snapshot.Account{}
	for _, a := range s.Accounts {
		acctByID[a.ID] = a
	}
	for _, ps := range sets {
		b.permissionSet(ps, instARN, icAcct, instPre, needsInput, userIDs, acctByID)
	}

	// The proof.
	pr := newProver(s)
	for _, ps := range sets {
		for _, as := range ps.Assignments {
			pf := pr.prove(as.Person, acctByID[as.AccountID], as.User, ps, as.Person.UserName)
			res.Proofs = append(res.Proofs, pf)
			pl.Differences = append(pl.Differences, pf.Diffs...)
		}
	}
	for _, d := range pl.Differences {
		if !d.Explained {
			pl.RequiresAcceptDifferences = true
		}
	}
	pl.Notes = append(pl.Notes, "resource policies outside IAM (S3 bucket policies, KMS key policies, ...) are not in the snapshot: check them for the ARNs of the users being deleted")

	// Cut-over: each person signs in once.
	for _, p := range people {
		var accts []string
		for _, au := range p.Users {
			accts = append(accts, au.Account.ID)
		}
		b.add(plan.Action{Stage: plan.StageCutover, AccountID: icAcct, Title: p.UserName + " signs in through the AWS access portal",
			Console: []string{
				"Send " + p.UserName + " the access portal URL (IAM Identity Center > Settings > AWS access portal URL).",
				"They sign in, set up MFA, and check their work in " + wording.Noun(len(accts), "account ", "accounts ") + wording.And(accts) + ".",
				fmt.Sprintf("Wait for the first sign-in (or %d days) before the deactivate and delete stages.", o.GraceDays),
			}})
	}
	// After the cut-over: deactivate the people's access keys, then delete
	// their users. Both are in the delete stage, which runs only when named,
	// after the person's first sign-in: the deactivate stage runs before the
	// cut-over in fix apply's order, too early for a person still using a
	// key.
	for _, p := range people {
		for _, au := range p.Users {
			a, u := au.Account, au.User
			for _, k := range u.AccessKeys {
				if k.ID == "" || !k.Active() {
					continue
				}
				last := "never"
				if k.LastUsed != nil {
					last = k.LastUsed.UTC().Format("2006-01-02")
				}
				b.add(plan.Action{Stage: plan.StageDelete, AccountID: a.ID, Title: "deactivate access key " + k.ID + " of " + u.Name,
					Resolves: resolves(a, u), Call: plan.NewCall("iam", "UpdateAccessKey", "UserName", u.Name, "AccessKeyId", k.ID, "Status", "Inactive"),
					Precond: &plan.Precondition{Description: "the key is Active, last used " + last, Checks: []plan.Check{
						{Kind: "access-key", Resource: u.Name + "/" + k.ID, Field: "Status", Expect: "Active"}}},
					Reversible: true, Inverse: plan.NewCall("iam", "UpdateAccessKey", "UserName", u.Name, "AccessKeyId", k.ID, "Status", "Active"),
					Risk: "scripts on " + p.UserName + "'s machines that use this key stop working: they use aws sso login instead"})
			}
			for _, a2 := range migrate.DeleteUserActions(a, u, p.UserName+" signs in through Identity Center now") {
				a2.Resolves = resolves(a, u)
				b.add(a2)
			}
		}
	}
	sortActions(pl)
	return res, nil
}

// setInverse sets an added action's inverse.
func (b *builder) setInverse(id string, inv *plan.Call) {
	if i, ok := b.index[id]; ok {
		b.pl.Actions[i].Inverse = inv
		b.pl.Actions[i].Reversible = true
	}
}

// permissionSet plans one permission set: create, policies, customer
// managed policies in every target account, assignments, provisioning.
func (b *builder) permissionSet(ps *PermissionSet, instARN, icAcct string, instPre *plan.Precondition, needsInput string,
	userIDs map[*Person]string, accts map[string]*snapshot.Account) {
	if ps.existingARN != "" {
		b.assignAndProvision(ps, ps.existingARN, "", instARN, icAcct, needsInput, userIDs, accts)
		return
	}
	params := []any{"InstanceArn", instARN, "Name", ps.Name, "Description", ps.Description, "SessionDuration", ps.SessionDuration}
	if ps.RelayState != "" {
		params = append(params, "RelayState", ps.RelayState)
	}
	id := b.add(plan.Action{Stage: plan.StageCreate, AccountID: icAcct, Title: "create permission set " + ps.Name,
		Call: plan.NewCall("sso-admin", "CreatePermissionSet", params...), Precond: instPre, NeedsInput: needsInput,
		CaseReason: strings.Join(ps.Notes, "; ")})
	psARN := migrate.Ref(id, "PermissionSet.PermissionSetArn")
	b.setInverse(id, plan.NewCall("sso-admin", "DeletePermissionSet", "InstanceArn", instARN, "PermissionSetArn", psARN))
	for _, arn := range ps.AWSManaged {
		a := b.add(plan.Action{Stage: plan.StageCreate, AccountID: icAcct, Title: "attach " + arn + " to " + ps.Name,
			Call:       plan.NewCall("sso-admin", "AttachManagedPolicyToPermissionSet", "InstanceArn", instARN, "PermissionSetArn", psARN, "ManagedPolicyArn", arn),
			NeedsInput: needsInput, DependsOn: []string{id}})
		b.setInverse(a, plan.NewCall("sso-admin", "DetachManagedPolicyFromPermissionSet", "InstanceArn", instARN, "PermissionSetArn", psARN, "ManagedPolicyArn", arn))
	}
	b.customerPolicies(ps, accts)
	for _, r := range ps.Customer {
		b.add(plan.Action{Stage: plan.StageCreate, AccountID: icAcct, Title: "reference customer managed policy " + r.key() + " in " + ps.Name,
			Call: plan.NewCall("sso-admin", "AttachCustomerManagedPolicyReferenceToPermissionSet", "InstanceArn", instARN, "PermissionSetArn", psARN,
				"CustomerManagedPolicyReference", r),
			NeedsInput: needsInput, DependsOn: []string{id}, Risk: "undone by deleting the permission set"})
	}
	if ps.Inline != "" {
		b.add(plan.Action{Stage: plan.StageCreate, AccountID: icAcct, Title: "put the merged inline policy in " + ps.Name,
			Call:       plan.NewCall("sso-admin", "PutInlinePolicyToPermissionSet", "InstanceArn", instARN, "PermissionSetArn", psARN, "InlinePolicy", ps.Inline),
			NeedsInput: needsInput, DependsOn: []string{id}, Risk: "undone by deleting the permission set"})
	}
	var boundary map[string]any
	switch {
	case ps.BoundaryARN != "":
		boundary = map[string]any{"ManagedPolicyArn": ps.BoundaryARN}
	case ps.BoundaryRef != nil:
		boundary = map[string]any{"CustomerManagedPolicyReference": ps.BoundaryRef}
	}
	if boundary != nil {
		b.add(plan.Action{Stage: plan.StageCreate, AccountID: icAcct, Title: "set the permissions boundary of " + ps.Name,
			Call:       plan.NewCall("sso-admin", "PutPermissionsBoundaryToPermissionSet", "InstanceArn", instARN, "PermissionSetArn", psARN, "PermissionsBoundary", boundary),
			NeedsInput: needsInput, DependsOn: []string{id}, Risk: "undone by deleting the permission set"})
	}
	b.assignAndProvision(ps, psARN, id, instARN, icAcct, needsInput, userIDs, accts)
}

// assignAndProvision assigns the permission set (created by action id, or
// an existing one when id is "") to its people and provisions it.
func (b *builder) assignAndProvision(ps *PermissionSet, psARN, id, instARN, icAcct, needsInput string,
	userIDs map[*Person]string, accts map[string]*snapshot.Account) {
	var deps []string
	if id != "" {
		deps = []string{id}
	} else {
		b.customerPolicies(ps, accts)
	}
	for _, as := range ps.Assignments {
		a := b.add(plan.Action{Stage: plan.StageCreate, AccountID: icAcct,
			Title:    "assign " + ps.Name + " to " + as.Person.UserName + " in " + as.AccountID + " (was IAM user " + as.User.Name + ")",
			Resolves: []plan.FindingRef{{RuleID: "identity-center-not-enabled", Fingerprint: finding.Fingerprint("identity-center-not-enabled", as.AccountID, accts[as.AccountID].RootARN())}},
			Call: plan.NewCall("sso-admin", "CreateAccountAssignment", "InstanceArn", instARN, "TargetId", as.AccountID, "TargetType", "AWS_ACCOUNT",
				"PermissionSetArn", psARN, "PrincipalType", "USER", "PrincipalId", userIDs[as.Person]),
			NeedsInput: needsInput, DependsOn: deps})
		b.setInverse(a, plan.NewCall("sso-admin", "DeleteAccountAssignment", "InstanceArn", instARN, "TargetId", as.AccountID, "TargetType", "AWS_ACCOUNT",
			"PermissionSetArn", psARN, "PrincipalType", "USER", "PrincipalId", userIDs[as.Person]))
	}
	for _, acctID := range ps.Accounts() {
		b.add(plan.Action{Stage: plan.StageCreate, AccountID: icAcct, Title: "provision " + ps.Name + " to " + acctID,
			Call:       plan.NewCall("sso-admin", "ProvisionPermissionSet", "InstanceArn", instARN, "PermissionSetArn", psARN, "TargetType", "AWS_ACCOUNT", "TargetId", acctID),
			NeedsInput: needsInput, DependsOn: deps, Risk: "undone by deleting the account assignments and the permission set"})
	}
}

// customerPolicies creates the customer managed policies the permission
// set references where a target account lacks them: they must exist, by
// name and path, in every account it is provisioned to.
func (b *builder) customerPolicies(ps *PermissionSet, accts map[string]*snapshot.Account) {
	refs := append([]CMRef{}, ps.Customer...)
	if ps.BoundaryRef != nil {
		refs = append(refs, *ps.BoundaryRef)
	}
	for _, acctID := range ps.Accounts() {
		a := accts[acctID]
		for _, r := range refs {
			if mp := a.Policy(policyARN(a, r)); mp != nil {
				continue
			}
			doc, ok := ps.docs[r.key()]
			if !ok {
				b.add(plan.Action{Stage: plan.StageCreate, AccountID: acctID, Title: "create customer managed policy " + r.key() + " in " + acctID,
					NeedsInput: "the document of " + r.key() + " (not in the snapshot)"})
				continue
			}
			cp := b.add(plan.Action{Stage: plan.StageCreate, AccountID: acctID, Title: "create customer managed policy " + r.key() + " in " + acctID + " (permission set " + ps.Name + " references it)",
				Call: plan.NewCall("iam", "CreatePolicy", "PolicyName", r.Name, "Path", r.Path, "PolicyDocument", doc,
					"Description", "Referenced by permission set "+ps.Name+" (iamspect migrate identity-center)")})
			b.setInverse(cp, plan.NewCall("iam", "DeletePolicy", "PolicyArn", migrate.Ref(cp, "Policy.Arn")))
		}
	}
}

// sameContent finds an existing permission set holding exactly the
// planned policies (session duration and relay state aside).
func sameContent(ic *snapshot.IdentityCenter, ps *PermissionSet) *snapshot.PermissionSet {
	for i := range ic.PermissionSets {
		ex := &ic.PermissionSets[i]
		var managed []string
		for _, m := range ex.ManagedPolicies {
			managed = append(managed, m.ARN)
		}
		sort.Strings(managed)
		var cust []string
		for _, c := range ex.CustomerManaged {
			r := cmRef(c.ARN, c.Name)
			cust = append(cust, r.key())
		}
		sort.Strings(cust)
		var want []string
		for _, c := range ps.Customer {
			want = append(want, c.key())
		}
		sort.Strings(want)
		if strings.Join(managed, ",") != strings.Join(ps.AWSManaged, ",") || strings.Join(cust, ",") != strings.Join(want, ",") {
			continue
		}
		if !sameJSON(ex.InlinePolicy, ps.Inline) {
			continue
		}
		exB := ""
		if ex.PermissionsBoundary != nil {
			exB = ex.PermissionsBoundary.ARN
		}
		psB := ps.BoundaryARN
		if ps.BoundaryRef != nil {
			psB = "ref:" + ps.BoundaryRef.key()
			if ex.PermissionsBoundary != nil {
				exB = "ref:" + cmRef(ex.PermissionsBoundary.ARN, ex.PermissionsBoundary.Name).key()
			}
		}
		if exB != psB {
			continue
		}
		return ex
	}
	return nil
}

func sameJSON(a []byte, b string) bool {
	if len(a) == 0 || b == "" {
		return len(a) == 0 && b == ""
	}
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal([]byte(b), &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}

func resolves(a *snapshot.Account, u *snapshot.User) []plan.FindingRef {
	return []plan.FindingRef{{RuleID: "iam-user-unnecessary", Fingerprint: finding.Fingerprint("iam-user-unnecessary", a.ID, u.ARN)}}
}

// sortActions orders the plan by stage, keeping the planner's order within
// a stage (creations before their references).
func sortActions(pl *plan.Plan) {
	sort.SliceStable(pl.Actions, func(i, j int) bool {
		return plan.StageIndex(pl.Actions[i].Stage) < plan.StageIndex(pl.Actions[j].Stage)
	})
}

func describeSpec(sp spec) string {
	var parts []string
	if len(sp.groups) > 0 {
		parts = append(parts, "groups "+strings.Join(sp.groups, ", "))
	}
	if sp.own {
		parts = append(parts, "the user's own policies")
	}
	d := strings.Join(parts, " and ")
	if len(d) > 600 {
		d = d[:600]
	}
	return d
}

func nonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func containsPerson(ps []*Person, p *Person) bool {
	for _, x := range ps {
		if x == p {
			return true
		}
	}
	return false
}

func existingUser(ic *snapshot.IdentityCenter, name string) string {
	for _, u := range ic.Users {
		if strings.EqualFold(u.UserName, name) {
			return u.ID
		}
	}
	return ""
}

func existingGroup(ic *snapshot.IdentityCenter, name string) string {
	for _, g := range ic.Groups {
		if g.DisplayName == name {
			return g.ID
		}
	}
	return ""
}

func existingMembership(ic *snapshot.IdentityCenter, group, user string) bool {
	for _, m := range ic.Memberships {
		if m.GroupID == group && m.UserID == user {
			return true
		}
	}
	return false
}
