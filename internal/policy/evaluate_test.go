package policy

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
)

// Sources cited by the cases (AWS documentation titles):
const (
	srcLogic     = "IAM UG: Policy evaluation logic"
	srcCross     = "IAM UG: Cross-account policy evaluation logic"
	srcAction    = "IAM UG: IAM JSON policy elements: Action (names are case-insensitive)"
	srcNotAction = "IAM UG: IAM JSON policy elements: NotAction"
	srcResource  = "IAM UG: IAM JSON policy elements: Resource"
	srcNotRes    = "IAM UG: IAM JSON policy elements: NotResource"
	srcPrincipal = "IAM UG: IAM JSON policy elements: Principal"
	srcNotPrinc  = "IAM UG: IAM JSON policy elements: NotPrincipal"
	srcBoundary  = "IAM UG: Permissions boundaries for IAM entities"
	srcSCP       = "Organizations UG: SCP evaluation"
	srcCond      = "IAM UG: IAM JSON policy elements: Condition (keys AND, values OR, keys case-insensitive)"
	srcOps       = "IAM UG: IAM JSON policy elements: Condition operators"
	srcMulti     = "IAM UG: Set operators for multivalued context keys"
	srcVars      = "IAM UG: IAM policy elements: Variables and tags"
	srcVersion   = "IAM UG: IAM JSON policy elements: Version"
	srcMFA       = "IAM UG: Configuring MFA-protected API access (BoolIfExists)"
)

// D builds a 2012-10-17 document from statements.
func D(stmts ...string) string {
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`
}

// S builds a statement; action and resource are JSON values (a quoted
// string or a list), extra is more JSON members such as a Condition.
func S(effect, action, resource string, extra ...string) string {
	parts := []string{fmt.Sprintf(`"Effect":%q`, effect)}
	if action != "" {
		parts = append(parts, action)
	}
	if resource != "" {
		parts = append(parts, resource)
	}
	parts = append(parts, extra...)
	return "{" + strings.Join(parts, ",") + "}"
}

func A(v string) string  { return `"Action":` + q(v) }
func NA(v string) string { return `"NotAction":` + q(v) }
func R(v string) string  { return `"Resource":` + q(v) }
func NR(v string) string { return `"NotResource":` + q(v) }
func C(v string) string  { return `"Condition":` + v }
func P(v string) string  { return `"Principal":` + v }
func NP(v string) string { return `"NotPrincipal":` + v }
func q(v string) string {
	if strings.HasPrefix(v, "[") {
		return v
	}
	return fmt.Sprintf("%q", v)
}

const (
	user   = "arn:aws:iam::111122223333:user/alice"
	other  = "arn:aws:iam::444455556666:user/mallory"
	obj    = "arn:aws:s3:::bucket/key"
	role   = "arn:aws:iam::111122223333:role/app"
	allAll = `{"Effect":"Allow","Action":"*","Resource":"*"}`
)

type evalCase struct {
	name     string
	src      string
	id       []string
	boundary []string
	hasBound bool
	scps     [][]string
	res      []string
	req      Request
	want     Decision
	depends  []string // keys the ConditionallyAllowed answer must name
}

func rq(action, resource string) Request { return Request{Action: action, Resource: resource} }
func rqp(principal, action, resource string) Request {
	return Request{Principal: principal, Action: action, Resource: resource}
}
func rqc(action, resource string, ctx map[string][]string) Request {
	return Request{Action: action, Resource: resource, Context: ctx, ClosedContext: true}
}
func kv(pairs ...string) map[string][]string {
	m := map[string][]string{}
	for i := 0; i+1 < len(pairs); i += 2 {
		m[pairs[i]] = append(m[pairs[i]], pairs[i+1])
	}
	return m
}

var coreCases = []evalCase{
	// --- basic allow / deny ---
	{name: "no policies", src: srcLogic + " — default implicit deny", req: rq("s3:GetObject", obj), want: ImplicitDeny},
	{name: "allow matches", src: srcLogic, id: []string{D(S("Allow", A("s3:GetObject"), R(obj)))}, req: rq("s3:GetObject", obj), want: Allowed},
	{name: "allow other action", src: srcLogic, id: []string{D(S("Allow", A("s3:PutObject"), R(obj)))}, req: rq("s3:GetObject", obj), want: ImplicitDeny},
	{name: "deny overrides allow, same policy", src: srcLogic + " — explicit deny overrides allow", id: []string{D(allAll, S("Deny", A("s3:GetObject"), R("*")))}, req: rq("s3:GetObject", obj), want: ExplicitDeny},
	{name: "deny overrides allow, other policy", src: srcLogic + " — explicit deny overrides allow", id: []string{D(allAll), D(S("Deny", A("s3:*"), R("*")))}, req: rq("s3:GetObject", obj), want: ExplicitDeny},
	{name: "deny of other action", src: srcLogic, id: []string{D(allAll, S("Deny", A("s3:PutObject"), R("*")))}, req: rq("s3:GetObject", obj), want: Allowed},
	{name: "deny of other resource", src: srcLogic, id: []string{D(allAll, S("Deny", A("s3:GetObject"), R("arn:aws:s3:::other/*")))}, req: rq("s3:GetObject", obj), want: Allowed},
	{name: "deny without allow", src: srcLogic, id: []string{D(S("Deny", A("s3:GetObject"), R("*")))}, req: rq("s3:GetObject", obj), want: ExplicitDeny},
	{name: "invalid effect ignored", src: srcLogic + " (IAM refuses an Effect other than Allow or Deny)", id: []string{D(S("allow", A("*"), R("*")))}, req: rq("s3:GetObject", obj), want: ImplicitDeny},
	{name: "statement as single object", src: srcLogic, id: []string{`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}`}, req: rq("s3:GetObject", obj), want: Allowed},

	// --- Action ---
	{name: "action case-insensitive in policy", src: srcAction, id: []string{D(S("Allow", A("S3:getobject"), R("*")))}, req: rq("s3:GetObject", obj), want: Allowed},
	{name: "action case-insensitive in request", src: srcAction, id: []string{D(S("Allow", A("s3:GetObject"), R("*")))}, req: rq("S3:GETOBJECT", obj), want: Allowed},
	{name: "action prefix wildcard", src: srcAction, id: []string{D(S("Allow", A("s3:Get*"), R("*")))}, req: rq("s3:GetObject", obj), want: Allowed},
	{name: "action prefix wildcard miss", src: srcAction, id: []string{D(S("Allow", A("s3:Get*"), R("*")))}, req: rq("s3:PutObject", obj), want: ImplicitDeny},
	{name: "action single-char wildcard", src: srcAction, id: []string{D(S("Allow", A("s3:GetObjec?"), R("*")))}, req: rq("s3:GetObject", obj), want: Allowed},
	{name: "action list", src: srcAction, id: []string{D(S("Allow", A(`["ec2:RunInstances","s3:GetObject"]`), R("*")))}, req: rq("s3:GetObject", obj), want: Allowed},
	{name: "action star", src: srcAction, id: []string{D(S("Allow", A("*"), R("*")))}, req: rq("iam:CreateUser", "arn:aws:iam::111122223333:user/x"), want: Allowed},
	{name: "action service does not leak", src: srcAction, id: []string{D(S("Allow", A("s3:*"), R("*")))}, req: rq("s3express:CreateSession", "*"), want: ImplicitDeny},
	{name: "action not in catalogue still matched", src: srcAction, id: []string{D(S("Allow", A("newsvc:*"), R("*")))}, req: rq("newsvc:DoThing", "*"), want: Allowed},

	// --- NotAction ---
	{name: "allow NotAction covers others", src: srcNotAction + " with Allow", id: []string{D(S("Allow", NA("iam:*"), R("*")))}, req: rq("s3:GetObject", obj), want: Allowed},
	{name: "allow NotAction excludes listed", src: srcNotAction + " with Allow", id: []string{D(S("Allow", NA("iam:*"), R("*")))}, req: rq("iam:CreateUser", "*"), want: ImplicitDeny},
	{name: "allow NotAction case-insensitive", src: srcNotAction + "; " + srcAction, id: []string{D(S("Allow", NA("IAM:*"), R("*")))}, req: rq("iam:createuser", "*"), want: ImplicitDeny},
	{name: "deny NotAction denies others", src: srcNotAction + " with Deny", id: []string{D(allAll, S("Deny", NA("s3:*"), R("*")))}, req: rq("iam:CreateUser", "*"), want: ExplicitDeny},
	{name: "deny NotAction spares listed", src: srcNotAction + " with Deny", id: []string{D(allAll, S("Deny", NA("s3:*"), R("*")))}, req: rq("s3:GetObject", obj), want: Allowed},
	{name: "allow NotAction list", src: srcNotAction, id: []string{D(S("Allow", NA(`["iam:*","organizations:*"]`), R("*")))}, req: rq("organizations:LeaveOrganization", "*"), want: ImplicitDeny},
	{name: "allow NotAction of unknown action", src: srcNotAction, id: []string{D(S("Allow", NA("s3:nonexistent"), R("*")))}, req: rq("iam:CreateUser", "*"), want: Allowed},

	// --- Resource / NotResource ---
	{name: "resource exact", src: srcResource, id: []string{D(S("Allow", A("s3:GetObject"), R(obj)))}, req: rq("s3:GetObject", obj), want: Allowed},
	{name: "resource other", src: srcResource, id: []string{D(S("Allow", A("s3:GetObject"), R(obj)))}, req: rq("s3:GetObject", "arn:aws:s3:::bucket/other"), want: ImplicitDeny},
	{name: "resource wildcard", src: srcResource, id: []string{D(S("Allow", A("s3:GetObject"), R("arn:aws:s3:::bucket/*")))}, req: rq("s3:GetObject", obj), want: Allowed},
	{name: "resource wildcard not bucket itself", src: srcResource, id: []string{D(S("Allow", A("s3:ListBucket"), R("arn:aws:s3:::bucket/*")))}, req: rq("s3:ListBucket", "arn:aws:s3:::bucket"), want: ImplicitDeny},
	{name: "resource case-sensitive", src: srcResource, id: []string{D(S("Allow", A("s3:GetObject"), R("arn:aws:s3:::Bucket/*")))}, req: rq("s3:GetObject", obj), want: ImplicitDeny},
	{name: "resource list", src: srcResource, id: []string{D(S("Allow", A("s3:GetObject"), R(`["arn:aws:s3:::a/*","arn:aws:s3:::bucket/*"]`)))}, req: rq("s3:GetObject", obj), want: Allowed},
	{name: "resource segments", src: srcResource, id: []string{D(S("Allow", A("ec2:StartInstances"), R("arn:aws:ec2:*:*:instance/*")))}, req: rq("ec2:StartInstances", "arn:aws:ec2:eu-west-1:111122223333:instance/i-1"), want: Allowed},
	{name: "resource segments other type", src: srcResource, id: []string{D(S("Allow", A("ec2:*"), R("arn:aws:ec2:*:*:instance/*")))}, req: rq("ec2:DeleteVolume", "arn:aws:ec2:eu-west-1:111122223333:volume/v-1"), want: ImplicitDeny},
	{name: "literal * request matched by *", src: srcResource, id: []string{D(S("Allow", A("iam:PassRole"), R("*")))}, req: rq("iam:PassRole", "*"), want: Allowed},
	{name: "literal * request not matched by ARN", src: srcResource, id: []string{D(S("Allow", A("iam:PassRole"), R("arn:aws:iam::111122223333:role/app")))}, req: rq("iam:PassRole", "*"), want: ImplicitDeny},
	{name: "some resource: specific allow", src: srcResource, id: []string{D(S("Allow", A("iam:PassRole"), R(role)))}, req: rq("iam:PassRole", ""), want: Allowed},
	{name: "some resource: narrow deny keeps allow", src: srcResource, id: []string{D(allAll, S("Deny", A("iam:PassRole"), R(role)))}, req: rq("iam:PassRole", ""), want: Allowed},
	{name: "some resource: deny * removes", src: srcResource, id: []string{D(allAll, S("Deny", A("iam:PassRole"), R("*")))}, req: rq("iam:PassRole", ""), want: ExplicitDeny},
	{name: "allow NotResource others", src: srcNotRes + " with Allow", id: []string{D(S("Allow", A("s3:*"), NR("arn:aws:s3:::secret/*")))}, req: rq("s3:GetObject", obj), want: Allowed},
	{name: "allow NotResource excluded", src: srcNotRes + " with Allow", id: []string{D(S("Allow", A("s3:*"), NR("arn:aws:s3:::secret/*")))}, req: rq("s3:GetObject", "arn:aws:s3:::secret/x"), want: ImplicitDeny},
	{name: "allow NotResource matches literal *", src: srcNotRes + " (allows everything but the list)", id: []string{D(S("Allow", A("iam:PassRole"), NR(role)))}, req: rq("iam:PassRole", "*"), want: Allowed},
	{name: "deny NotResource denies outside", src: srcNotRes + " with Deny", id: []string{D(allAll, S("Deny", A("s3:*"), NR("arn:aws:s3:::bucket/*")))}, req: rq("s3:GetObject", "arn:aws:s3:::other/x"), want: ExplicitDeny},
	{name: "deny NotResource spares inside", src: srcNotRes + " with Deny", id: []string{D(allAll, S("Deny", A("s3:*"), NR("arn:aws:s3:::bucket/*")))}, req: rq("s3:GetObject", obj), want: Allowed},

	// --- permissions boundaries ---
	{name: "boundary and identity allow", src: srcBoundary, id: []string{D(allAll)}, boundary: []string{D(S("Allow", A("s3:*"), R("*")))}, hasBound: true, req: rq("s3:GetObject", obj), want: Allowed},
	{name: "boundary does not allow", src: srcBoundary + " — effective permissions are the intersection", id: []string{D(allAll)}, boundary: []string{D(S("Allow", A("s3:*"), R("*")))}, hasBound: true, req: rq("iam:CreateUser", "*"), want: ImplicitDeny},
	{name: "boundary alone grants nothing", src: srcBoundary, id: []string{D(S("Allow", A("ec2:*"), R("*")))}, boundary: []string{D(allAll)}, hasBound: true, req: rq("s3:GetObject", obj), want: ImplicitDeny},
	{name: "boundary deny", src: srcBoundary + "; " + srcLogic, id: []string{D(allAll)}, boundary: []string{D(allAll, S("Deny", A("iam:*"), R("*")))}, hasBound: true, req: rq("iam:CreateUser", "*"), want: ExplicitDeny},
	{name: "empty boundary", src: srcBoundary, id: []string{D(allAll)}, hasBound: true, req: rq("s3:GetObject", obj), want: ImplicitDeny},
	{name: "boundary NotAction", src: srcBoundary + "; " + srcNotAction, id: []string{D(allAll)}, boundary: []string{D(S("Allow", NA("iam:*"), R("*")))}, hasBound: true, req: rq("iam:PassRole", "*"), want: ImplicitDeny},
	{name: "boundary conditional", src: srcBoundary + "; " + srcCond, id: []string{D(allAll)}, boundary: []string{D(S("Allow", A("*"), R("*"), C(`{"StringEquals":{"aws:RequestedRegion":"eu-west-1"}}`)))}, hasBound: true, req: rq("s3:GetObject", obj), want: ConditionallyAllowed, depends: []string{"aws:RequestedRegion"}},

	// --- SCPs ---
	{name: "SCP full access", src: srcSCP, id: []string{D(S("Allow", A("s3:*"), R("*")))}, scps: [][]string{{D(allAll)}}, req: rq("s3:GetObject", obj), want: Allowed},
	{name: "SCP does not allow", src: srcSCP + " — an SCP must allow", id: []string{D(allAll)}, scps: [][]string{{D(S("Allow", A("s3:*"), R("*")))}}, req: rq("iam:CreateUser", "*"), want: ImplicitDeny},
	{name: "SCP deny", src: srcSCP, id: []string{D(allAll)}, scps: [][]string{{D(allAll, S("Deny", A("iam:*"), R("*")))}}, req: rq("iam:CreateUser", "*"), want: ExplicitDeny},
	{name: "SCP levels both allow", src: srcSCP + " — every level must allow", id: []string{D(allAll)}, scps: [][]string{{D(allAll)}, {D(S("Allow", A("s3:*"), R("*")))}}, req: rq("s3:GetObject", obj), want: Allowed},
	{name: "SCP inner level blocks", src: srcSCP + " — every level must allow", id: []string{D(allAll)}, scps: [][]string{{D(allAll)}, {D(S("Allow", A("s3:*"), R("*")))}}, req: rq("ec2:RunInstances", "*"), want: ImplicitDeny},
	{name: "SCP grants nothing by itself", src: srcSCP + " — SCPs grant no permissions", scps: [][]string{{D(allAll)}}, req: rq("s3:GetObject", obj), want: ImplicitDeny},
	{name: "SCP region deny unknown", src: srcSCP + "; " + srcCond, id: []string{D(allAll)}, scps: [][]string{{D(allAll, S("Deny", A("*"), R("*"), C(`{"StringNotEquals":{"aws:RequestedRegion":["eu-west-1"]}}`)))}}, req: rq("ec2:RunInstances", "*"), want: ConditionallyAllowed, depends: []string{"aws:RequestedRegion"}},
	{name: "SCP region deny applies", src: srcSCP + "; " + srcOps, id: []string{D(allAll)}, scps: [][]string{{D(allAll, S("Deny", A("*"), R("*"), C(`{"StringNotEquals":{"aws:RequestedRegion":["eu-west-1"]}}`)))}}, req: rqc("ec2:RunInstances", "*", kv("aws:RequestedRegion", "us-east-1")), want: ExplicitDeny},
	{name: "SCP region deny spares", src: srcSCP + "; " + srcOps, id: []string{D(allAll)}, scps: [][]string{{D(allAll, S("Deny", A("*"), R("*"), C(`{"StringNotEquals":{"aws:RequestedRegion":["eu-west-1"]}}`)))}}, req: rqc("ec2:RunInstances", "*", kv("aws:RequestedRegion", "eu-west-1")), want: Allowed},
	{name: "SCP deny beats resource policy", src: srcSCP + "; " + srcLogic, res: []string{D(S("Allow", A("s3:GetObject"), R(obj), P(`{"AWS":"`+user+`"}`)))}, scps: [][]string{{D(allAll, S("Deny", A("s3:*"), R("*")))}}, req: rqp(user, "s3:GetObject", obj), want: ExplicitDeny},
	{name: "SCP gap blocks resource policy", src: srcSCP + "; " + srcLogic, res: []string{D(S("Allow", A("s3:GetObject"), R(obj), P(`{"AWS":"`+user+`"}`)))}, scps: [][]string{{D(S("Allow", A("ec2:*"), R("*")))}}, req: rqp(user, "s3:GetObject", obj), want: ImplicitDeny},

	// --- resource policies and principals ---
	{name: "same-account resource policy suffices", src: srcLogic + " — resource-based policies", res: []string{D(S("Allow", A("s3:GetObject"), R(obj), P(`{"AWS":"`+user+`"}`)))}, req: rqp(user, "s3:GetObject", obj), want: Allowed},
	{name: "resource policy other principal", src: srcPrincipal, res: []string{D(S("Allow", A("s3:GetObject"), R(obj), P(`{"AWS":"arn:aws:iam::111122223333:user/bob"}`)))}, req: rqp(user, "s3:GetObject", obj), want: ImplicitDeny},
	{name: "resource policy deny beats identity allow", src: srcLogic, id: []string{D(allAll)}, res: []string{D(S("Deny", A("s3:*"), R("*"), P(`"*"`)))}, req: rqp(user, "s3:GetObject", obj), want: ExplicitDeny},
	{name: "identity allow with silent resource policy", src: srcLogic, id: []string{D(allAll)}, res: []string{D(S("Allow", A("s3:GetObject"), R(obj), P(`{"AWS":"arn:aws:iam::111122223333:user/bob"}`)))}, req: rqp(user, "s3:GetObject", obj), want: Allowed},
	{name: "cross-account needs identity too", src: srcCross, res: []string{D(S("Allow", A("sqs:SendMessage"), R("*"), P(`{"AWS":"444455556666"}`)))}, req: rqp(other, "sqs:SendMessage", "arn:aws:sqs:eu-west-1:111122223333:q"), want: ImplicitDeny},
	{name: "cross-account both allow", src: srcCross, id: []string{D(S("Allow", A("sqs:*"), R("*")))}, res: []string{D(S("Allow", A("sqs:SendMessage"), R("*"), P(`{"AWS":"444455556666"}`)))}, req: rqp(other, "sqs:SendMessage", "arn:aws:sqs:eu-west-1:111122223333:q"), want: Allowed},
	{name: "cross-account identity only", src: srcCross, id: []string{D(S("Allow", A("sqs:*"), R("*")))}, res: []string{D(S("Allow", A("sqs:SendMessage"), R("*"), P(`{"AWS":"111122223333"}`)))}, req: rqp(other, "sqs:SendMessage", "arn:aws:sqs:eu-west-1:111122223333:q"), want: ImplicitDeny},
	{name: "account principal delegates to identity policies", src: srcPrincipal + " — account principals delegate to the account's identity policies", res: []string{D(S("Allow", A("sqs:SendMessage"), R("*"), P(`{"AWS":"111122223333"}`)))}, req: rqp(user, "sqs:SendMessage", "arn:aws:sqs:eu-west-1:111122223333:q"), want: ImplicitDeny},
	{name: "account principal plus identity allow", src: srcPrincipal + " — account principals delegate to the account's identity policies", id: []string{D(S("Allow", A("sqs:*"), R("*")))}, res: []string{D(S("Allow", A("sqs:SendMessage"), R("*"), P(`{"AWS":"111122223333"}`)))}, req: rqp(user, "sqs:SendMessage", "arn:aws:sqs:eu-west-1:111122223333:q"), want: Allowed},
	{name: "root ARN principal trust needs identity allow", src: srcPrincipal + " — account principals delegate to the account's identity policies", res: []string{D(S("Allow", A("sts:AssumeRole"), "", P(`{"AWS":"arn:aws:iam::111122223333:root"}`)))}, req: rqp(user, "sts:AssumeRole", role), want: ImplicitDeny},
	{name: "root ARN principal trust with identity allow", src: srcPrincipal + " — account principals delegate to the account's identity policies", id: []string{D(S("Allow", A("sts:AssumeRole"), R(role)))}, res: []string{D(S("Allow", A("sts:AssumeRole"), "", P(`{"AWS":"arn:aws:iam::111122223333:root"}`)))}, req: rqp(user, "sts:AssumeRole", role), want: Allowed},
	{name: "root ARN principal matches the root itself", src: srcPrincipal + " — account principals", res: []string{D(S("Allow", A("sts:AssumeRole"), "", P(`{"AWS":"111122223333"}`)))}, req: rqp("arn:aws:iam::111122223333:root", "sts:AssumeRole", role), want: Allowed},
	{name: "user ARN trust suffices in account", src: srcLogic + " — resource-based policies naming the principal", res: []string{D(S("Allow", A("sts:AssumeRole"), "", P(`{"AWS":"`+user+`"}`)))}, req: rqp(user, "sts:AssumeRole", role), want: Allowed},
	{name: "account principal deny applies", src: srcLogic + " — explicit deny", id: []string{D(allAll)}, res: []string{D(S("Deny", A("sqs:*"), R("*"), P(`{"AWS":"111122223333"}`)))}, req: rqp(user, "sqs:SendMessage", "arn:aws:sqs:eu-west-1:111122223333:q"), want: ExplicitDeny},
	{name: "wildcard principal string", src: srcPrincipal + " — anonymous / all principals", res: []string{D(S("Allow", A("s3:GetObject"), R(obj), P(`"*"`)))}, req: rqp(user, "s3:GetObject", obj), want: Allowed},
	{name: "wildcard AWS principal", src: srcPrincipal + " — all principals", res: []string{D(S("Allow", A("s3:GetObject"), R(obj), P(`{"AWS":"*"}`)))}, req: rqp(user, "s3:GetObject", obj), want: Allowed},
	{name: "role principal covers its sessions", src: srcPrincipal + " — role principals and role sessions", res: []string{D(S("Allow", A("s3:GetObject"), R(obj), P(`{"AWS":"`+role+`"}`)))}, req: rqp("arn:aws:sts::111122223333:assumed-role/app/session1", "s3:GetObject", obj), want: Allowed},
	{name: "role with path covers its sessions", src: srcPrincipal + " — role principals and role sessions", res: []string{D(S("Allow", A("s3:GetObject"), R(obj), P(`{"AWS":"arn:aws:iam::111122223333:role/team/app"}`)))}, req: rqp("arn:aws:sts::111122223333:assumed-role/app/s", "s3:GetObject", obj), want: Allowed},
	{name: "other role's session", src: srcPrincipal, res: []string{D(S("Allow", A("s3:GetObject"), R(obj), P(`{"AWS":"`+role+`"}`)))}, req: rqp("arn:aws:sts::111122223333:assumed-role/other/s", "s3:GetObject", obj), want: ImplicitDeny},
	{name: "service principal trust", src: srcPrincipal + " — service principals", res: []string{D(S("Allow", A("sts:AssumeRole"), "", P(`{"Service":"ec2.amazonaws.com"}`)))}, req: rqp("ec2.amazonaws.com", "sts:AssumeRole", role), want: Allowed},
	{name: "service principal mismatch", src: srcPrincipal + " — service principals", res: []string{D(S("Allow", A("sts:AssumeRole"), "", P(`{"Service":"ec2.amazonaws.com"}`)))}, req: rqp("lambda.amazonaws.com", "sts:AssumeRole", role), want: ImplicitDeny},
	{name: "federated principal with condition", src: srcPrincipal + " — federated principals", res: []string{D(S("Allow", A("sts:AssumeRoleWithWebIdentity"), "", P(`{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"}`), C(`{"StringLike":{"token.actions.githubusercontent.com:sub":"repo:org/app:*"}}`)))},
		req: Request{Principal: "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com", Action: "sts:AssumeRoleWithWebIdentity", Resource: role, Context: kv("token.actions.githubusercontent.com:sub", "repo:org/app:ref:refs/heads/main"), ClosedContext: true}, want: Allowed},
	{name: "federated principal other repo", src: srcPrincipal + "; " + srcOps + " — StringLike", res: []string{D(S("Allow", A("sts:AssumeRoleWithWebIdentity"), "", P(`{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"}`), C(`{"StringLike":{"token.actions.githubusercontent.com:sub":"repo:org/app:*"}}`)))},
		req: Request{Principal: "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com", Action: "sts:AssumeRoleWithWebIdentity", Resource: role, Context: kv("token.actions.githubusercontent.com:sub", "repo:evil/app:ref:refs/heads/main"), ClosedContext: true}, want: ImplicitDeny},
	{name: "NotPrincipal deny spares listed", src: srcNotPrinc + " with Deny", id: []string{D(allAll)}, res: []string{D(S("Deny", A("*"), R("*"), NP(`{"AWS":"`+user+`"}`)))}, req: rqp(user, "s3:GetObject", obj), want: Allowed},
	{name: "NotPrincipal deny hits others", src: srcNotPrinc + " with Deny", id: []string{D(allAll)}, res: []string{D(S("Deny", A("*"), R("*"), NP(`{"AWS":"`+user+`"}`)))}, req: rqp("arn:aws:iam::111122223333:user/bob", "s3:GetObject", obj), want: ExplicitDeny},
	{name: "NotPrincipal allow", src: srcNotPrinc + " with Allow", res: []string{D(S("Allow", A("s3:GetObject"), R(obj), NP(`{"AWS":"arn:aws:iam::111122223333:user/bob"}`)))}, req: rqp(user, "s3:GetObject", obj), want: Allowed},

	// --- conditions: unknown keys, AND / OR, case ---
	{name: "unknown key makes it conditional", src: srcCond + "; " + srcMFA, id: []string{D(S("Allow", A("*"), R("*"), C(`{"Bool":{"aws:MultiFactorAuthPresent":"true"}}`)))}, req: rq("iam:CreateUser", "*"), want: ConditionallyAllowed, depends: []string{"aws:MultiFactorAuthPresent"}},
	{name: "known key true", src: srcCond, id: []string{D(S("Allow", A("*"), R("*"), C(`{"Bool":{"aws:MultiFactorAuthPresent":"true"}}`)))}, req: rqc("iam:CreateUser", "*", kv("aws:MultiFactorAuthPresent", "true")), want: Allowed},
	{name: "known key false", src: srcCond, id: []string{D(S("Allow", A("*"), R("*"), C(`{"Bool":{"aws:MultiFactorAuthPresent":"true"}}`)))}, req: rqc("iam:CreateUser", "*", kv("aws:MultiFactorAuthPresent", "false")), want: ImplicitDeny},
	{name: "two keys both hold", src: srcCond + " — keys are ANDed", id: []string{D(S("Allow", A("*"), R("*"), C(`{"StringEquals":{"aws:RequestedRegion":"eu-west-1","aws:PrincipalTag/team":"red"}}`)))}, req: rqc("ec2:RunInstances", "*", kv("aws:RequestedRegion", "eu-west-1", "aws:PrincipalTag/team", "red")), want: Allowed},
	{name: "two keys one fails", src: srcCond + " — keys are ANDed", id: []string{D(S("Allow", A("*"), R("*"), C(`{"StringEquals":{"aws:RequestedRegion":"eu-west-1","aws:PrincipalTag/team":"red"}}`)))}, req: rqc("ec2:RunInstances", "*", kv("aws:RequestedRegion", "eu-west-1", "aws:PrincipalTag/team", "blue")), want: ImplicitDeny},
	{name: "two operators one fails", src: srcCond + " — operators are ANDed", id: []string{D(S("Allow", A("*"), R("*"), C(`{"StringEquals":{"aws:RequestedRegion":"eu-west-1"},"Bool":{"aws:SecureTransport":"true"}}`)))}, req: rqc("ec2:RunInstances", "*", kv("aws:RequestedRegion", "eu-west-1", "aws:SecureTransport", "false")), want: ImplicitDeny},
	{name: "values are ORed", src: srcCond + " — values are ORed", id: []string{D(S("Allow", A("*"), R("*"), C(`{"StringEquals":{"aws:RequestedRegion":["us-east-1","eu-west-1"]}}`)))}, req: rqc("ec2:RunInstances", "*", kv("aws:RequestedRegion", "eu-west-1")), want: Allowed},
	{name: "key case-insensitive", src: srcCond + " — condition key names are case-insensitive", id: []string{D(S("Allow", A("*"), R("*"), C(`{"StringEquals":{"AWS:RequestedREGION":"eu-west-1"}}`)))}, req: rqc("ec2:RunInstances", "*", kv("aws:requestedregion", "eu-west-1")), want: Allowed},
	{name: "conditional deny unknown", src: srcLogic + "; " + srcCond, id: []string{D(allAll, S("Deny", A("*"), R("*"), C(`{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}`)))}, req: rq("iam:CreateUser", "*"), want: ConditionallyAllowed, depends: []string{"aws:MultiFactorAuthPresent"}},
	{name: "conditional deny applies", src: srcLogic + "; " + srcMFA, id: []string{D(allAll, S("Deny", A("*"), R("*"), C(`{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}`)))}, req: rqc("iam:CreateUser", "*", nil), want: ExplicitDeny},
	{name: "conditional deny spared with MFA", src: srcLogic + "; " + srcMFA, id: []string{D(allAll, S("Deny", A("*"), R("*"), C(`{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}`)))}, req: rqc("iam:CreateUser", "*", kv("aws:MultiFactorAuthPresent", "true")), want: Allowed},
	{name: "unconditional allow beside conditional", src: srcLogic, id: []string{D(S("Allow", A("s3:*"), R("*"), C(`{"Bool":{"aws:SecureTransport":"true"}}`)), S("Allow", A("s3:GetObject"), R("*")))}, req: rq("s3:GetObject", obj), want: Allowed},
	{name: "two conditional allows", src: srcLogic, id: []string{D(S("Allow", A("s3:*"), R("*"), C(`{"Bool":{"aws:SecureTransport":"true"}}`)), S("Allow", A("s3:GetObject"), R("*"), C(`{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}`)))}, req: rq("s3:GetObject", obj), want: ConditionallyAllowed, depends: []string{"aws:SecureTransport", "aws:SourceIp"}},
	{name: "unknown operator never true", src: srcOps + " (IAM refuses unknown operators)", id: []string{D(S("Allow", A("*"), R("*"), C(`{"StringSortOf":{"aws:RequestedRegion":"eu-west-1"}}`)))}, req: rqc("ec2:RunInstances", "*", kv("aws:RequestedRegion", "eu-west-1")), want: ImplicitDeny},
	{name: "absent list makes key absent", src: srcOps + " — missing keys", id: []string{D(S("Allow", A("*"), R("*"), C(`{"StringEquals":{"aws:RequestedRegion":"eu-west-1"}}`)))}, req: Request{Action: "ec2:RunInstances", Resource: "*", Absent: []string{"AWS:RequestedRegion"}}, want: ImplicitDeny},
	{name: "condition known false decides despite other unknown", src: srcCond + " — keys are ANDed", id: []string{D(S("Allow", A("*"), R("*"), C(`{"StringEquals":{"aws:RequestedRegion":"eu-west-1","aws:PrincipalTag/team":"red"}}`)))}, req: Request{Action: "ec2:RunInstances", Resource: "*", Context: kv("aws:RequestedRegion", "us-east-1")}, want: ImplicitDeny},

	// --- policy variables ---
	{name: "username variable own folder", src: srcVars, id: []string{D(S("Allow", A("s3:GetObject"), R("arn:aws:s3:::home/${aws:username}/*")))}, req: rqp(user, "s3:GetObject", "arn:aws:s3:::home/alice/notes"), want: Allowed},
	{name: "username variable other folder", src: srcVars, id: []string{D(S("Allow", A("s3:GetObject"), R("arn:aws:s3:::home/${aws:username}/*")))}, req: rqp(user, "s3:GetObject", "arn:aws:s3:::home/bob/notes"), want: ImplicitDeny},
	{name: "variable unknown", src: srcVars, id: []string{D(S("Allow", A("s3:GetObject"), R("arn:aws:s3:::home/${aws:username}/*")))}, req: rq("s3:GetObject", "arn:aws:s3:::home/bob/notes"), want: ConditionallyAllowed, depends: []string{"aws:username"}},
	{name: "variable from context", src: srcVars, id: []string{D(S("Allow", A("s3:GetObject"), R("arn:aws:s3:::home/${aws:PrincipalTag/team}/*")))}, req: rqc("s3:GetObject", "arn:aws:s3:::home/red/x", kv("aws:principaltag/team", "red")), want: Allowed},
	{name: "variable absent, no default", src: srcVars + " — policy variables with no value", id: []string{D(S("Allow", A("s3:GetObject"), R("arn:aws:s3:::home/${aws:PrincipalTag/team}/*")))}, req: rqc("s3:GetObject", "arn:aws:s3:::home/red/x", nil), want: ImplicitDeny},
	{name: "variable default value", src: srcVars + " — default values", id: []string{D(S("Allow", A("s3:GetObject"), R("arn:aws:s3:::home/${aws:PrincipalTag/team, 'shared'}/*")))}, req: rqc("s3:GetObject", "arn:aws:s3:::home/shared/x", nil), want: Allowed},
	{name: "variable in condition value", src: srcVars + "; " + srcOps, id: []string{D(S("Allow", A("ec2:StopInstances"), R("*"), C(`{"StringEquals":{"aws:ResourceTag/owner":"${aws:username}"}}`)))}, req: rqc("ec2:StopInstances", "*", kv("aws:ResourceTag/owner", "alice", "aws:username", "alice")), want: Allowed},
	{name: "variable in condition value mismatch", src: srcVars + "; " + srcOps, id: []string{D(S("Allow", A("ec2:StopInstances"), R("*"), C(`{"StringEquals":{"aws:ResourceTag/owner":"${aws:username}"}}`)))}, req: rqc("ec2:StopInstances", "*", kv("aws:ResourceTag/owner", "bob", "aws:username", "alice")), want: ImplicitDeny},
	{name: "variable in StringLike value", src: srcVars + "; " + srcOps, id: []string{D(S("Allow", A("s3:ListBucket"), R("*"), C(`{"StringLike":{"s3:prefix":"home/${aws:username}/*"}}`)))}, req: rqc("s3:ListBucket", "arn:aws:s3:::b", kv("s3:prefix", "home/alice/docs", "aws:username", "alice")), want: Allowed},
	{name: "tag variable matches resource tag", src: srcVars + " — tags as policy variables", id: []string{D(S("Allow", A("ec2:*"), R("*"), C(`{"StringEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team}"}}`)))}, req: rqc("ec2:StopInstances", "*", kv("aws:ResourceTag/team", "red", "aws:PrincipalTag/team", "red")), want: Allowed},
	{name: "${*} is a literal star", src: srcVars + " — special characters", id: []string{D(S("Allow", A("s3:GetObject"), R("arn:aws:s3:::b/${*}")))}, req: rq("s3:GetObject", "arn:aws:s3:::b/anything"), want: ImplicitDeny},
	{name: "${*} matches a real star", src: srcVars + " — special characters", id: []string{D(S("Allow", A("s3:GetObject"), R("arn:aws:s3:::b/${*}")))}, req: rq("s3:GetObject", "arn:aws:s3:::b/*"), want: Allowed},
	{name: "${?} is a literal question mark", src: srcVars + " — special characters", id: []string{D(S("Allow", A("s3:GetObject"), R("arn:aws:s3:::b/${?}")))}, req: rq("s3:GetObject", "arn:aws:s3:::b/x"), want: ImplicitDeny},
	{name: "${$} is a literal dollar", src: srcVars + " — special characters", id: []string{D(S("Allow", A("s3:GetObject"), R("arn:aws:s3:::b/${$}x")))}, req: rq("s3:GetObject", "arn:aws:s3:::b/$x"), want: Allowed},
	{name: "2008-10-17 keeps variables literal", src: srcVersion + " — variables need 2012-10-17", id: []string{`{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::home/${aws:username}/*"}]}`}, req: rqp(user, "s3:GetObject", "arn:aws:s3:::home/alice/x"), want: ImplicitDeny},
	{name: "2008-10-17 literal text matches", src: srcVersion + " — variables need 2012-10-17", id: []string{`{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::home/${aws:username}/*"}]}`}, req: rqp(user, "s3:GetObject", "arn:aws:s3:::home/${aws:username}/x"), want: Allowed},
	{name: "no Version keeps variables literal", src: srcVersion + " — default version is 2008-10-17", id: []string{`{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/owner":"${aws:username}"}}}]}`}, req: rqc("s3:GetObject", obj, kv("aws:ResourceTag/owner", "alice", "aws:username", "alice")), want: ImplicitDeny},
}

// condCase is one operator check, run through Evaluate as an Allow statement
// on s3:GetObject with the condition; ctx nil means the key is absent.
type condCase struct {
	op, key, vals string
	ctx           []string
	want          bool
	src           string
}

var condCases = []condCase{
	// String operators
	{"StringEquals", "aws:PrincipalTag/team", `"red"`, []string{"red"}, true, srcOps + " — StringEquals"},
	{"StringEquals", "aws:PrincipalTag/team", `"red"`, []string{"Red"}, false, srcOps + " — StringEquals is case-sensitive"},
	{"StringEquals", "aws:PrincipalTag/team", `"r*"`, []string{"red"}, false, srcOps + " — StringEquals takes no wildcards"},
	{"StringEquals", "aws:PrincipalTag/team", `"red"`, nil, false, srcOps + " — missing key"},
	{"StringNotEquals", "aws:PrincipalTag/team", `"red"`, []string{"blue"}, true, srcOps + " — StringNotEquals"},
	{"StringNotEquals", "aws:PrincipalTag/team", `"red"`, []string{"red"}, false, srcOps + " — StringNotEquals"},
	{"StringNotEquals", "aws:PrincipalTag/team", `["red","blue"]`, []string{"blue"}, false, srcOps + " — negated operators: none may match"},
	{"StringNotEquals", "aws:PrincipalTag/team", `"red"`, nil, true, srcOps + " — negated operator with missing key is true"},
	{"StringEqualsIgnoreCase", "aws:PrincipalTag/team", `"RED"`, []string{"red"}, true, srcOps + " — StringEqualsIgnoreCase"},
	{"StringEqualsIgnoreCase", "aws:PrincipalTag/team", `"red"`, []string{"reed"}, false, srcOps + " — StringEqualsIgnoreCase"},
	{"StringNotEqualsIgnoreCase", "aws:PrincipalTag/team", `"RED"`, []string{"red"}, false, srcOps + " — StringNotEqualsIgnoreCase"},
	{"StringNotEqualsIgnoreCase", "aws:PrincipalTag/team", `"RED"`, []string{"blue"}, true, srcOps + " — StringNotEqualsIgnoreCase"},
	{"StringLike", "s3:prefix", `"home/*"`, []string{"home/alice"}, true, srcOps + " — StringLike"},
	{"StringLike", "s3:prefix", `"home/*"`, []string{"HOME/alice"}, false, srcOps + " — StringLike is case-sensitive"},
	{"StringLike", "s3:prefix", `"home/?"`, []string{"home/a"}, true, srcOps + " — StringLike single-character wildcard"},
	{"StringLike", "s3:prefix", `"home/?"`, []string{"home/ab"}, false, srcOps + " — StringLike single-character wildcard"},
	{"StringLike", "s3:prefix", `"home/*"`, nil, false, srcOps + " — missing key"},
	{"StringNotLike", "s3:prefix", `"home/*"`, []string{"home/alice"}, false, srcOps + " — StringNotLike"},
	{"StringNotLike", "s3:prefix", `"home/*"`, []string{"tmp/x"}, true, srcOps + " — StringNotLike"},
	{"StringNotLike", "s3:prefix", `"home/*"`, nil, true, srcOps + " — negated operator with missing key is true"},
	// Numeric operators
	{"NumericEquals", "s3:max-keys", `10`, []string{"10"}, true, srcOps + " — NumericEquals"},
	{"NumericEquals", "s3:max-keys", `"10"`, []string{"10.0"}, true, srcOps + " — NumericEquals compares numbers, not text"},
	{"NumericEquals", "s3:max-keys", `10`, []string{"11"}, false, srcOps + " — NumericEquals"},
	{"NumericNotEquals", "s3:max-keys", `10`, []string{"11"}, true, srcOps + " — NumericNotEquals"},
	{"NumericNotEquals", "s3:max-keys", `10`, []string{"10"}, false, srcOps + " — NumericNotEquals"},
	{"NumericLessThan", "s3:max-keys", `10`, []string{"5"}, true, srcOps + " — NumericLessThan"},
	{"NumericLessThan", "s3:max-keys", `10`, []string{"10"}, false, srcOps + " — NumericLessThan"},
	{"NumericLessThanEquals", "s3:max-keys", `10`, []string{"10"}, true, srcOps + " — NumericLessThanEquals"},
	{"NumericGreaterThan", "s3:max-keys", `10`, []string{"11"}, true, srcOps + " — NumericGreaterThan"},
	{"NumericGreaterThan", "s3:max-keys", `10`, []string{"9"}, false, srcOps + " — NumericGreaterThan"},
	{"NumericGreaterThanEquals", "s3:max-keys", `10`, []string{"10"}, true, srcOps + " — NumericGreaterThanEquals"},
	{"NumericLessThan", "s3:max-keys", `10`, []string{"many"}, false, srcOps + " — numeric operators need numbers"},
	// Date operators
	{"DateLessThan", "aws:CurrentTime", `"2021-01-01T00:00:00Z"`, []string{"2020-06-01T12:00:00Z"}, true, srcOps + " — DateLessThan"},
	{"DateGreaterThan", "aws:CurrentTime", `"2021-01-01T00:00:00Z"`, []string{"2020-06-01T12:00:00Z"}, false, srcOps + " — DateGreaterThan"},
	{"DateEquals", "aws:CurrentTime", `"2021-01-01T02:00:00+02:00"`, []string{"2021-01-01T00:00:00Z"}, true, srcOps + " — DateEquals compares instants (ISO 8601)"},
	{"DateLessThanEquals", "aws:EpochTime", `1609459200`, []string{"2021-01-01T00:00:00Z"}, true, srcOps + " — dates as epoch seconds"},
	{"DateNotEquals", "aws:CurrentTime", `"2021-01-01"`, []string{"2021-01-02T00:00:00Z"}, true, srcOps + " — DateNotEquals"},
	{"DateGreaterThanEquals", "aws:TokenIssueTime", `"2021-01-01T00:00:00Z"`, []string{"2021-01-01T00:00:00Z"}, true, srcOps + " — DateGreaterThanEquals"},
	// Bool
	{"Bool", "aws:SecureTransport", `"true"`, []string{"true"}, true, srcOps + " — Bool"},
	{"Bool", "aws:SecureTransport", `true`, []string{"false"}, false, srcOps + " — Bool"},
	{"Bool", "aws:MultiFactorAuthPresent", `"false"`, nil, false, srcMFA + " — Bool false does not match a missing key"},
	{"BoolIfExists", "aws:MultiFactorAuthPresent", `"false"`, nil, true, srcMFA + " — BoolIfExists matches a missing key"},
	// Binary
	{"BinaryEquals", "k:bin", `"QmluYXJ5VmFsdWU="`, []string{"QmluYXJ5VmFsdWU="}, true, srcOps + " — BinaryEquals (base64)"},
	{"BinaryEquals", "k:bin", `"QmluYXJ5VmFsdWU="`, []string{"T3RoZXI="}, false, srcOps + " — BinaryEquals (base64)"},
	// IP
	{"IpAddress", "aws:SourceIp", `"203.0.113.0/24"`, []string{"203.0.113.7"}, true, srcOps + " — IpAddress CIDR"},
	{"IpAddress", "aws:SourceIp", `"203.0.113.0/24"`, []string{"198.51.100.7"}, false, srcOps + " — IpAddress CIDR"},
	{"IpAddress", "aws:SourceIp", `"203.0.113.7"`, []string{"203.0.113.7"}, true, srcOps + " — IpAddress single address"},
	{"NotIpAddress", "aws:SourceIp", `["203.0.113.0/24","10.0.0.0/8"]`, []string{"198.51.100.7"}, true, srcOps + " — NotIpAddress"},
	{"NotIpAddress", "aws:SourceIp", `["203.0.113.0/24","10.0.0.0/8"]`, []string{"10.1.2.3"}, false, srcOps + " — NotIpAddress"},
	{"IpAddress", "aws:SourceIp", `"2001:db8::/32"`, []string{"2001:db8:1::5"}, true, srcOps + " — IpAddress IPv6"},
	{"IpAddress", "aws:SourceIp", `"2001:db8::/32"`, []string{"203.0.113.7"}, false, srcOps + " — IpAddress IPv6 range, IPv4 caller"},
	// ARN
	{"ArnLike", "aws:SourceArn", `"arn:aws:sns:*:111122223333:topic-*"`, []string{"arn:aws:sns:eu-west-1:111122223333:topic-a"}, true, srcOps + " — ArnLike"},
	{"ArnEquals", "aws:SourceArn", `"arn:aws:sns:*:111122223333:topic-*"`, []string{"arn:aws:sns:eu-west-1:111122223333:topic-a"}, true, srcOps + " — ArnEquals also takes wildcards"},
	{"ArnLike", "aws:SourceArn", `"arn:aws:sns:*:111122223333:*"`, []string{"arn:aws:sns:eu-west-1:444455556666:topic-a"}, false, srcOps + " — ArnLike compares each segment"},
	{"ArnLike", "aws:SourceArn", `"arn:aws:s3*:::x"`, []string{"arn:aws:s3:eu:::x"}, false, srcOps + " — ArnLike: '*' stays within its segment"},
	{"ArnLike", "aws:SourceArn", `"arn:aws:sns:*:*:*"`, []string{"not-an-arn"}, false, srcOps + " — ArnLike needs an ARN"},
	{"ArnNotLike", "aws:SourceArn", `"arn:aws:sns:*:111122223333:*"`, []string{"arn:aws:sns:eu-west-1:444455556666:t"}, true, srcOps + " — ArnNotLike"},
	{"ArnNotEquals", "aws:SourceArn", `"arn:aws:sns:eu-west-1:111122223333:t"`, []string{"arn:aws:sns:eu-west-1:111122223333:t"}, false, srcOps + " — ArnNotEquals"},
	{"ArnNotLike", "aws:SourceArn", `"arn:aws:sns:*:111122223333:*"`, nil, true, srcOps + " — negated operator with missing key is true"},
	// Null
	{"Null", "aws:TokenIssueTime", `"true"`, nil, true, srcOps + " — Null true: key absent"},
	{"Null", "aws:TokenIssueTime", `"true"`, []string{"2021-01-01T00:00:00Z"}, false, srcOps + " — Null true: key present"},
	{"Null", "aws:TokenIssueTime", `"false"`, []string{"2021-01-01T00:00:00Z"}, true, srcOps + " — Null false: key present"},
	{"Null", "aws:TokenIssueTime", `false`, nil, false, srcOps + " — Null false: key absent"},
	// IfExists
	{"StringEqualsIfExists", "ec2:InstanceType", `"t3.micro"`, nil, true, srcOps + " — ...IfExists with missing key"},
	{"StringEqualsIfExists", "ec2:InstanceType", `"t3.micro"`, []string{"m5.large"}, false, srcOps + " — ...IfExists with key present"},
	{"NumericLessThanIfExists", "s3:max-keys", `10`, []string{"3"}, true, srcOps + " — ...IfExists with key present"},
	{"ArnLikeIfExists", "aws:SourceArn", `"arn:aws:sns:*:*:t"`, nil, true, srcOps + " — ...IfExists with missing key"},
	{"StringLikeIfExists", "s3:prefix", `"home/*"`, []string{"tmp/x"}, false, srcOps + " — ...IfExists with key present"},
	// Set qualifiers and multivalued keys
	{"ForAllValues:StringEquals", "aws:TagKeys", `["env","team"]`, []string{"env"}, true, srcMulti + " — ForAllValues: subset"},
	{"ForAllValues:StringEquals", "aws:TagKeys", `["env","team"]`, []string{"env", "cost"}, false, srcMulti + " — ForAllValues: not a subset"},
	{"ForAllValues:StringEquals", "aws:TagKeys", `["env","team"]`, nil, true, srcMulti + " — ForAllValues is true when the key is missing"},
	{"ForAllValues:StringEquals", "aws:TagKeys", `["env","team"]`, []string{}, true, srcMulti + " — ForAllValues is true for an empty set"},
	{"ForAnyValue:StringEquals", "aws:TagKeys", `["env","team"]`, []string{"cost", "team"}, true, srcMulti + " — ForAnyValue: overlap"},
	{"ForAnyValue:StringEquals", "aws:TagKeys", `["env","team"]`, []string{"cost"}, false, srcMulti + " — ForAnyValue: no overlap"},
	{"ForAnyValue:StringEquals", "aws:TagKeys", `["env","team"]`, nil, false, srcMulti + " — ForAnyValue is false when the key is missing"},
	{"ForAnyValue:StringLike", "aws:TagKeys", `"team-*"`, []string{"cost", "team-a"}, true, srcMulti + " — ForAnyValue:StringLike"},
	{"ForAllValues:StringLike", "aws:TagKeys", `"team-*"`, []string{"team-b", "team-a"}, true, srcMulti + " — ForAllValues:StringLike"},
	{"ForAllValues:StringLike", "aws:TagKeys", `"team-*"`, []string{"team-b", "cost"}, false, srcMulti + " — ForAllValues:StringLike"},
	{"ForAnyValue:StringNotEquals", "aws:TagKeys", `["env"]`, []string{"env", "cost"}, true, srcMulti + " — ForAnyValue with a negated operator"},
	{"ForAnyValue:StringNotEquals", "aws:TagKeys", `["env"]`, []string{"env"}, false, srcMulti + " — ForAnyValue with a negated operator"},
	{"ForAllValues:StringNotEquals", "aws:TagKeys", `["env"]`, []string{"cost", "team"}, true, srcMulti + " — ForAllValues with a negated operator"},
	{"ForAllValues:StringNotEquals", "aws:TagKeys", `["env"]`, []string{"cost", "env"}, false, srcMulti + " — ForAllValues with a negated operator"},
	{"ForAnyValue:StringEqualsIfExists", "aws:TagKeys", `["env"]`, nil, true, srcMulti + "; " + srcOps + " — IfExists with a set qualifier"},
	{"ForAllValues:StringEqualsIgnoreCase", "aws:TagKeys", `["ENV"]`, []string{"env"}, true, srcMulti + " — ForAllValues with IgnoreCase"},
	{"StringEquals", "aws:CalledVia", `"athena.amazonaws.com"`, []string{"glue.amazonaws.com", "athena.amazonaws.com"}, true, srcMulti + " — unqualified operator on a multivalued key: any value"},
	{"ForAnyValue:IpAddress", "aws:SourceIp", `"10.0.0.0/8"`, []string{"10.2.3.4"}, true, srcMulti + " — qualifiers apply to every operator family"},
}

func buildSet(t testing.TB, c evalCase) *Set {
	compile := func(docs []string) []*Policy {
		out := make([]*Policy, 0, len(docs))
		for i, d := range docs {
			doc, err := ParseString(d)
			if err != nil {
				t.Fatalf("%s: parse: %v", c.name, err)
			}
			out = append(out, CompileNamed(fmt.Sprintf("p%d", i), doc))
		}
		return out
	}
	s := &Set{Identity: compile(c.id)}
	if c.hasBound || c.boundary != nil {
		s.Boundary = compile(c.boundary)
	}
	for _, level := range c.scps {
		s.SCPs = append(s.SCPs, compile(level))
	}
	if c.res != nil {
		s.Resource = compile(c.res)
	}
	return s
}

func allEvalCases() []evalCase {
	cases := append([]evalCase{}, coreCases...)
	for _, cc := range condCases {
		want := ImplicitDeny
		if cc.want {
			want = Allowed
		}
		ctx := map[string][]string{}
		if cc.ctx != nil {
			ctx[cc.key] = cc.ctx
		}
		cases = append(cases, evalCase{
			name: fmt.Sprintf("%s %s %s %v", cc.op, cc.key, cc.vals, cc.ctx),
			src:  cc.src,
			id:   []string{D(S("Allow", A("s3:GetObject"), R("*"), C(fmt.Sprintf(`{%q:{%q:%s}}`, cc.op, cc.key, cc.vals))))},
			req:  rqc("s3:GetObject", obj, ctx),
			want: want,
		})
	}
	return cases
}

func TestEvaluate(t *testing.T) {
	cases := allEvalCases()
	if len(cases) < 150 {
		t.Errorf("only %d decision cases", len(cases))
	}
	for _, c := range cases {
		if c.src == "" {
			t.Errorf("%s: no source", c.name)
		}
		s := buildSet(t, c)
		got := s.Evaluate(&c.req)
		if got.Decision != c.want {
			t.Errorf("%s [%s]: got %v (%s), want %v", c.name, c.src, got.Decision, got.Explain(), c.want)
			continue
		}
		if c.want == ConditionallyAllowed {
			var keys []string
			for _, cond := range got.Depends() {
				keys = append(keys, strings.ToLower(cond.Key))
			}
			sort.Strings(keys)
			want := make([]string, len(c.depends))
			for i, k := range c.depends {
				want[i] = strings.ToLower(k)
			}
			sort.Strings(want)
			if strings.Join(keys, ",") != strings.Join(want, ",") {
				t.Errorf("%s: depends on %v, want %v", c.name, keys, want)
			}
		}
	}
}

func TestResultExplain(t *testing.T) {
	s := buildSet(t, evalCase{id: []string{D(S("Allow", A("*"), R("*"), C(`{"Bool":{"aws:MultiFactorAuthPresent":"true"}}`)))}})
	r := s.Allows("iam:CreateUser", "*")
	want := `allowed only if Bool aws:MultiFactorAuthPresent "true" (p0 Statement[0])`
	if r.Explain() != want {
		t.Errorf("Explain() = %q, want %q", r.Explain(), want)
	}
	s2 := buildSet(t, evalCase{id: []string{D(allAll, S("Deny", A("*"), R("*"), C(`{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}`)))}})
	want2 := `allowed unless BoolIfExists aws:MultiFactorAuthPresent "false" (p0 Statement[1])`
	if got := s2.Allows("iam:CreateUser", "*").Explain(); got != want2 {
		t.Errorf("Explain() = %q, want %q", got, want2)
	}
	if len(r.AllowIf) != 1 || len(r.AllowIf[0]) != 1 || r.AllowIf[0][0].Statement.Index != 0 {
		t.Errorf("AllowIf = %+v", r.AllowIf)
	}
	if got := s.Allows("iam:CreateUser", "*"); got.Decision == Allowed || !s.AllowsSomehow("iam:CreateUser", "*") || s.AllowsUnconditionally("iam:CreateUser", "*") {
		t.Errorf("Allows helpers disagree: %v", got.Decision)
	}
}

func TestEvalConditionHelpers(t *testing.T) {
	doc, err := ParseString(D(S("Allow", A("sts:AssumeRole"), "", P(`{"AWS":"*"}`), C(`{"StringEquals":{"aws:PrincipalOrgID":"o-abc"},"Bool":{"aws:SecureTransport":"true"}}`))))
	if err != nil {
		t.Fatal(err)
	}
	conds := doc.Statements[0].Conditions
	ok, unknown := EvalConditions(conds, &Request{Context: kv("aws:principalorgid", "o-abc")}, true)
	if ok || !unknown {
		t.Errorf("partial context: ok=%v unknown=%v", ok, unknown)
	}
	ok, unknown = EvalConditions(conds, &Request{Context: kv("aws:PrincipalOrgID", "o-abc", "aws:SecureTransport", "true")}, true)
	if !ok || unknown {
		t.Errorf("full context: ok=%v unknown=%v", ok, unknown)
	}
	ok, unknown = EvalCondition(doc.Statements[0].ConditionsOn("aws:PrincipalOrgID")[0], &Request{Context: kv("aws:PrincipalOrgID", "o-other")}, true)
	if ok || unknown {
		t.Errorf("other org: ok=%v unknown=%v", ok, unknown)
	}
}

// A prepared request must decide exactly as a fresh one: every decision
// case, asked with a prepared copy of its request.
func TestPreparedRequestDecidesTheSame(t *testing.T) {
	for _, c := range allEvalCases() {
		s := buildSet(t, c)
		prepared := c.req.Prepare()
		a, b := s.Evaluate(&c.req), s.Evaluate(&prepared)
		if a.Decision != b.Decision || a.Explain() != b.Explain() {
			t.Errorf("%s: fresh %s, prepared %s", c.name, a.Explain(), b.Explain())
		}
		// Copies that swap the action and resource keep the context.
		other := prepared
		other.Action, other.Resource = "ec2:RunInstances", "*"
		fresh := c.req
		fresh.Action, fresh.Resource = "ec2:RunInstances", "*"
		if x, y := s.Evaluate(&fresh), s.Evaluate(&other); x.Decision != y.Decision {
			t.Errorf("%s (swapped action): fresh %v, prepared %v", c.name, x.Decision, y.Decision)
		}
	}
}

// A policy whose statements name other services is skipped unread
// (Policy.mayMatch); one with a wildcard service, a service written in
// another case or a NotAction statement is still read.
func TestPolicyServiceSkip(t *testing.T) {
	cases := []struct {
		doc, action string
		want        Decision
	}{
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","ec2:Describe*"],"Resource":"*"}]}`, "iam:PassRole", ImplicitDeny},
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","IAM:Pass*"],"Resource":"*"}]}`, "iam:PassRole", Allowed},
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*:PassRole","Resource":"*"}]}`, "iam:PassRole", Allowed},
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"i?m:PassRole","Resource":"*"}]}`, "iam:PassRole", Allowed},
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"s3:*","Resource":"*"}]}`, "iam:PassRole", Allowed},
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]}`, "iam:PassRole", ImplicitDeny},
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"},{"Effect":"Allow","Action":"*","Resource":"*"}]}`, "iam:PassRole", Allowed},
	}
	// A service whose filter bit is iam's is still told apart by name.
	twin := ""
	for i := 0; twin == ""; i++ {
		if name := fmt.Sprintf("svc%d", i); svcBit(name) == svcBit("iam") {
			twin = name
		}
	}
	cases = append(cases, struct {
		doc, action string
		want        Decision
	}{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"` + twin + `:PassRole","Resource":"*"}]}`, "iam:PassRole", ImplicitDeny})
	for _, c := range cases {
		p, err := ParseAndCompile("p", []byte(c.doc))
		if err != nil {
			t.Fatal(err)
		}
		if got := (&Set{Identity: []*Policy{p}}).Evaluate(&Request{Action: c.action, Resource: "arn:aws:iam::111122223333:role/r"}); got.Decision != c.want {
			t.Errorf("%s on %s: %v, want %v", c.action, c.doc, got.Decision, c.want)
		}
	}
}

// SplitARN splits as strings.SplitN(s, ":", 6) does.
func TestSplitARNLikeSplitN(t *testing.T) {
	for _, s := range []string{"", "arn", "arn:aws", "arn:aws:iam::1", "arn:aws:iam::111122223333:role/a:b:c",
		"arn:aws:iam::111122223333:", "arn:aws:s3:::bucket/key", "nra:aws:iam::1:x", ":::::", "arn:::::", "*"} {
		parts := strings.SplitN(s, ":", 6)
		want, wantOK := ARN{}, len(parts) == 6 && parts[0] == "arn"
		if wantOK {
			want = ARN{Partition: parts[1], Service: parts[2], Region: parts[3], Account: parts[4], Resource: parts[5]}
		}
		if got, ok := SplitARN(s); got != want || ok != wantOK {
			t.Errorf("SplitARN(%q) = %+v, %v; want %+v, %v", s, got, ok, want, wantOK)
		}
	}
}

// A conditional allow names exactly its unknown conditions, in the
// statement's order, whatever known ones lie between them, with an
// unresolved Resource first.
func TestUnknownConditionsInOrder(t *testing.T) {
	known := map[string][]string{"aws:requestedregion": {"v"}, "aws:sourcevpc": {"v"}}
	cases := []struct {
		keys     []string
		resource string
	}{
		{[]string{"aws:SourceIp", "aws:PrincipalOrgID"}, "*"},
		{[]string{"aws:SourceIp", "aws:RequestedRegion", "aws:PrincipalOrgID"}, "*"},
		{[]string{"aws:RequestedRegion", "aws:SourceIp"}, "*"},
		{[]string{"aws:SourceIp", "aws:SourceVpc"}, "*"},
		{[]string{"aws:RequestedRegion", "aws:SourceVpc", "aws:SourceIp", "aws:PrincipalOrgID", "aws:CalledVia"}, "*"},
		{[]string{"aws:SourceIp", "aws:RequestedRegion"}, "arn:aws:s3:::b/${aws:userid}/*"},
	}
	for _, c := range cases {
		parts := make([]string, len(c.keys))
		for i, k := range c.keys {
			parts[i] = `"` + k + `":"v"`
		}
		doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"` + c.resource +
			`","Condition":{"StringEquals":{` + strings.Join(parts, ",") + `}}}]}`
		p, err := ParseAndCompile("p", []byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		if c.resource != "*" {
			want = append(want, "aws:userid")
		}
		for _, cd := range p.Doc.Statements[0].Conditions { // the statement's order
			if known[strings.ToLower(cd.Key)] == nil {
				want = append(want, cd.Key)
			}
		}
		r := (&Set{Identity: []*Policy{p}}).Evaluate(&Request{Principal: "arn:aws:iam::111122223333:user/u", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k", Context: known})
		if r.Decision != ConditionallyAllowed || len(r.AllowIf) != 1 || len(r.AllowIf[0]) != 1 {
			t.Fatalf("%v: %v with %d clauses, want one conditional match", c.keys, r.Decision, len(r.AllowIf))
		}
		var got []string
		for _, u := range r.AllowIf[0][0].Unknown {
			got = append(got, u.Key)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%v on %s: unknown %v, want %v", c.keys, c.resource, got, want)
		}
	}
}

// ConditionString answers for the statement's own conditions, as results
// carry them (the values shared), with the condition's own text, and for
// no other condition, even an equal copy.
func TestStatementConditionString(t *testing.T) {
	doc, err := ParseString(D(S("Allow", A("s3:GetObject"), R("*"), C(`{"StringEquals":{"aws:RequestedRegion":["eu-west-1","us-east-1"]},"Bool":{"aws:MultiFactorAuthPresent":"true"}}`))))
	if err != nil {
		t.Fatal(err)
	}
	st := doc.Statements[0]
	r := NewSet(doc).Evaluate(&Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k"})
	if r.Decision != ConditionallyAllowed || len(r.AllowIf) != 1 || len(r.AllowIf[0]) != 1 || len(r.AllowIf[0][0].Unknown) != 2 {
		t.Fatalf("want one conditional match with two open conditions, got %s", r.Explain())
	}
	for _, c := range r.AllowIf[0][0].Unknown {
		got, ok := st.ConditionString(c)
		if !ok || got != c.String() {
			t.Errorf("ConditionString(%s) = %q, %v; want %q, true", c.Key, got, ok, c.String())
		}
	}
	other := st.Conditions[0]
	other.Values = append([]string(nil), other.Values...)
	if _, ok := st.ConditionString(other); ok {
		t.Errorf("a copy of a condition with its own values was taken for the statement's")
	}
}
