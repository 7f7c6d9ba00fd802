package sandbox

import (
	"slices"
)

// otherActions are the actions the sandbox serves that no snapshot input
// declares (snapshot.Specs declares the rest): credentials, and per-resource
// reads that other tools (the AWS CLI, third-party scanners) make where
// iamspect uses an account-wide call. Each says why it is served;
// TestHandlersMatchRegistry fails on a handler that is neither here nor in
// the registry, and on a registered action without a handler.
var otherActions = map[string]string{
	"sts:GetCallerIdentity":                       "who the credentials are, asked before collecting",
	"sts:AssumeRole":                              "member accounts with --org, and other tools' role chains",
	"identitystore:ListGroupMembershipsForMember": "a user's groups, for tools that walk the directory by user",
	"organizations:DescribeAccount":               "one member account, for tools that describe accounts one by one",
	"organizations:ListChildren":                  "the organisation tree, for tools that walk it by parent",
	"organizations:ListParents":                   "the organisation tree, for tools that walk it by child",
	"organizations:ListPoliciesForTarget":         "the SCPs of one target, for tools that read them per account",
	"sso:ListPermissionSetsProvisionedToAccount":  "the permission sets of one account, for tools that read them per account",
	"securityhub:BatchImportFindings":             "scan --security-hub and the asff format deliver findings (securityhub.go): a write, no input",
	"securityhub:GetFindings":                     "scan --security-hub finds earlier iamspect findings to archive (securityhub.go)",
}

func init() {
	for a := range iamWriteHandlers {
		otherActions["iam:"+a] = "a write that fix apply and rollback make (iam_write.go): it changes the served state"
	}
	for a, r := range entityReads {
		otherActions["iam:"+a] = r.why
	}
}

// Actions returns every action the sandbox answers, as "service:Action",
// sorted.
func Actions() []string {
	var out []string
	for svc, hs := range handlers {
		for action := range hs {
			out = append(out, svc+":"+action)
		}
	}
	slices.Sort(out)
	return out
}
