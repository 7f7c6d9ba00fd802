package access

// The privilege-escalation catalogue, as Go data.
//
// It merges five public catalogues into one list of methods (see
// docs/privilege-escalation.md for the full table and licence notes):
//
//   - pathfinding.cloud (DataDog, Apache-2.0) @ 84dd65c9: 65 paths, whose IDs
//     ("iam-001", "ec2-001", ...) are kept as ours;
//   - Cloudsplaining (Salesforce, BSD-3-Clause): 59 methods;
//   - Prowler (Apache-2.0): 101 action combinations;
//   - Parliament (Duo Labs, BSD-3-Clause): 22 methods;
//   - Rhino Security Labs' AWS-IAM-Privilege-Escalation (BSD-3-Clause): 28.
//
// Only facts are taken (which actions a technique needs, which service a
// passed role must trust); names and summaries are written here. Methods
// absent from pathfinding.cloud get a descriptive ID ("lambda-update-config").
//
// Merging: two entries are one method when they describe the same technique.
// When tools list different action sets for one technique, the method keeps
// the set the technique really needs and the Sources record each tool's own
// name. Supersets of a method (Cloudsplaining's "...TriggerWithNewDynamo",
// Prowler's "...CreateHarness...", Rhino's notebook-plus-presigned-URL) are
// folded into the smaller method: whenever the superset fires, so does it.
// Prowler's "iam:*" and "iam:Put*" rows are patterns, not techniques; the
// specific iam methods below fire for them (see Subsumed).

// Category groups methods by what the attacker gains.
type Category string

// Categories, after pathfinding.cloud's.
const (
	// SelfEscalation: the principal changes its own permissions.
	SelfEscalation Category = "self-escalation"
	// PrincipalAccess: the principal obtains another principal's
	// credentials or identity (access keys, passwords, role sessions).
	PrincipalAccess Category = "principal-access"
	// NewPassRole: the principal passes a role to a new compute resource
	// and runs code as that role.
	NewPassRole Category = "new-passrole"
	// ExistingPassRole: the principal runs code inside an existing resource
	// that already has a role.
	ExistingPassRole Category = "existing-passrole"
	// IdentityCenter: the principal rewrites Identity Center permission sets
	// (the escalation lands on whoever is assigned them).
	IdentityCenter Category = "identity-center"
)

// On says which resource a step's action must be allowed on.
type On uint8

// Step resources.
const (
	// OnAny: some resource (the action's own resource, not knowable from IAM).
	OnAny On = iota
	// OnSelf: the principal's own ARN (its user or role).
	OnSelf
	// OnSelfGroup: a group the user belongs to.
	OnSelfGroup
	// OnSelfPolicy: a customer managed policy attached to the principal,
	// directly or through a group.
	OnSelfPolicy
	// OnTarget: the target principal's ARN (user, group or role).
	OnTarget
	// OnTargetPolicy: a customer managed policy attached to the target role.
	OnTargetPolicy
	// OnPassRole: iam:PassRole on the target role, passed to the method's
	// service (iam:PassedToService is set in the request context).
	OnPassRole
	// OnAssume: sts:AssumeRole on the target role, judged with the role's
	// trust policy as the resource policy.
	OnAssume
)

// Target says what a method needs besides the principal's own permissions.
type Target uint8

// Targets.
const (
	// TargetNone: the method needs nothing the snapshot can show.
	TargetNone Target = iota
	// TargetSelf: the principal itself (a user or a role, see Kinds).
	TargetSelf
	// TargetSelfPolicy: a customer managed policy attached to the principal.
	TargetSelfPolicy
	// TargetSelfGroup: a group the user is a member of.
	TargetSelfGroup
	// TargetUser: another user that is more privileged.
	TargetUser
	// TargetGroup: a group the user is not in that is more privileged.
	TargetGroup
	// TargetRole: another role that is more privileged (any trust).
	TargetRole
	// TargetAssumableRole: a more privileged role whose trust admits the
	// principal.
	TargetAssumableRole
	// TargetPassRole: a more privileged role whose trust admits one of the
	// method's services (the role is passed to a new resource).
	TargetPassRole
	// TargetServiceRole: a more privileged role whose trust admits one of
	// the method's services, standing for an existing resource that runs as
	// it (a Lambda function, an instance, a build project, ...).
	TargetServiceRole
	// TargetIdentityCenter: the account holds the organisation's IAM
	// Identity Center instance (its permission sets can be changed from
	// here).
	TargetIdentityCenter
)

// Prereq is an extra condition on a user target.
type Prereq uint8

// User prerequisites (judged from the credential report when collected).
const (
	PrereqNone Prereq = iota
	// PrereqKeySlot: the user has fewer than two access keys.
	PrereqKeySlot
	// PrereqTwoKeys: the user has two access keys (one must be deleted).
	PrereqTwoKeys
	// PrereqNoPassword: the user has no console password.
	PrereqNoPassword
	// PrereqPassword: the user has a console password.
	PrereqPassword
	// PrereqBoundary: the target (or self) has a permissions boundary.
	PrereqBoundary
)

// Step is one action a method needs and the resource it must be allowed on.
type Step struct {
	Action string
	On     On
}

// Ref names a method in one source catalogue.
type Ref struct {
	Tool string // "pathfinding.cloud", "cloudsplaining", "prowler", "parliament", "rhino"
	Name string // the tool's name or ID for it
}

// Method is one privilege-escalation technique.
type Method struct {
	ID       string
	Name     string
	Category Category
	Summary  string
	Steps    []Step
	Target   Target
	// Kinds limits the principals the method applies to ("user", "role");
	// empty means both.
	Kinds []string
	// Services are the service principals a target role must trust
	// (TargetPassRole, TargetServiceRole).
	Services []string
	Prereq   Prereq
	Sources  []Ref
	// Retired says why the method no longer works (the service is gone);
	// such methods stay in the catalogue for the record but are not
	// reported unless Analysis.IncludeRetired is set.
	Retired string
}

// Actions returns the method's distinct actions in step order.
func (m *Method) Actions() []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range m.Steps {
		if !seen[s.Action] {
			seen[s.Action] = true
			out = append(out, s.Action)
		}
	}
	return out
}

// Tools returns the distinct tools that list the method.
func (m *Method) Tools() []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range m.Sources {
		if !seen[r.Tool] {
			seen[r.Tool] = true
			out = append(out, r.Tool)
		}
	}
	return out
}

// AppliesTo reports whether the method can be used by a principal of kind.
func (m *Method) AppliesTo(kind string) bool {
	if len(m.Kinds) == 0 {
		return true
	}
	for _, k := range m.Kinds {
		if k == kind {
			return true
		}
	}
	return false
}

// Subsumed lists catalogue rows that are not techniques of their own, with
// the reason; tests check that a principal allowed them is still caught.
var Subsumed = []struct {
	Ref     Ref
	Actions []string
	Why     string
}{
	{Ref{"prowler", "OverPermissiveIAM"}, []string{"iam:*"}, "a wildcard over every iam method: iam-001 to iam-021 fire for it"},
	{Ref{"prowler", "IAMPut"}, []string{"iam:Put*"}, "a wildcard: iam-005, iam-007 and iam-011 fire for it"},
}

const (
	pf  = "pathfinding.cloud"
	cs  = "cloudsplaining"
	pr  = "prowler"
	pa  = "parliament"
	rh  = "rhino"
	ec2 = "ec2.amazonaws.com"
)

func any_(actions ...string) []Step {
	out := make([]Step, len(actions))
	for i, a := range actions {
		out[i] = Step{Action: a, On: OnAny}
	}
	return out
}

// passing builds the steps of a new-passrole method: iam:PassRole on the
// target, then the service actions on some resource.
func passing(actions ...string) []Step {
	return append([]Step{{"iam:PassRole", OnPassRole}}, any_(actions...)...)
}

func refs(r ...string) []Ref {
	out := make([]Ref, 0, len(r)/2)
	for i := 0; i+1 < len(r); i += 2 {
		out = append(out, Ref{r[i], r[i+1]})
	}
	return out
}

// passRole is a new-passrole method.
func passRole(id, name, summary string, services []string, actions []string, sources ...string) Method {
	return Method{ID: id, Name: name, Category: NewPassRole, Summary: summary, Steps: passing(actions...),
		Target: TargetPassRole, Services: services, Sources: refs(sources...)}
}

// existing is an existing-passrole method.
func existing(id, name, summary string, services []string, actions []string, sources ...string) Method {
	return Method{ID: id, Name: name, Category: ExistingPassRole, Summary: summary, Steps: any_(actions...),
		Target: TargetServiceRole, Services: services, Sources: refs(sources...)}
}

func svc(s ...string) []string  { return s }
func acts(a ...string) []string { return a }

// Methods is the merged catalogue, sorted by ID.
var Methods = sortMethods([]Method{
	// --- Self-escalation: the principal rewrites its own permissions.
	{ID: "iam-001", Name: "New version of an attached customer managed policy", Category: SelfEscalation,
		Summary: "Write a new default version of a customer managed policy already attached to the principal, granting anything.",
		Steps:   []Step{{"iam:CreatePolicyVersion", OnSelfPolicy}}, Target: TargetSelfPolicy,
		Sources: refs(pf, "iam-001", cs, "CreateNewPolicyVersion", pr, "CreatePolicyVersion", pa, "CreateNewPolicyVersion", rh, "1")},
	{ID: "iam-set-default-version", Name: "Switch an attached policy to an older, broader version", Category: SelfEscalation,
		Summary: "Make a non-default version of a customer managed policy attached to the principal the default one; older versions often allowed more.",
		Steps:   []Step{{"iam:SetDefaultPolicyVersion", OnSelfPolicy}}, Target: TargetSelfPolicy,
		Sources: refs(cs, "SetExistingDefaultPolicyVersion", pr, "SetDefaultPolicyVersion", pa, "SetExistingDefaultPolicyVersion", rh, "2")},
	{ID: "iam-005", Name: "Inline policy on its own role", Category: SelfEscalation, Kinds: []string{"role"},
		Summary: "Put an inline policy granting anything on the role the principal is.",
		Steps:   []Step{{"iam:PutRolePolicy", OnSelf}}, Target: TargetSelf,
		Sources: refs(pf, "iam-005", cs, "PutRolePolicy", pr, "iam:PutRolePolicy", rh, "12")},
	{ID: "iam-007", Name: "Inline policy on its own user", Category: SelfEscalation, Kinds: []string{"user"},
		Summary: "Put an inline policy granting anything on the principal's own user.",
		Steps:   []Step{{"iam:PutUserPolicy", OnSelf}}, Target: TargetSelf,
		Sources: refs(pf, "iam-007", cs, "PutUserPolicy", pr, "iam:PutUserPolicy", pa, "PutUserPolicy", rh, "10")},
	{ID: "iam-008", Name: "Attach a managed policy to its own user", Category: SelfEscalation, Kinds: []string{"user"},
		Summary: "Attach AdministratorAccess (or any managed policy) to the principal's own user.",
		Steps:   []Step{{"iam:AttachUserPolicy", OnSelf}}, Target: TargetSelf,
		Sources: refs(pf, "iam-008", cs, "AttachUserPolicy", pr, "iam:AttachUserPolicy", pa, "AttachUserPolicy", rh, "7")},
	{ID: "iam-009", Name: "Attach a managed policy to its own role", Category: SelfEscalation, Kinds: []string{"role"},
		Summary: "Attach AdministratorAccess (or any managed policy) to the role the principal is.",
		Steps:   []Step{{"iam:AttachRolePolicy", OnSelf}}, Target: TargetSelf,
		Sources: refs(pf, "iam-009", cs, "AttachRolePolicy", pr, "iam:AttachRolePolicy", rh, "9")},
	{ID: "iam-010", Name: "Attach a managed policy to one of its groups", Category: SelfEscalation, Kinds: []string{"user"},
		Summary: "Attach AdministratorAccess (or any managed policy) to a group the user belongs to.",
		Steps:   []Step{{"iam:AttachGroupPolicy", OnSelfGroup}}, Target: TargetSelfGroup,
		Sources: refs(pf, "iam-010", cs, "AttachGroupPolicy", pr, "iam:AttachGroupPolicy", pa, "AttachGroupPolicy", rh, "8")},
	{ID: "iam-011", Name: "Inline policy on one of its groups", Category: SelfEscalation, Kinds: []string{"user"},
		Summary: "Put an inline policy granting anything on a group the user belongs to.",
		Steps:   []Step{{"iam:PutGroupPolicy", OnSelfGroup}}, Target: TargetSelfGroup,
		Sources: refs(pf, "iam-011", cs, "PutGroupPolicy", pr, "iam:PutGroupPolicy", pa, "PutGroupPolicy", rh, "11")},
	{ID: "iam-013", Name: "Join a more privileged group", Category: SelfEscalation, Kinds: []string{"user"},
		Summary: "Add its own user to a group that holds more permissions.",
		Steps:   []Step{{"iam:AddUserToGroup", OnTarget}}, Target: TargetGroup,
		Sources: refs(pf, "iam-013", cs, "AddUserToGroup", pr, "iam:AddUserToGroup", pa, "AddUserToGroup", rh, "13")},
	{ID: "iam-delete-user-boundary", Name: "Remove its own permissions boundary", Category: SelfEscalation, Kinds: []string{"user"},
		Summary: "Delete the permissions boundary of its own user, lifting the ceiling on its identity policies.",
		Steps:   []Step{{"iam:DeleteUserPermissionsBoundary", OnSelf}}, Target: TargetSelf, Prereq: PrereqBoundary,
		Sources: refs(pr, "iam:DeleteUserPermissionsBoundary")},

	// --- Principal access: become another user or role.
	{ID: "iam-002", Name: "Access key for another user", Category: PrincipalAccess,
		Summary: "Create an access key for a more privileged user and sign requests as it.",
		Steps:   []Step{{"iam:CreateAccessKey", OnTarget}}, Target: TargetUser, Prereq: PrereqKeySlot,
		Sources: refs(pf, "iam-002", cs, "CreateAccessKey", pr, "iam:CreateAccessKey", pa, "CreateAccessKey", rh, "4")},
	{ID: "iam-003", Name: "Replace another user's access key", Category: PrincipalAccess,
		Summary: "Delete one of a more privileged user's two access keys and create a new one.",
		Steps:   []Step{{"iam:CreateAccessKey", OnTarget}, {"iam:DeleteAccessKey", OnTarget}}, Target: TargetUser, Prereq: PrereqTwoKeys,
		Sources: refs(pf, "iam-003", cs, "CreateAndRotateAccessKey", pr, "CreateAccessKey+DeleteAccessKey")},
	{ID: "iam-004", Name: "Console password for another user", Category: PrincipalAccess,
		Summary: "Give a more privileged user without a password a console password and sign in as it.",
		Steps:   []Step{{"iam:CreateLoginProfile", OnTarget}}, Target: TargetUser, Prereq: PrereqNoPassword,
		Sources: refs(pf, "iam-004", cs, "CreateLoginProfile", pr, "iam:CreateLoginProfile", pa, "CreateLoginProfile", rh, "5")},
	{ID: "iam-006", Name: "Reset another user's console password", Category: PrincipalAccess,
		Summary: "Change the console password of a more privileged user and sign in as it.",
		Steps:   []Step{{"iam:UpdateLoginProfile", OnTarget}}, Target: TargetUser, Prereq: PrereqPassword,
		Sources: refs(pf, "iam-006", cs, "UpdateLoginProfile", pr, "iam:UpdateLoginProfile", pa, "UpdateLoginProfile", rh, "6")},
	{ID: "iam-012", Name: "Rewrite a role's trust policy", Category: PrincipalAccess,
		Summary: "Rewrite the trust policy of a more privileged role to name the principal, then assume the role (naming the principal's ARN makes sts:AssumeRole permission unnecessary).",
		Steps:   []Step{{"iam:UpdateAssumeRolePolicy", OnTarget}}, Target: TargetRole,
		Sources: refs(pf, "iam-012", cs, "UpdateRolePolicyToAssumeIt", pr, "iam:UpdateAssumeRolePolicy", pr, "AssumeRole+UpdateAssumeRolePolicy", pa, "UpdateRolePolicyToAssumeIt", rh, "14")},
	{ID: "iam-014", Name: "Attach a policy to an assumable role, then assume it", Category: PrincipalAccess,
		Summary: "Attach an administrator policy to a role the principal may assume, then assume it.",
		Steps:   []Step{{"iam:AttachRolePolicy", OnTarget}, {"sts:AssumeRole", OnAssume}}, Target: TargetAssumableRole,
		Sources: refs(pf, "iam-014", pr, "AssumeRole+AttachRolePolicy", pa, "AttachRolePolicy")},
	{ID: "iam-015", Name: "Attach a policy to another user, then create its key", Category: PrincipalAccess,
		Summary: "Attach an administrator policy to another user and create an access key for it.",
		Steps:   []Step{{"iam:AttachUserPolicy", OnTarget}, {"iam:CreateAccessKey", OnTarget}}, Target: TargetUser,
		Sources: refs(pf, "iam-015", cs, "AttachUserPolicyThenCreateAccessKey", pr, "AttachUserPolicy+CreateAccessKey")},
	{ID: "iam-016", Name: "Rewrite an assumable role's policy, then assume it", Category: PrincipalAccess,
		Summary: "Write a new default version of a customer managed policy attached to a role the principal may assume, then assume it.",
		Steps:   []Step{{"iam:CreatePolicyVersion", OnTargetPolicy}, {"sts:AssumeRole", OnAssume}}, Target: TargetAssumableRole,
		Sources: refs(pf, "iam-016", cs, "CreatePolicyVersionThenAssumeRole", pr, "AssumeRole+CreatePolicyVersion")},
	{ID: "iam-017", Name: "Inline policy on an assumable role, then assume it", Category: PrincipalAccess,
		Summary: "Put an administrator inline policy on a role the principal may assume, then assume it.",
		Steps:   []Step{{"iam:PutRolePolicy", OnTarget}, {"sts:AssumeRole", OnAssume}}, Target: TargetAssumableRole,
		Sources: refs(pf, "iam-017", pr, "AssumeRole+PutRolePolicy", pa, "PutRolePolicy")},
	{ID: "iam-018", Name: "Inline policy on another user, then create its key", Category: PrincipalAccess,
		Summary: "Put an administrator inline policy on another user and create an access key for it.",
		Steps:   []Step{{"iam:PutUserPolicy", OnTarget}, {"iam:CreateAccessKey", OnTarget}}, Target: TargetUser,
		Sources: refs(pf, "iam-018", cs, "PutUserPolicyThenCreateAccessKey", pr, "PutUserPolicy+CreateAccessKey")},
	{ID: "iam-019", Name: "Attach a policy to a role and rewrite its trust", Category: PrincipalAccess,
		Summary: "Attach an administrator policy to any role, rewrite its trust policy to name the principal, and assume it.",
		Steps:   []Step{{"iam:AttachRolePolicy", OnTarget}, {"iam:UpdateAssumeRolePolicy", OnTarget}}, Target: TargetRole,
		Sources: refs(pf, "iam-019", cs, "AttachRolePolicyThenUpdateAssumeRolePolicy", pr, "AttachRolePolicy+UpdateAssumeRolePolicy")},
	{ID: "iam-020", Name: "Rewrite a role's managed policy and its trust", Category: PrincipalAccess,
		Summary: "Write a new version of a customer managed policy attached to a role, rewrite the role's trust policy, and assume it.",
		Steps:   []Step{{"iam:CreatePolicyVersion", OnTargetPolicy}, {"iam:UpdateAssumeRolePolicy", OnTarget}}, Target: TargetRole,
		Sources: refs(pf, "iam-020", cs, "CreatePolicyVersionThenUpdateAssumeRolePolicy", pr, "CreatePolicyVersion+UpdateAssumeRolePolicy")},
	{ID: "iam-021", Name: "Inline policy on a role and rewrite its trust", Category: PrincipalAccess,
		Summary: "Put an administrator inline policy on any role, rewrite its trust policy, and assume it.",
		Steps:   []Step{{"iam:PutRolePolicy", OnTarget}, {"iam:UpdateAssumeRolePolicy", OnTarget}}, Target: TargetRole,
		Sources: refs(pf, "iam-021", cs, "PutRolePolicyThenUpdateAssumeRolePolicy", pr, "PutRolePolicy+UpdateAssumeRolePolicy")},
	{ID: "iam-delete-role-boundary", Name: "Remove an assumable role's permissions boundary", Category: PrincipalAccess,
		Summary: "Delete the permissions boundary of a role the principal may assume, then assume it with its full identity policies.",
		Steps:   []Step{{"iam:DeleteRolePermissionsBoundary", OnTarget}, {"sts:AssumeRole", OnAssume}}, Target: TargetAssumableRole, Prereq: PrereqBoundary,
		Sources: refs(pr, "AssumeRole+DeleteRolePermissionsBoundary")},
	{ID: "sts-001", Name: "Assume a more privileged role", Category: PrincipalAccess,
		Summary: "Assume a role whose trust policy admits the principal and that holds more permissions.",
		Steps:   []Step{{"sts:AssumeRole", OnAssume}}, Target: TargetAssumableRole,
		Sources: refs(pf, "sts-001")},

	// --- New PassRole: pass a role to new compute and run code as it.
	passRole("apprunner-001", "Pass a role to a new App Runner service", "Create an App Runner service whose instance role is the passed role, and run commands in it.",
		svc("tasks.apprunner.amazonaws.com"), acts("apprunner:CreateService"), pf, "apprunner-001", cs, "PassExistingRoleToNewAppRunnerService", pr, "PassRole+AppRunnerCreateService"),
	passRole("bedrock-001", "Pass a role to a new AgentCore code interpreter", "Create a Bedrock AgentCore code interpreter with the passed role and run code in a session.",
		svc("bedrock-agentcore.amazonaws.com"), acts("bedrock-agentcore:CreateCodeInterpreter", "bedrock-agentcore:StartCodeInterpreterSession", "bedrock-agentcore:InvokeCodeInterpreter"),
		pf, "bedrock-001", cs, "PassExistingRoleToNewBedrockCodeInterpreter", pr, "PassRole+AgentCoreCreateInterpreter+InvokeInterpreter"),
	passRole("bedrock-agent-runtime", "Pass a role to a new AgentCore runtime", "Create a Bedrock AgentCore agent runtime with the passed role and run commands in it.",
		svc("bedrock-agentcore.amazonaws.com"), acts("bedrock-agentcore:CreateAgentRuntime", "bedrock-agentcore:CreateAgentRuntimeEndpoint", "bedrock-agentcore:CreateWorkloadIdentity", "bedrock-agentcore:InvokeAgentRuntimeCommand"),
		pr, "PassRole+AgentCoreCreateRuntime+InvokeRuntimeCommand", pr, "PassRole+AgentCoreCreateHarness+InvokeRuntimeCommand"),
	passRole("bedrock-browser", "Pass a role to a new AgentCore browser", "Create a Bedrock AgentCore browser with the passed role and drive it.",
		svc("bedrock-agentcore.amazonaws.com"), acts("bedrock-agentcore:CreateBrowser", "bedrock-agentcore:StartBrowserSession", "bedrock-agentcore:ConnectBrowserAutomationStream"),
		pr, "PassRole+AgentCoreCreateBrowser+ConnectBrowser"),
	passRole("batch-register-submit", "Pass a role to a new Batch job definition", "Register an AWS Batch job definition whose job role is the passed role and submit a job.",
		svc("ecs-tasks.amazonaws.com"), acts("batch:RegisterJobDefinition", "batch:SubmitJob"), pr, "PassRole+BatchRegisterJobDef+SubmitJob"),
	passRole("braket-create-job", "Pass a role to a new Braket job", "Create an Amazon Braket hybrid job that runs the attacker's code as the passed role.",
		svc("braket.amazonaws.com"), acts("braket:CreateJob"), pr, "PassRole+BraketCreateJob"),
	passRole("cloudformation-001", "Pass a role to a new CloudFormation stack", "Create a stack with the passed role as its service role; the template creates whatever the role may create (an admin user, a policy).",
		svc("cloudformation.amazonaws.com"), acts("cloudformation:CreateStack"), pf, "cloudformation-001", cs, "PassExistingRoleToCloudFormation", pr, "PassRole+CloudFormationCreateStack", pa, "PassExistingRoleToCloudFormation", rh, "21"),
	passRole("cloudformation-003", "Pass a role to a new StackSet", "Create a StackSet administered with the passed role and deploy instances of it.",
		svc("cloudformation.amazonaws.com"), acts("cloudformation:CreateStackSet", "cloudformation:CreateStackInstances"), pf, "cloudformation-003", cs, "PassExistingRoleToNewCloudFormationStackSet", pr, "PassRole+CloudFormationCreateStackSet"),
	passRole("cloudformation-004", "Pass a role to an existing StackSet", "Update a StackSet to use the passed role and a new template.",
		svc("cloudformation.amazonaws.com"), acts("cloudformation:UpdateStackSet"), pf, "cloudformation-004", cs, "PassRoleToUpdateCloudFormationStackSet", pr, "PassRole+CloudFormationUpdateStackSet"),
	passRole("codebuild-001", "Pass a role to a new CodeBuild project", "Create a CodeBuild project with the passed role and start a build running the attacker's buildspec.",
		svc("codebuild.amazonaws.com"), acts("codebuild:CreateProject", "codebuild:StartBuild"), pf, "codebuild-001", cs, "PassExistingRoleToNewCodeBuildProjectThenBuild", pr, "PassRole+CodeBuildCreateProject+StartBuild"),
	passRole("codebuild-004", "Pass a role to a new CodeBuild project (batch build)", "As codebuild-001, starting a batch build.",
		svc("codebuild.amazonaws.com"), acts("codebuild:CreateProject", "codebuild:StartBuildBatch"), pf, "codebuild-004", cs, "PassExistingRoleToNewCodeBuildProjectThenBuildBatch", pr, "PassRole+CodeBuildCreateProject+StartBuildBatch"),
	passRole("codestar-create-project", "Pass a role to a new CodeStar project", "Create a CodeStar project whose service role is the passed role (CodeStar is retired, but old accounts keep the permission).",
		svc("codestar.amazonaws.com"), acts("codestar:CreateProject"), pr, "PassRole+CodeStar", rh, "24").retired(codestarGone),
	passRole("cognito-identity-pool-roles", "Set a role on a Cognito identity pool", "Make the passed role an identity pool's role and obtain credentials for it as a pool identity.",
		svc("cognito-identity.amazonaws.com"), acts("cognito-identity:SetIdentityPoolRoles"), pr, "PassRole+CognitoSetIdentityPoolRoles"),
	passRole("datapipeline-001", "Pass a role to a new Data Pipeline", "Create, define and activate a pipeline that runs commands as the passed role.",
		svc("datapipeline.amazonaws.com", "elasticmapreduce.amazonaws.com"), acts("datapipeline:CreatePipeline", "datapipeline:PutPipelineDefinition", "datapipeline:ActivatePipeline"),
		pf, "datapipeline-001", cs, "PassExistingRoleToNewDataPipeline", pr, "PassRole+DataPipeline", pa, "PassExistingRoleToNewDataPipeline", rh, "22"),
	passRole("ec2-001", "Pass a role to a new EC2 instance", "Launch an instance with an instance profile for the passed role and read its credentials from the instance.",
		svc(ec2), acts("ec2:RunInstances"), pf, "ec2-001", cs, "CreateEC2WithExistingIP", pr, "PassRole+EC2", pa, "CreateEC2WithExistingIP", rh, "3"),
	passRole("ec2-003", "Pass a role to a new Spot Instance", "Request a Spot Instance with an instance profile for the passed role.",
		svc(ec2), acts("ec2:RequestSpotInstances"), pf, "ec2-003", cs, "PassExistingRoleToNewEC2SpotInstance", pr, "PassRole+EC2SpotInstances"),
	passRole("autoscaling-create", "Pass a role to a new Auto Scaling group", "Create a launch configuration with the passed role's instance profile and an Auto Scaling group that launches it.",
		svc(ec2), acts("autoscaling:CreateLaunchConfiguration", "autoscaling:CreateAutoScalingGroup"), pr, "PassRole+CreateAutoScaling"),
	passRole("autoscaling-update", "Pass a role to an existing Auto Scaling group", "Create a launch configuration with the passed role's instance profile and switch an Auto Scaling group to it.",
		svc(ec2), acts("autoscaling:CreateLaunchConfiguration", "autoscaling:UpdateAutoScalingGroup"), pr, "PassRole+UpdateAutoScaling"),
	passRole("ecs-001", "Pass a role to a new ECS service in a new cluster", "Create a cluster, register a task definition with the passed role as task role, and run it as a service.",
		svc("ecs-tasks.amazonaws.com"), acts("ecs:CreateCluster", "ecs:RegisterTaskDefinition", "ecs:CreateService"), pf, "ecs-001", cs, "PassExistingRoleToNewECSClusterServiceTask"),
	passRole("ecs-002", "Pass a role to a new ECS task in a new cluster", "Create a cluster, register a task definition with the passed role, and run the task.",
		svc("ecs-tasks.amazonaws.com"), acts("ecs:CreateCluster", "ecs:RegisterTaskDefinition", "ecs:RunTask"), pf, "ecs-002", cs, "PassExistingRoleToNewECSClusterRunTask"),
	passRole("ecs-003", "Pass a role to a new ECS service", "Register a task definition with the passed role and run it as a service in an existing cluster.",
		svc("ecs-tasks.amazonaws.com"), acts("ecs:RegisterTaskDefinition", "ecs:CreateService"), pf, "ecs-003", cs, "PassExistingRoleToNewECSService", pr, "PassRole+ECS+RegisterTaskDef+CreateService"),
	passRole("ecs-004", "Pass a role to a new ECS task (RunTask)", "Register a task definition with the passed role and run it in an existing cluster.",
		svc("ecs-tasks.amazonaws.com"), acts("ecs:RegisterTaskDefinition", "ecs:RunTask"), pf, "ecs-004", cs, "PassExistingRoleToNewECSTaskViaRunTask", pr, "PassRole+ECS+RegisterTaskDef+RunTask"),
	passRole("ecs-005", "Pass a role to a new ECS task (StartTask)", "Register a task definition with the passed role and start it on a container instance.",
		svc("ecs-tasks.amazonaws.com"), acts("ecs:RegisterTaskDefinition", "ecs:StartTask"), pf, "ecs-005", cs, "PassExistingRoleToNewECSTaskViaStartTask", pr, "PassRole+ECS+RegisterTaskDef+StartTask"),
	passRole("ecs-run-task-override", "Override the task role of an ECS RunTask", "Run an existing task definition with the passed role given as a task-role override.",
		svc("ecs-tasks.amazonaws.com"), acts("ecs:RunTask"), pr, "PassRole+ECS+RunTask"),
	passRole("ecs-start-task-override", "Override the task role of an ECS StartTask", "Start an existing task definition on a container instance with the passed role as a task-role override.",
		svc("ecs-tasks.amazonaws.com"), acts("ecs:StartTask"), pr, "PassRole+ECSStartTaskExistingCluster", pr, "PassRole+ECS+StartTask"),
	passRole("emr-run-job-flow", "Pass a role to a new EMR cluster", "Launch an EMR cluster whose instances run as the passed role and submit steps to it.",
		svc(ec2, "elasticmapreduce.amazonaws.com"), acts("elasticmapreduce:RunJobFlow"), pr, "PassRole+EMRRunJobFlow"),
	passRole("emr-serverless", "Pass a role to a new EMR Serverless job", "Create an EMR Serverless application and run a job with the passed role as its runtime role.",
		svc("emr-serverless.amazonaws.com"), acts("emr-serverless:CreateApplication", "emr-serverless:StartJobRun"), pr, "PassRole+EMRServerlessCreateApp+StartJobRun"),
	passRole("gamelift-fleet", "Pass a role to a new GameLift fleet", "Upload a build and create a GameLift fleet whose instances run as the passed role.",
		svc("gamelift.amazonaws.com"), acts("gamelift:RequestUploadCredentials", "gamelift:CreateBuild", "gamelift:CreateFleet"), pr, "PassRole+GameLiftCreateBuild+CreateFleet"),
	passRole("glue-001", "Pass a role to a new Glue development endpoint", "Create a Glue development endpoint with the passed role and log in to it over SSH.",
		svc("glue.amazonaws.com"), acts("glue:CreateDevEndpoint"), pf, "glue-001", cs, "PassExistingRoleToNewGlueDevEndpoint", pr, "PassRole+GlueCreateDevEndpoint", pa, "PassExistingRoleToNewGlueDevEndpoint", rh, "19"),
	passRole("glue-003", "Pass a role to a new Glue job, then run it", "Create a Glue job with the passed role and start a run.",
		svc("glue.amazonaws.com"), acts("glue:CreateJob", "glue:StartJobRun"), pf, "glue-003", cs, "PassExistingRoleToNewGlueJobThenRun", pr, "PassRole+GlueCreateJob+StartJobRun"),
	passRole("glue-004", "Pass a role to a new Glue job, run by a trigger", "Create a Glue job with the passed role and a trigger that starts it.",
		svc("glue.amazonaws.com"), acts("glue:CreateJob", "glue:CreateTrigger"), pf, "glue-004", cs, "PassExistingRoleToNewGlueJobViaTrigger", pr, "PassRole+GlueCreateJob+CreateTrigger"),
	passRole("glue-005", "Pass a role to an existing Glue job, then run it", "Update a Glue job to use the passed role and the attacker's script, and start a run.",
		svc("glue.amazonaws.com"), acts("glue:UpdateJob", "glue:StartJobRun"), pf, "glue-005", cs, "PassExistingRoleToUpdatedGlueJobThenRun", pr, "PassRole+GlueUpdateJob+StartJobRun"),
	passRole("glue-006", "Pass a role to an existing Glue job, run by a trigger", "Update a Glue job to use the passed role and create a trigger that starts it.",
		svc("glue.amazonaws.com"), acts("glue:UpdateJob", "glue:CreateTrigger"), pf, "glue-006", cs, "PassExistingRoleToUpdatedGlueJobViaTrigger", pr, "PassRole+GlueUpdateJob+CreateTrigger"),
	passRole("glue-interactive-session", "Pass a role to a new Glue interactive session", "Create a Glue interactive session with the passed role and run statements in it.",
		svc("glue.amazonaws.com"), acts("glue:CreateSession", "glue:RunStatement"), pr, "PassRole+GlueCreateSession+RunStatement"),
	passRole("imagebuilder-image", "Pass a role to an Image Builder build", "Create an infrastructure configuration with the passed role's instance profile and build an image running the attacker's component.",
		svc(ec2), acts("imagebuilder:CreateComponent", "imagebuilder:CreateImageRecipe", "imagebuilder:CreateInfrastructureConfiguration", "imagebuilder:CreateImage"),
		pr, "PassRole+ImageBuilderCreateComponent+CreateImage"),
	passRole("kinesisanalytics-app", "Pass a role to a new Kinesis Data Analytics application", "Create and start a Managed Flink application that runs as the passed role.",
		svc("kinesisanalytics.amazonaws.com"), acts("kinesisanalytics:CreateApplication", "kinesisanalytics:StartApplication"), pr, "PassRole+KinesisAnalyticsCreateApp+StartApp"),
	passRole("lambda-001", "Pass a role to a new Lambda function, then invoke it", "Create a function with the passed role as execution role and invoke it.",
		svc("lambda.amazonaws.com"), acts("lambda:CreateFunction", "lambda:InvokeFunction"), pf, "lambda-001", cs, "PassExistingRoleToNewLambdaThenInvoke", pr, "PassRole+CreateLambda+Invoke", pa, "PassExistingRoleToNewLambdaThenInvoke", rh, "15"),
	passRole("lambda-002", "Pass a role to a new Lambda function, triggered by an event source", "Create a function with the passed role and an event source mapping (a DynamoDB stream, a queue) that invokes it.",
		svc("lambda.amazonaws.com"), acts("lambda:CreateFunction", "lambda:CreateEventSourceMapping"),
		pf, "lambda-002", cs, "PassExistingRoleToNewLambdaThenTriggerWithExistingDynamo", cs, "PassExistingRoleToNewLambdaThenTriggerWithNewDynamo",
		pr, "PassRole+CreateLambda+ExistingDynamo", pr, "PassRole+CreateLambda+NewDynamo",
		pa, "PassExistingRoleToNewLambdaThenTriggerWithExistingDynamo", pa, "PassExistingRoleToNewLambdaThenTriggerWithNewDynamo", rh, "17"),
	passRole("lambda-006", "Pass a role to a new Lambda function, invoked through a resource policy", "Create a function with the passed role and add a resource policy that lets the attacker (or another account) invoke it.",
		svc("lambda.amazonaws.com"), acts("lambda:CreateFunction", "lambda:AddPermission"), pf, "lambda-006", cs, "PassExistingRoleToNewLambdaThenAddPermission", pr, "PassRole+CreateLambda+AddPermission", rh, "16"),
	passRole("omics-workflow", "Pass a role to a new HealthOmics workflow run", "Create a HealthOmics workflow and start a run with the passed role.",
		svc("omics.amazonaws.com"), acts("omics:CreateWorkflow", "omics:StartRun", "s3:GetObject"), pr, "PassRole+OmicsCreateWorkflow+StartRun"),
	passRole("sagemaker-001", "Pass a role to a new SageMaker notebook instance", "Create a notebook instance with the passed role and open it.",
		svc("sagemaker.amazonaws.com"), acts("sagemaker:CreateNotebookInstance"), pf, "sagemaker-001", cs, "PassExistingRoleToNewSageMakerNotebookInstance", pr, "PassRole+SageMakerCreateNotebookInstance", rh, "27"),
	passRole("sagemaker-002", "Pass a role to a new SageMaker training job", "Create a training job whose container runs as the passed role.",
		svc("sagemaker.amazonaws.com"), acts("sagemaker:CreateTrainingJob"), pf, "sagemaker-002", cs, "PassExistingRoleToNewSageMakerTrainingJob", pr, "PassRole+SageMakerCreateTrainingJob"),
	passRole("sagemaker-003", "Pass a role to a new SageMaker processing job", "Create a processing job whose container runs as the passed role.",
		svc("sagemaker.amazonaws.com"), acts("sagemaker:CreateProcessingJob"), pf, "sagemaker-003", cs, "PassExistingRoleToNewSageMakerProcessingJob", pr, "PassRole+SageMakerCreateProcessingJob"),
	passRole("scheduler-schedule", "Pass a role to a new EventBridge schedule", "Create an EventBridge Scheduler schedule that calls any API as the passed role.",
		svc("scheduler.amazonaws.com"), acts("scheduler:CreateSchedule"), pr, "PassRole+SchedulerCreateSchedule"),
	passRole("ssm-automation", "Pass a role to a new SSM Automation document", "Create an Automation document and run it with the passed role as its assume role.",
		svc("ssm.amazonaws.com"), acts("ssm:CreateDocument", "ssm:StartAutomationExecution"), pr, "PassRole+SSMCreateDocument+StartAutomation"),
	passRole("stepfunctions-create", "Pass a role to a new Step Functions state machine", "Create a state machine with the passed role whose tasks call any API, and start it.",
		svc("states.amazonaws.com"), acts("states:CreateStateMachine", "states:StartExecution"), pr, "PassRole+StepFunctionsCreateStateMachine+StartExecution"),

	// --- Existing PassRole: run code inside something that already has a role.
	existing("apprunner-002", "Change an existing App Runner service", "Update an App Runner service (image, start command) so that it runs the attacker's code as its role.",
		svc("tasks.apprunner.amazonaws.com"), acts("apprunner:UpdateService"), pf, "apprunner-002", pr, "AppRunnerUpdateService"),
	existing("bedrock-002", "Use an existing AgentCore code interpreter", "Start a session on an existing code interpreter and run code as its role.",
		svc("bedrock-agentcore.amazonaws.com"), acts("bedrock-agentcore:StartCodeInterpreterSession", "bedrock-agentcore:InvokeCodeInterpreter"),
		pf, "bedrock-002", cs, "AccessExistingBedrockCodeInterpreterSession", pr, "AgentCoreSessionInvoke"),
	existing("bedrock-runtime-command", "Run a command in an existing AgentCore runtime", "Invoke a shell command in an existing agent runtime, which runs as its role.",
		svc("bedrock-agentcore.amazonaws.com"), acts("bedrock-agentcore:InvokeAgentRuntimeCommand"), pr, "AgentCoreInvokeRuntimeCommand"),
	existing("bedrock-browser-session", "Drive an existing AgentCore browser", "Start a session on an existing browser tool and drive it as its role.",
		svc("bedrock-agentcore.amazonaws.com"), acts("bedrock-agentcore:StartBrowserSession", "bedrock-agentcore:ConnectBrowserAutomationStream"), pr, "AgentCoreBrowserSessionConnect"),
	existing("batch-submit-job", "Submit a job to an existing Batch job definition", "Submit a job with a command override to a job definition that runs as a role.",
		svc("ecs-tasks.amazonaws.com"), acts("batch:SubmitJob"), pr, "BatchSubmitJob"),
	existing("cloudformation-002", "Update an existing CloudFormation stack", "Update a stack that has a service role, with a template that creates what the attacker wants.",
		svc("cloudformation.amazonaws.com"), acts("cloudformation:UpdateStack"), pf, "cloudformation-002", pr, "CloudFormationUpdateStack"),
	existing("cloudformation-005", "Change an existing stack through a change set", "Create and execute a change set on a stack that has a service role.",
		svc("cloudformation.amazonaws.com"), acts("cloudformation:CreateChangeSet", "cloudformation:ExecuteChangeSet"), pf, "cloudformation-005", cs, "ExecuteCloudFormationChangeSet", pr, "CloudFormationChangeSet"),
	existing("codebuild-002", "Start a build of an existing CodeBuild project", "Start a build with a buildspec override on a project that has a service role.",
		svc("codebuild.amazonaws.com"), acts("codebuild:StartBuild"), pf, "codebuild-002", pr, "CodeBuildStartBuild"),
	existing("codebuild-003", "Start a batch build of an existing CodeBuild project", "As codebuild-002, with a batch build.",
		svc("codebuild.amazonaws.com"), acts("codebuild:StartBuildBatch"), pf, "codebuild-003", pr, "CodeBuildStartBuildBatch"),
	existing("codedeploy-deployment", "Deploy to existing CodeDeploy instances", "Register a revision and deploy it to instances, whose deployment hooks run as the instances' roles.",
		svc(ec2), acts("codedeploy:RegisterApplicationRevision", "codedeploy:GetDeploymentConfig", "codedeploy:CreateDeployment"), pr, "CodeDeployCreateDeployment"),
	existing("ec2-002", "Change an instance's user data and restart it", "Stop an instance, replace its user data with a script, and start it again: the script runs with the instance's role.",
		svc(ec2), acts("ec2:ModifyInstanceAttribute", "ec2:StopInstances", "ec2:StartInstances"), pf, "ec2-002", cs, "ModifyEC2InstanceUserDataThenRestart", pr, "EC2ModifyInstanceAttribute"),
	existing("ec2-004", "Add a version to an existing launch template", "Add a launch template version with a script and make it the default: new instances run it with the template's role.",
		svc(ec2), acts("ec2:CreateLaunchTemplateVersion", "ec2:ModifyLaunchTemplate"), pf, "ec2-004", cs, "ModifyExistingEC2LaunchTemplate", pr, "EC2ModifyLaunchTemplate"),
	existing("ec2instanceconnect-003", "Log in to an instance with EC2 Instance Connect", "Push an SSH key with EC2 Instance Connect, log in and read the instance role's credentials.",
		svc(ec2), acts("ec2-instance-connect:SendSSHPublicKey", "ec2:DescribeInstances"), pf, "ec2instanceconnect-003", cs, "EC2InstanceConnectSendSSHPublicKey", pr, "EC2InstanceConnect+SendSSHPublicKey"),
	existing("ecs-execute-command", "Run a command in a running ECS task", "Open ECS Exec in a running task and read its task role's credentials.",
		svc("ecs-tasks.amazonaws.com"), acts("ecs:ExecuteCommand", "ecs:DescribeTasks"), cs, "ECSExecuteCommandOnRunningTask", pr, "ECS+ExecuteCommand"),
	existing("glue-002", "Add an SSH key to an existing Glue development endpoint", "Update a development endpoint's public key and log in to it.",
		svc("glue.amazonaws.com"), acts("glue:UpdateDevEndpoint"), pf, "glue-002", cs, "UpdateExistingGlueDevEndpoint", pr, "GlueUpdateDevEndpoint", pa, "UpdateExistingGlueDevEndpoint", rh, "20"),
	existing("lambda-003", "Replace the code of an existing Lambda function", "Upload new code to a function; it runs with the function's role the next time it is invoked.",
		svc("lambda.amazonaws.com"), acts("lambda:UpdateFunctionCode"), pf, "lambda-003", cs, "EditExistingLambdaFunctionWithRole", pr, "lambda:UpdateFunctionCode", pa, "EditExistingLambdaFunctionWithRole", rh, "18"),
	existing("lambda-004", "Replace a Lambda function's code and invoke it", "Upload new code to a function and invoke it at once.",
		svc("lambda.amazonaws.com"), acts("lambda:UpdateFunctionCode", "lambda:InvokeFunction"), pf, "lambda-004", cs, "UpdateAndInvokeLambdaFunction", pr, "UpdateFunctionCode+InvokeFunction"),
	existing("lambda-005", "Replace a Lambda function's code and open it to invocation", "Upload new code to a function and add a resource policy that lets the attacker invoke it.",
		svc("lambda.amazonaws.com"), acts("lambda:UpdateFunctionCode", "lambda:AddPermission"), pf, "lambda-005", cs, "UpdateLambdaFunctionAndAddPermission", pr, "UpdateFunctionCode+AddPermission"),
	existing("lambda-update-config", "Add a layer to an existing Lambda function", "Attach a layer carrying the attacker's code (or change the runtime settings) of a function; it runs with the function's role.",
		svc("lambda.amazonaws.com"), acts("lambda:UpdateFunctionConfiguration"), pr, "lambda:UpdateFunctionConfiguration", rh, "26"),
	existing("sagemaker-004", "Open an existing SageMaker notebook", "Create a presigned URL for a notebook instance and run code in it with its role.",
		svc("sagemaker.amazonaws.com"), acts("sagemaker:CreatePresignedNotebookInstanceUrl"), pf, "sagemaker-004", cs, "CreatePresignedSageMakerNotebookUrl", pr, "SageMakerCreatePresignedNotebookInstanceUrl", rh, "28"),
	existing("sagemaker-005", "Add a lifecycle script to an existing notebook", "Attach a lifecycle configuration with a script to a notebook instance and restart it.",
		svc("sagemaker.amazonaws.com"), acts("sagemaker:CreateNotebookInstanceLifecycleConfig", "sagemaker:StopNotebookInstance", "sagemaker:UpdateNotebookInstance", "sagemaker:StartNotebookInstance"),
		pf, "sagemaker-005", cs, "UpdateSageMakerNotebookLifecycleConfig", pr, "SageMakerNotebookLifecycleConfig"),
	existing("ssm-001", "Open an SSM session on an instance", "Start a Session Manager shell on an instance and read its role's credentials.",
		svc(ec2), acts("ssm:StartSession"), pf, "ssm-001", pr, "SSMStartSession"),
	existing("ssm-002", "Run a command on an instance through SSM", "Send a Run Command document to an instance; it runs with the instance's role.",
		svc(ec2), acts("ssm:SendCommand"), pf, "ssm-002", pr, "SSMSendCommand"),
	existing("stepfunctions-update", "Change an existing state machine and start it", "Update a state machine's definition to call any API with its role, and start an execution.",
		svc("states.amazonaws.com"), acts("states:UpdateStateMachine", "states:StartExecution"), pr, "StepFunctionsUpdateStateMachine+StartExecution"),

	// --- Methods with no target the snapshot shows.
	{ID: "codestar-project-from-template", Name: "Create a CodeStar project from a template", Category: SelfEscalation,
		Summary: "CodeStar creates the project's resources, including IAM policies attached to the caller, with its own service role.",
		Steps:   any_("codestar:CreateProjectFromTemplate"), Target: TargetNone, Sources: refs(rh, "23"), Retired: codestarGone},
	{ID: "codestar-associate-team-member", Name: "Create a CodeStar project and join it as owner", Category: SelfEscalation,
		Summary: "Create a CodeStar project and associate the caller as owner, which attaches the project's owner policy to it.",
		Steps:   any_("codestar:CreateProject", "codestar:AssociateTeamMember"), Target: TargetNone, Sources: refs(rh, "25"), Retired: codestarGone},
	{ID: "sso-permission-set-managed", Name: "Attach a managed policy to an Identity Center permission set", Category: IdentityCenter,
		Summary: "Attach AdministratorAccess to a permission set (and assign it): everyone holding it, possibly the attacker, becomes administrator in its accounts.",
		Steps:   any_("sso:AttachManagedPolicyToPermissionSet"), Target: TargetIdentityCenter,
		Sources: refs(pr, "sso:AttachManagedPolicyToPermissionSet", pr, "SSOCreatePermissionSet+CreateAccountAssignment+AttachManagedPolicy")},
	{ID: "sso-permission-set-inline", Name: "Put an inline policy on an Identity Center permission set", Category: IdentityCenter,
		Summary: "Put an inline policy granting anything on a permission set.",
		Steps:   any_("sso:PutInlinePolicyToPermissionSet"), Target: TargetIdentityCenter, Sources: refs(pr, "sso:PutInlinePolicyToPermissionSet")},
})

const codestarGone = "AWS discontinued CodeStar on 31 July 2024: projects can no longer be created"

func (m Method) retired(why string) Method { m.Retired = why; return m }

func sortMethods(ms []Method) []*Method {
	out := make([]*Method, len(ms))
	for i := range ms {
		out[i] = &ms[i]
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].ID < out[j-1].ID; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// ActiveMethods counts the methods that are checked (not retired).
func ActiveMethods() int {
	n := 0
	for _, m := range Methods {
		if m.Retired == "" {
			n++
		}
	}
	return n
}

// MethodByID finds a method of the catalogue.
func MethodByID(id string) *Method {
	for _, m := range Methods {
		if m.ID == id {
			return m
		}
	}
	return nil
}
