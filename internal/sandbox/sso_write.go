package sandbox

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/iamspect/iamspect/internal/snapshot"
)

// The IAM Identity Center administration writes that
// `iamspect migrate identity-center` plans (and its rollback undoes), with
// AWS's validation and limits: permission set names of 1–32 characters of
// [\w+=,.@-] unique in the instance, sessions of PT1H–PT12H, relay states up
// to 240 characters, at most 10 managed policies (AWS managed plus customer
// managed references) per permission set, an inline policy of at most
// 32,768 characters that parses, 500 permission sets per instance, account
// assignments only to principals of the instance's identity store and to
// accounts of the organisation. Answers are synchronous: a creation or
// provisioning status is SUCCEEDED at once.

var ssoWriteHandlers = map[string]handler{
	"CreatePermissionSet":                                   createPermissionSet,
	"DeletePermissionSet":                                   deletePermissionSet,
	"AttachManagedPolicyToPermissionSet":                    attachManagedPolicyToPermissionSet,
	"DetachManagedPolicyFromPermissionSet":                  detachManagedPolicyFromPermissionSet,
	"AttachCustomerManagedPolicyReferenceToPermissionSet":   attachCustomerManagedPolicyReference,
	"DetachCustomerManagedPolicyReferenceFromPermissionSet": detachCustomerManagedPolicyReference,
	"PutInlinePolicyToPermissionSet":                        putInlinePolicyToPermissionSet,
	"DeleteInlinePolicyFromPermissionSet":                   deleteInlinePolicyFromPermissionSet,
	"PutPermissionsBoundaryToPermissionSet":                 putPermissionsBoundaryToPermissionSet,
	"DeletePermissionsBoundaryFromPermissionSet":            deletePermissionsBoundaryFromPermissionSet,
	"CreateAccountAssignment":                               createAccountAssignment,
	"DeleteAccountAssignment":                               deleteAccountAssignment,
	"ProvisionPermissionSet":                                provisionPermissionSet,
}

// AWS's Identity Center limits the sandbox enforces.
const (
	ssoMaxPermissionSets   = 500
	ssoMaxManagedPolicies  = 10
	ssoMaxInlinePolicy     = 32768
	ssoMaxRelayState       = 240
	ssoMaxDescription      = 700
	ssoMaxPermissionSetLen = 32
)

// otherWrites lists the write actions of services other than IAM; isWrite
// runs them under the state lock.
var otherWrites = map[string]bool{}

func init() {
	for k, h := range ssoWriteHandlers {
		ssoHandlers[k] = h
		otherWrites[svcSSO+":"+k] = true
		otherActions[svcSSO+":"+k] = "a write that migrate identity-center plans make (sso_write.go): it changes the served state"
	}
}

var (
	psNameRe      = regexp.MustCompile(`^[\w+=,.@-]+$`)
	cmNameRe      = regexp.MustCompile(`^[\w+=,.@-]{1,128}$`)
	cmPathRe      = regexp.MustCompile(`^((/[A-Za-z0-9.,+@=_-]+)*)/$`)
	awsManagedRe  = regexp.MustCompile(`^arn:(aws|aws-cn|aws-us-gov):iam::aws:policy/[\w+=,.@/-]+$`)
	accountIDRe   = regexp.MustCompile(`^\d{12}$`)
	ssoSessionLen = regexp.MustCompile(`^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$`)
)

func ssoConflict(msg string) *apiError {
	return &apiError{Status: 400, Code: "ConflictException", Message: msg}
}

func ssoQuota(msg string) *apiError {
	return &apiError{Status: 402, Code: "ServiceQuotaExceededException", Message: msg}
}

// ssoWriteRequest is the input of the permission set writes.
type ssoWriteRequest struct {
	InstanceArn                    string
	PermissionSetArn               string
	Name                           string
	Description                    string
	SessionDuration                string
	RelayState                     string
	ManagedPolicyArn               string
	CustomerManagedPolicyReference *struct{ Name, Path string }
	InlinePolicy                   *string
	PermissionsBoundary            *struct {
		ManagedPolicyArn               string
		CustomerManagedPolicyReference *struct{ Name, Path string }
	}
	TargetId      string
	TargetType    string
	PrincipalType string
	PrincipalId   string
}

// writeInstance decodes a write and finds its instance; the IdentityCenter
// is the served (writable) one.
func writeInstance(c *call, in *ssoWriteRequest) (*snapshot.IdentityCenter, *snapshot.IdentityCenterInstance, *apiError) {
	if e := c.decodeJSON(in); e != nil {
		return nil, nil, e
	}
	if in.InstanceArn == "" {
		return nil, nil, c.validation("1 validation error detected: Value null at 'instanceArn' failed to satisfy constraint: Member must not be null")
	}
	ic := c.acct.IdentityCenter
	if ic != nil {
		for i := range ic.Instances {
			if ic.Instances[i].ARN == in.InstanceArn {
				return ic, &ic.Instances[i], nil
			}
		}
	}
	return nil, nil, c.validation("The instance ARN " + in.InstanceArn + " is not valid")
}

// writablePermissionSet finds the request's permission set for a change.
func writablePermissionSet(c *call, in *ssoWriteRequest) (*snapshot.IdentityCenter, *snapshot.PermissionSet, *apiError) {
	ic, _, e := writeInstance(c, in)
	if e != nil {
		return nil, nil, e
	}
	for i := range ic.PermissionSets {
		ps := &ic.PermissionSets[i]
		if ps.ARN == in.PermissionSetArn && (len(ic.Instances) == 1 || strings.Contains(ps.ARN, "/"+instanceID(in.InstanceArn)+"/")) {
			return ic, ps, nil
		}
	}
	return nil, nil, ssoNotFound("Could not find PermissionSet with PermissionSetArn " + in.PermissionSetArn)
}

// idHash is a stable identifier derived from its parts (the sandbox's
// IDs are functions of what they name, so a restarted sandbox agrees).
func idHash(n int, parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(h[:])[:n]
}

func validSessionDuration(d string) bool {
	m := ssoSessionLen.FindStringSubmatch(d)
	if m == nil || d == "PT" {
		return false
	}
	secs := 0
	for i, unit := range []int{3600, 60, 1} {
		if m[i+1] != "" {
			n, _ := strconv.Atoi(m[i+1])
			secs += n * unit
		}
	}
	return secs >= 3600 && secs <= 12*3600
}

func createPermissionSet(s *Server, c *call) (any, *apiError) {
	var in ssoWriteRequest
	ic, inst, e := writeInstance(c, &in)
	if e != nil {
		return nil, e
	}
	switch {
	case in.Name == "" || len(in.Name) > ssoMaxPermissionSetLen || !psNameRe.MatchString(in.Name):
		return nil, c.validation("1 validation error detected: Value '" + in.Name + "' at 'name' failed to satisfy constraint: Member must have length less than or equal to 32 and satisfy regular expression pattern: [\\w+=,.@-]+")
	case len(in.Description) > ssoMaxDescription:
		return nil, c.validation("1 validation error detected: Value at 'description' failed to satisfy constraint: Member must have length less than or equal to 700")
	case in.SessionDuration != "" && !validSessionDuration(in.SessionDuration):
		return nil, c.validation("The session duration " + in.SessionDuration + " is not valid: use an ISO 8601 duration from PT1H to PT12H")
	case len(in.RelayState) > ssoMaxRelayState:
		return nil, c.validation("1 validation error detected: Value at 'relayState' failed to satisfy constraint: Member must have length less than or equal to 240")
	}
	n := 0
	for _, ps := range permissionSets(ic, inst.ARN) {
		if ps.Name == in.Name {
			return nil, ssoConflict("PermissionSet with name " + in.Name + " already exists in instance " + inst.ARN)
		}
		n++
	}
	if n >= ssoMaxPermissionSets {
		return nil, ssoQuota("You have reached the maximum of 500 permission sets in this instance")
	}
	sd := in.SessionDuration
	if sd == "" {
		sd = "PT1H"
	}
	ps := snapshot.PermissionSet{ARN: "arn:" + partition(c.acct) + ":sso:::permissionSet/" + instanceID(inst.ARN) + "/ps-" + idHash(16, inst.ARN, in.Name),
		Name: in.Name, Description: in.Description, SessionDuration: sd}
	ic.PermissionSets = append(ic.PermissionSets, ps)
	out := map[string]any{"Name": ps.Name, "PermissionSetArn": ps.ARN, "SessionDuration": sd, "CreatedDate": s.now(c.acct).Unix()}
	if in.Description != "" {
		out["Description"] = in.Description
	}
	if in.RelayState != "" {
		out["RelayState"] = in.RelayState
	}
	return map[string]any{"PermissionSet": out}, nil
}

func deletePermissionSet(s *Server, c *call) (any, *apiError) {
	var in ssoWriteRequest
	ic, ps, e := writablePermissionSet(c, &in)
	if e != nil {
		return nil, e
	}
	for _, a := range ic.Assignments {
		if a.PermissionSetARN == ps.ARN {
			return nil, ssoConflict("The permission set " + ps.ARN + " is still assigned in account " + a.AccountID + ": delete its account assignments first")
		}
	}
	arn := ps.ARN
	ic.PermissionSets = slices.DeleteFunc(ic.PermissionSets, func(p snapshot.PermissionSet) bool { return p.ARN == arn })
	return map[string]any{}, nil
}

func managedCount(ps *snapshot.PermissionSet) int {
	return len(ps.ManagedPolicies) + len(ps.CustomerManaged)
}

func attachManagedPolicyToPermissionSet(s *Server, c *call) (any, *apiError) {
	var in ssoWriteRequest
	_, ps, e := writablePermissionSet(c, &in)
	if e != nil {
		return nil, e
	}
	if !awsManagedRe.MatchString(in.ManagedPolicyArn) {
		return nil, c.validation("The managed policy ARN " + in.ManagedPolicyArn + " is not an AWS managed policy: attach customer managed policies with AttachCustomerManagedPolicyReferenceToPermissionSet")
	}
	for _, p := range ps.ManagedPolicies {
		if p.ARN == in.ManagedPolicyArn {
			return nil, ssoConflict("The managed policy " + in.ManagedPolicyArn + " is already attached to the permission set")
		}
	}
	if managedCount(ps) >= ssoMaxManagedPolicies {
		return nil, ssoQuota("You have exceeded the limit of 10 managed policies attached to a permission set")
	}
	ps.ManagedPolicies = append(ps.ManagedPolicies, snapshot.PolicyRef{Name: in.ManagedPolicyArn[strings.LastIndex(in.ManagedPolicyArn, "/")+1:], ARN: in.ManagedPolicyArn})
	return map[string]any{}, nil
}

func detachManagedPolicyFromPermissionSet(s *Server, c *call) (any, *apiError) {
	var in ssoWriteRequest
	_, ps, e := writablePermissionSet(c, &in)
	if e != nil {
		return nil, e
	}
	i := slices.IndexFunc(ps.ManagedPolicies, func(p snapshot.PolicyRef) bool { return p.ARN == in.ManagedPolicyArn })
	if i < 0 {
		return nil, ssoNotFound("The managed policy " + in.ManagedPolicyArn + " is not attached to the permission set")
	}
	ps.ManagedPolicies = slices.Delete(ps.ManagedPolicies, i, i+1)
	return map[string]any{}, nil
}

// customerRef validates a customer managed policy reference and returns it
// as a PolicyRef (ARN in the management account's namespace, as the
// collector reads references back: name and path).
func customerRef(c *call, r *struct{ Name, Path string }) (snapshot.PolicyRef, *apiError) {
	if r == nil || !cmNameRe.MatchString(r.Name) {
		return snapshot.PolicyRef{}, c.validation("The customer managed policy reference needs a Name of 1-128 characters of [\\w+=,.@-]")
	}
	path := r.Path
	if path == "" {
		path = "/"
	}
	if len(path) > 512 || !cmPathRe.MatchString(path) {
		return snapshot.PolicyRef{}, c.validation("The path " + path + " is not valid: it must begin and end with /")
	}
	return snapshot.PolicyRef{Name: r.Name, ARN: "arn:" + partition(c.acct) + ":iam::" + c.acct.ID + ":policy" + path + r.Name}, nil
}

func sameRef(a, b snapshot.PolicyRef) bool {
	ca, cb := customerManagedRef(a), customerManagedRef(b)
	return ca["Name"] == cb["Name"] && ca["Path"] == cb["Path"]
}

func attachCustomerManagedPolicyReference(s *Server, c *call) (any, *apiError) {
	var in ssoWriteRequest
	_, ps, e := writablePermissionSet(c, &in)
	if e != nil {
		return nil, e
	}
	ref, e := customerRef(c, in.CustomerManagedPolicyReference)
	if e != nil {
		return nil, e
	}
	for _, p := range ps.CustomerManaged {
		if sameRef(p, ref) {
			return nil, ssoConflict("The customer managed policy reference is already attached to the permission set")
		}
	}
	if managedCount(ps) >= ssoMaxManagedPolicies {
		return nil, ssoQuota("You have exceeded the limit of 10 managed policies attached to a permission set")
	}
	ps.CustomerManaged = append(ps.CustomerManaged, ref)
	return map[string]any{}, nil
}

func detachCustomerManagedPolicyReference(s *Server, c *call) (any, *apiError) {
	var in ssoWriteRequest
	_, ps, e := writablePermissionSet(c, &in)
	if e != nil {
		return nil, e
	}
	ref, e := customerRef(c, in.CustomerManagedPolicyReference)
	if e != nil {
		return nil, e
	}
	i := slices.IndexFunc(ps.CustomerManaged, func(p snapshot.PolicyRef) bool { return sameRef(p, ref) })
	if i < 0 {
		return nil, ssoNotFound("The customer managed policy reference is not attached to the permission set")
	}
	ps.CustomerManaged = slices.Delete(ps.CustomerManaged, i, i+1)
	return map[string]any{}, nil
}

func putInlinePolicyToPermissionSet(s *Server, c *call) (any, *apiError) {
	var in ssoWriteRequest
	_, ps, e := writablePermissionSet(c, &in)
	if e != nil {
		return nil, e
	}
	if in.InlinePolicy == nil || *in.InlinePolicy == "" {
		return nil, c.validation("1 validation error detected: Value null at 'inlinePolicy' failed to satisfy constraint: Member must not be null")
	}
	if len(*in.InlinePolicy) > ssoMaxInlinePolicy {
		return nil, c.validation("1 validation error detected: Value at 'inlinePolicy' failed to satisfy constraint: Member must have length less than or equal to 32768")
	}
	var doc map[string]any
	if json.Unmarshal([]byte(*in.InlinePolicy), &doc) != nil || doc["Statement"] == nil {
		return nil, c.validation("The inline policy document is malformed")
	}
	ps.InlinePolicy = snapshot.RawJSON(*in.InlinePolicy)
	return map[string]any{}, nil
}

func deleteInlinePolicyFromPermissionSet(s *Server, c *call) (any, *apiError) {
	var in ssoWriteRequest
	_, ps, e := writablePermissionSet(c, &in)
	if e != nil {
		return nil, e
	}
	ps.InlinePolicy = nil
	return map[string]any{}, nil
}

func putPermissionsBoundaryToPermissionSet(s *Server, c *call) (any, *apiError) {
	var in ssoWriteRequest
	_, ps, e := writablePermissionSet(c, &in)
	if e != nil {
		return nil, e
	}
	b := in.PermissionsBoundary
	switch {
	case b == nil || (b.ManagedPolicyArn == "") == (b.CustomerManagedPolicyReference == nil):
		return nil, c.validation("The permissions boundary needs exactly one of ManagedPolicyArn and CustomerManagedPolicyReference")
	case b.ManagedPolicyArn != "":
		if !awsManagedRe.MatchString(b.ManagedPolicyArn) {
			return nil, c.validation("The managed policy ARN " + b.ManagedPolicyArn + " is not an AWS managed policy")
		}
		ps.PermissionsBoundary = &snapshot.PolicyRef{Name: b.ManagedPolicyArn[strings.LastIndex(b.ManagedPolicyArn, "/")+1:], ARN: b.ManagedPolicyArn}
	default:
		ref, e := customerRef(c, b.CustomerManagedPolicyReference)
		if e != nil {
			return nil, e
		}
		ps.PermissionsBoundary = &ref
	}
	return map[string]any{}, nil
}

func deletePermissionsBoundaryFromPermissionSet(s *Server, c *call) (any, *apiError) {
	var in ssoWriteRequest
	_, ps, e := writablePermissionSet(c, &in)
	if e != nil {
		return nil, e
	}
	ps.PermissionsBoundary = nil
	return map[string]any{}, nil
}

// assignmentTarget validates an assignment's target and principal.
func (s *Server) assignmentTarget(c *call, in *ssoWriteRequest, ic *snapshot.IdentityCenter) *apiError {
	switch {
	case !accountIDRe.MatchString(in.TargetId):
		return c.validation("1 validation error detected: Value '" + in.TargetId + "' at 'targetId' failed to satisfy constraint: Member must satisfy regular expression pattern: \\d{12}")
	case in.TargetType != "AWS_ACCOUNT":
		return c.validation("TargetType must be AWS_ACCOUNT")
	case in.PrincipalType != "USER" && in.PrincipalType != "GROUP":
		return c.validation("PrincipalType must be USER or GROUP")
	}
	if org := s.snap.Organization; org != nil && len(org.Accounts) > 0 {
		if !slices.ContainsFunc(org.Accounts, func(a snapshot.OrgAccount) bool { return a.ID == in.TargetId }) {
			return c.validation("The account " + in.TargetId + " is not a member of the organization")
		}
	} else if in.TargetId != c.acct.ID {
		return c.validation("The account " + in.TargetId + " is not in this instance's organization")
	}
	found := false
	if in.PrincipalType == "USER" {
		found = slices.ContainsFunc(ic.Users, func(u snapshot.DirectoryUser) bool { return u.ID == in.PrincipalId })
	} else {
		found = slices.ContainsFunc(ic.Groups, func(g snapshot.DirectoryGroup) bool { return g.ID == in.PrincipalId })
	}
	if !found {
		return ssoNotFound("The principal " + in.PrincipalId + " does not exist in the identity store")
	}
	return nil
}

func assignmentStatus(s *Server, c *call, in ssoWriteRequest, key string) map[string]any {
	return map[string]any{key: map[string]any{
		"Status": "SUCCEEDED", "RequestId": c.reqID, "TargetId": in.TargetId, "TargetType": in.TargetType,
		"PermissionSetArn": in.PermissionSetArn, "PrincipalType": in.PrincipalType, "PrincipalId": in.PrincipalId,
		"CreatedDate": s.now(c.acct).Unix()}}
}

func createAccountAssignment(s *Server, c *call) (any, *apiError) {
	var in ssoWriteRequest
	ic, ps, e := writablePermissionSet(c, &in)
	if e != nil {
		return nil, e
	}
	if e := s.assignmentTarget(c, &in, ic); e != nil {
		return nil, e
	}
	a := snapshot.AccountAssignment{AccountID: in.TargetId, PermissionSetARN: ps.ARN, PrincipalType: in.PrincipalType, PrincipalID: in.PrincipalId}
	if slices.Contains(ic.Assignments, a) {
		return nil, ssoConflict("The account assignment already exists")
	}
	ic.Assignments = append(ic.Assignments, a)
	return assignmentStatus(s, c, in, "AccountAssignmentCreationStatus"), nil
}

func deleteAccountAssignment(s *Server, c *call) (any, *apiError) {
	var in ssoWriteRequest
	ic, ps, e := writablePermissionSet(c, &in)
	if e != nil {
		return nil, e
	}
	a := snapshot.AccountAssignment{AccountID: in.TargetId, PermissionSetARN: ps.ARN, PrincipalType: in.PrincipalType, PrincipalID: in.PrincipalId}
	i := slices.Index(ic.Assignments, a)
	if i < 0 {
		return nil, ssoNotFound("The account assignment does not exist")
	}
	ic.Assignments = slices.Delete(ic.Assignments, i, i+1)
	return assignmentStatus(s, c, in, "AccountAssignmentDeletionStatus"), nil
}

// provisionPermissionSet checks the request; provisioning itself is a no-op
// (the sandbox serves the permission set's policies as assigned).
func provisionPermissionSet(s *Server, c *call) (any, *apiError) {
	var in ssoWriteRequest
	ic, ps, e := writablePermissionSet(c, &in)
	if e != nil {
		return nil, e
	}
	switch in.TargetType {
	case "AWS_ACCOUNT":
		if !accountIDRe.MatchString(in.TargetId) {
			return nil, c.validation("TargetId must be an account ID when TargetType is AWS_ACCOUNT")
		}
		if !slices.ContainsFunc(ic.Assignments, func(a snapshot.AccountAssignment) bool {
			return a.PermissionSetARN == ps.ARN && a.AccountID == in.TargetId
		}) {
			return nil, c.validation("The permission set " + ps.ARN + " has no account assignment in " + in.TargetId + " to provision")
		}
	case "ALL_PROVISIONED_ACCOUNTS":
	default:
		return nil, c.validation("TargetType must be AWS_ACCOUNT or ALL_PROVISIONED_ACCOUNTS")
	}
	st := map[string]any{"Status": "SUCCEEDED", "RequestId": c.reqID, "PermissionSetArn": ps.ARN, "CreatedDate": s.now(c.acct).Unix()}
	if in.TargetId != "" {
		st["AccountId"] = in.TargetId
	}
	return map[string]any{"PermissionSetProvisioningStatus": st}, nil
}
