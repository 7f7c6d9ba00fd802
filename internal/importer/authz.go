package importer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/iamspect/iamspect/internal/snapshot"
)

// AuthzDetails is one page of `aws iam get-account-authorization-details`
// output. Field names are the AWS JSON member names. Policy documents are kept
// raw here: DecodeAuthorizationDetails normalises them to decoded, compact JSON.
type AuthzDetails struct {
	UserDetailList  []UserDetail          `json:"UserDetailList"`
	GroupDetailList []GroupDetail         `json:"GroupDetailList"`
	RoleDetailList  []RoleDetail          `json:"RoleDetailList"`
	Policies        []ManagedPolicyDetail `json:"Policies"`
	IsTruncated     bool                  `json:"IsTruncated"`
	Marker          string                `json:"Marker"`
}

// AttachedPolicy is an entry of AttachedManagedPolicies.
type AttachedPolicy struct {
	PolicyName string `json:"PolicyName"`
	PolicyArn  string `json:"PolicyArn"`
}

// PolicyDetail is an inline policy (UserPolicyList, GroupPolicyList, RolePolicyList).
type PolicyDetail struct {
	PolicyName     string          `json:"PolicyName"`
	PolicyDocument json.RawMessage `json:"PolicyDocument"`
}

// AWSTag is an AWS tag.
type AWSTag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

// PermissionsBoundary is an attached permissions boundary.
type PermissionsBoundary struct {
	PermissionsBoundaryType string `json:"PermissionsBoundaryType"`
	PermissionsBoundaryArn  string `json:"PermissionsBoundaryArn"`
}

// UserDetail is an entry of UserDetailList.
type UserDetail struct {
	Path                    string               `json:"Path"`
	UserName                string               `json:"UserName"`
	UserId                  string               `json:"UserId"`
	Arn                     string               `json:"Arn"`
	CreateDate              Time                 `json:"CreateDate"`
	UserPolicyList          []PolicyDetail       `json:"UserPolicyList"`
	GroupList               []string             `json:"GroupList"`
	AttachedManagedPolicies []AttachedPolicy     `json:"AttachedManagedPolicies"`
	PermissionsBoundary     *PermissionsBoundary `json:"PermissionsBoundary"`
	Tags                    []AWSTag             `json:"Tags"`
}

// GroupDetail is an entry of GroupDetailList.
type GroupDetail struct {
	Path                    string           `json:"Path"`
	GroupName               string           `json:"GroupName"`
	GroupId                 string           `json:"GroupId"`
	Arn                     string           `json:"Arn"`
	CreateDate              Time             `json:"CreateDate"`
	GroupPolicyList         []PolicyDetail   `json:"GroupPolicyList"`
	AttachedManagedPolicies []AttachedPolicy `json:"AttachedManagedPolicies"`
}

// InstanceProfile is an entry of a role's InstanceProfileList (its Roles
// member is ignored: it repeats the role).
type InstanceProfile struct {
	Path                string `json:"Path"`
	InstanceProfileName string `json:"InstanceProfileName"`
	InstanceProfileId   string `json:"InstanceProfileId"`
	Arn                 string `json:"Arn"`
	CreateDate          Time   `json:"CreateDate"`
}

// RoleLastUsed is a role's RoleLastUsed; AWS returns {} for a role never used.
type RoleLastUsed struct {
	LastUsedDate Time   `json:"LastUsedDate"`
	Region       string `json:"Region"`
}

// RoleDetail is an entry of RoleDetailList. Description and
// MaxSessionDuration are not in AWS's RoleDetail but are read when a tool
// adds them (they come from iam:GetRole).
type RoleDetail struct {
	Path                     string               `json:"Path"`
	RoleName                 string               `json:"RoleName"`
	RoleId                   string               `json:"RoleId"`
	Arn                      string               `json:"Arn"`
	CreateDate               Time                 `json:"CreateDate"`
	Description              string               `json:"Description"`
	MaxSessionDuration       int                  `json:"MaxSessionDuration"`
	AssumeRolePolicyDocument json.RawMessage      `json:"AssumeRolePolicyDocument"`
	InstanceProfileList      []InstanceProfile    `json:"InstanceProfileList"`
	RolePolicyList           []PolicyDetail       `json:"RolePolicyList"`
	AttachedManagedPolicies  []AttachedPolicy     `json:"AttachedManagedPolicies"`
	PermissionsBoundary      *PermissionsBoundary `json:"PermissionsBoundary"`
	Tags                     []AWSTag             `json:"Tags"`
	RoleLastUsed             *RoleLastUsed        `json:"RoleLastUsed"`
}

// PolicyVersion is an entry of a managed policy's PolicyVersionList.
type PolicyVersion struct {
	Document         json.RawMessage `json:"Document"`
	VersionId        string          `json:"VersionId"`
	IsDefaultVersion bool            `json:"IsDefaultVersion"`
	CreateDate       Time            `json:"CreateDate"`
}

// ManagedPolicyDetail is an entry of Policies.
type ManagedPolicyDetail struct {
	PolicyName                    string          `json:"PolicyName"`
	PolicyId                      string          `json:"PolicyId"`
	Arn                           string          `json:"Arn"`
	Path                          string          `json:"Path"`
	DefaultVersionId              string          `json:"DefaultVersionId"`
	AttachmentCount               int             `json:"AttachmentCount"`
	PermissionsBoundaryUsageCount *int            `json:"PermissionsBoundaryUsageCount"`
	IsAttachable                  bool            `json:"IsAttachable"`
	Description                   string          `json:"Description"`
	CreateDate                    Time            `json:"CreateDate"`
	UpdateDate                    Time            `json:"UpdateDate"`
	PolicyVersionList             []PolicyVersion `json:"PolicyVersionList"`
}

const authzExpected = "the output of `aws iam get-account-authorization-details` (a JSON object with UserDetailList, GroupDetailList, RoleDetailList and Policies)"

// DecodeAuthorizationDetails parses one or more pages of
// get-account-authorization-details output: a single JSON object, or a JSON
// array of such objects (pages saved together). Every policy document is
// normalised to decoded, compact JSON text, whether it came as an object or as
// a URL-encoded string. Errors are *InputError without a file name.
func DecodeAuthorizationDetails(data []byte) ([]*AuthzDetails, error) {
	data = trimBOM(data)
	if pages, ok := decodeAuthzSplit(data); ok {
		return pages, nil
	}
	return decodeAuthzPlain(data)
}

// decodeAuthzPlain is DecodeAuthorizationDetails by encoding/json alone, the
// reference for decodeAuthzSplit and the one that describes every problem.
func decodeAuthzPlain(data []byte) ([]*AuthzDetails, error) {
	if err := checkKind(data, KindAuthzDetails); err != nil {
		return nil, err
	}
	// Count the entries first, without keeping them: a file far beyond
	// AWS's quotas is refused before it is decoded (authz_stream.go).
	if err := checkAuthzQuotas(data); err != nil {
		return nil, err
	}
	var pages []*AuthzDetails
	if firstByte(data) == '[' {
		if err := json.Unmarshal(data, &pages); err != nil {
			return nil, jsonError(data, err, "a JSON array of "+authzExpected)
		}
		if len(pages) == 0 {
			return nil, &InputError{Msg: "empty JSON array; expected " + authzExpected}
		}
	} else {
		var p AuthzDetails
		if err := json.Unmarshal(data, &p); err != nil {
			return nil, jsonError(data, err, authzExpected)
		}
		pages = []*AuthzDetails{&p}
	}
	for i, p := range pages {
		if p == nil {
			return nil, &InputError{Msg: fmt.Sprintf("page %d is null; expected %s", i+1, authzExpected)}
		}
	}
	if err := checkAuthzKeys(data); err != nil {
		return nil, err
	}
	for i, p := range pages {
		if err := p.normalize(); err != nil {
			if len(pages) > 1 {
				err.Msg = fmt.Sprintf("page %d: %s", i+1, err.Msg)
			}
			return nil, err
		}
	}
	return pages, nil
}

// normalize decodes every policy document in place and checks identities,
// entry by entry (the first problem stops it).
func (p *AuthzDetails) normalize() *InputError {
	for i := range p.UserDetailList {
		if err := normalizeUser(i, &p.UserDetailList[i]); err != nil {
			return err
		}
	}
	for i := range p.GroupDetailList {
		if err := normalizeGroup(i, &p.GroupDetailList[i]); err != nil {
			return err
		}
	}
	for i := range p.RoleDetailList {
		if err := normalizeRole(i, &p.RoleDetailList[i]); err != nil {
			return err
		}
	}
	for i := range p.Policies {
		if err := normalizePolicy(i, &p.Policies[i]); err != nil {
			return err
		}
	}
	return nil
}

// The places named in messages ("user alice inline policy "x"") are
// built only for a message: most documents have none.

// normalizeDoc decodes one policy document in place.
func normalizeDoc(raw *json.RawMessage, where func() string) *InputError {
	d, err := normalizeDecoded(*raw)
	if err != nil {
		return &InputError{Msg: fmt.Sprintf("%s: %v", where(), err), Err: err}
	}
	*raw = d
	return nil
}

// checkInlineQuota refuses inline policies far larger in total than AWS's
// size quotas (snapshot.Quota) allow, naming the quota.
func checkInlineQuota(q snapshot.Quota, owner func() string, ps []PolicyDetail) *InputError {
	n := 0
	for _, pd := range ps {
		n += snapshot.PolicyChars(pd.PolicyDocument)
	}
	if err := q.Check(n); err != nil {
		return &InputError{Msg: fmt.Sprintf("%s: %v", owner(), err)}
	}
	return nil
}

// normalizeInline decodes the inline policies of one principal.
func normalizeInline(owner func() string, ps []PolicyDetail) *InputError {
	for j := range ps {
		where := func() string { return fmt.Sprintf("%s inline policy %q", owner(), ps[j].PolicyName) }
		if err := normalizeDoc(&ps[j].PolicyDocument, where); err != nil {
			return err
		}
	}
	return nil
}

func normalizeUser(i int, u *UserDetail) *InputError {
	return normalizeHolder(i, "User", u.Arn, u.UserName, u.UserPolicyList, snapshot.QuotaUserInlineSize)
}

func normalizeGroup(i int, g *GroupDetail) *InputError {
	return normalizeHolder(i, "Group", g.Arn, g.GroupName, g.GroupPolicyList, snapshot.QuotaGroupInlineSize)
}

// normalizeHolder checks entry i of the user or group list (kind "User" or
// "Group", as the list and its name field are spelled): its ARN and name,
// its inline policy documents, and their total size against quota.
func normalizeHolder(i int, kind, arn, name string, inline []PolicyDetail, quota snapshot.Quota) *InputError {
	if arn == "" || name == "" {
		return &InputError{Msg: fmt.Sprintf("%sDetailList[%d] has no Arn or %sName", kind, i, kind)}
	}
	owner := func() string { return strings.ToLower(kind) + " " + name }
	if err := normalizeInline(owner, inline); err != nil {
		return err
	}
	return checkInlineQuota(quota, owner, inline)
}

func normalizeRole(i int, r *RoleDetail) *InputError {
	if r.Arn == "" || r.RoleName == "" {
		return &InputError{Msg: fmt.Sprintf("RoleDetailList[%d] has no Arn or RoleName", i)}
	}
	owner := func() string { return "role " + r.RoleName }
	if len(r.AssumeRolePolicyDocument) > 0 && string(r.AssumeRolePolicyDocument) != "null" {
		where := func() string { return owner() + " AssumeRolePolicyDocument" }
		if err := normalizeDoc(&r.AssumeRolePolicyDocument, where); err != nil {
			return err
		}
		if err := checkDocQuota(snapshot.QuotaTrustPolicySize, r.AssumeRolePolicyDocument, where); err != nil {
			return err
		}
	}
	if err := normalizeInline(owner, r.RolePolicyList); err != nil {
		return err
	}
	return checkInlineQuota(snapshot.QuotaRoleInlineSize, owner, r.RolePolicyList)
}

func normalizePolicy(i int, mp *ManagedPolicyDetail) *InputError {
	if mp.Arn == "" {
		return &InputError{Msg: fmt.Sprintf("Policies[%d] has no Arn", i)}
	}
	if err := snapshot.QuotaPolicyVersions.Check(len(mp.PolicyVersionList)); err != nil {
		return &InputError{Msg: fmt.Sprintf("policy %s: %v", mp.Arn, err)}
	}
	for j := range mp.PolicyVersionList {
		v := &mp.PolicyVersionList[j]
		where := func() string { return fmt.Sprintf("policy %s version %s", mp.Arn, v.VersionId) }
		if err := normalizeDoc(&v.Document, where); err != nil {
			return err
		}
		if err := checkDocQuota(snapshot.QuotaManagedPolicySize, v.Document, where); err != nil {
			return err
		}
	}
	return nil
}

// DefaultDocument returns the default version's document: the version marked
// IsDefaultVersion, else the one whose VersionId equals DefaultVersionId.
func (mp *ManagedPolicyDetail) DefaultDocument() json.RawMessage {
	for _, v := range mp.PolicyVersionList {
		if v.IsDefaultVersion {
			return v.Document
		}
	}
	for _, v := range mp.PolicyVersionList {
		if v.VersionId != "" && v.VersionId == mp.DefaultVersionId {
			return v.Document
		}
	}
	return nil
}

// ApplyAuthorizationDetails merges pages into the account: users, groups,
// roles and managed policies, deduplicated by ARN (the first one seen wins,
// including ones already in the account). It fails if a page says more
// follow (IsTruncated) and the next page is missing, because a partial list
// would let rules pass identities they never saw. On success it marks
// InputAuthorizationDetails collected. Pages must come from
// DecodeAuthorizationDetails or hold already-decoded documents.
func ApplyAuthorizationDetails(acct *snapshot.Account, pages ...*AuthzDetails) error {
	truncated := 0
	for _, p := range pages {
		if p != nil && p.IsTruncated {
			truncated++
		}
	}
	if truncated >= len(pages) && truncated > 0 {
		return &InputError{Msg: fmt.Sprintf("authorization details are incomplete: %d of %d pages say more follow (IsTruncated) "+
			"but no further page was given; run the command without --max-items/--no-paginate, or pass every page", truncated, len(pages))}
	}
	seen := map[string]bool{}
	// Users already present came from a credential report applied first:
	// they take the listed details; those not listed are marked as such.
	earlier := map[string]*snapshot.User{}
	for _, u := range acct.Users {
		earlier[u.ARN] = u
	}
	for _, g := range acct.Groups {
		seen[g.ARN] = true
	}
	for _, r := range acct.Roles {
		seen[r.ARN] = true
	}
	for _, mp := range acct.Policies {
		seen[mp.ARN] = true
	}
	first := func(arn string) bool {
		if seen[arn] {
			return false
		}
		seen[arn] = true
		return true
	}
	for _, p := range pages {
		if p == nil {
			continue
		}
		for i := range p.UserDetailList {
			u := &p.UserDetailList[i]
			if !first(u.Arn) {
				continue
			}
			if prev := earlier[u.Arn]; prev != nil {
				mergeUserDetails(prev, convertUser(u))
				continue
			}
			acct.Users = append(acct.Users, convertUser(u))
		}
		for i := range p.GroupDetailList {
			if g := &p.GroupDetailList[i]; first(g.Arn) {
				acct.Groups = append(acct.Groups, convertGroup(g))
			}
		}
		for i := range p.RoleDetailList {
			if r := &p.RoleDetailList[i]; first(r.Arn) {
				acct.Roles = append(acct.Roles, convertRole(r))
			}
		}
		for i := range p.Policies {
			if mp := &p.Policies[i]; first(mp.Arn) {
				acct.Policies = append(acct.Policies, convertPolicy(mp))
			}
		}
	}
	for arn, u := range earlier {
		if !seen[arn] {
			u.MarkNotIn(snapshot.InputAuthorizationDetails)
		}
	}
	acct.MarkCollected(snapshot.InputAuthorizationDetails)
	return nil
}

// mergeUserDetails copies what the authorization details say of a user into
// one first seen in the credential report, keeping its credential fields.
func mergeUserDetails(dst, src *snapshot.User) {
	dst.Name, dst.ID, dst.Path, dst.CreatedAt = src.Name, src.ID, src.Path, src.CreatedAt
	dst.Groups, dst.AttachedPolicies, dst.InlinePolicies = src.Groups, src.AttachedPolicies, src.InlinePolicies
	dst.Tags, dst.PermissionsBoundary = src.Tags, src.PermissionsBoundary
	dst.NotIn = slices.DeleteFunc(dst.NotIn, func(in snapshot.Input) bool { return in == snapshot.InputAuthorizationDetails })
}

func convertUser(u *UserDetail) *snapshot.User {
	return &snapshot.User{
		Name: u.UserName, ID: u.UserId, ARN: u.Arn, Path: u.Path,
		CreatedAt:           u.CreateDate.Time,
		Groups:              append([]string(nil), u.GroupList...),
		AttachedPolicies:    refs(u.AttachedManagedPolicies),
		InlinePolicies:      inlines(u.UserPolicyList),
		Tags:                tags(u.Tags),
		PermissionsBoundary: boundary(u.PermissionsBoundary),
	}
}

func convertGroup(g *GroupDetail) *snapshot.Group {
	return &snapshot.Group{
		Name: g.GroupName, ID: g.GroupId, ARN: g.Arn, Path: g.Path,
		CreatedAt:        g.CreateDate.Time,
		AttachedPolicies: refs(g.AttachedManagedPolicies),
		InlinePolicies:   inlines(g.GroupPolicyList),
	}
}

func convertRole(r *RoleDetail) *snapshot.Role {
	out := &snapshot.Role{
		Name: r.RoleName, ID: r.RoleId, ARN: r.Arn, Path: r.Path,
		Description:         r.Description,
		CreatedAt:           r.CreateDate.Time,
		MaxSessionDuration:  r.MaxSessionDuration,
		AttachedPolicies:    refs(r.AttachedManagedPolicies),
		InlinePolicies:      inlines(r.RolePolicyList),
		PermissionsBoundary: boundary(r.PermissionsBoundary),
		Tags:                tags(r.Tags),
	}
	if len(r.AssumeRolePolicyDocument) > 0 && string(r.AssumeRolePolicyDocument) != "null" {
		out.TrustPolicy = snapshot.RawJSON(bytes.Clone(r.AssumeRolePolicyDocument))
	}
	for _, ip := range r.InstanceProfileList {
		out.InstanceProfiles = append(out.InstanceProfiles, ip.Arn)
	}
	// {} (or a date-less object) means the role was never used.
	if lu := r.RoleLastUsed; lu != nil && !lu.LastUsedDate.IsZero() {
		out.LastUsed = &snapshot.RoleLastUsed{Date: lu.LastUsedDate.Time, Region: lu.Region}
	}
	return out
}

func convertPolicy(mp *ManagedPolicyDetail) *snapshot.ManagedPolicy {
	out := &snapshot.ManagedPolicy{
		Name: mp.PolicyName, ID: mp.PolicyId, ARN: mp.Arn, Path: mp.Path,
		Description:      mp.Description,
		DefaultVersionID: mp.DefaultVersionId,
		AttachmentCount:  mp.AttachmentCount,
		IsAttachable:     mp.IsAttachable,
		CreatedAt:        mp.CreateDate.Ptr(),
		UpdatedAt:        mp.UpdateDate.Ptr(),
	}
	if mp.PermissionsBoundaryUsageCount != nil {
		out.PermissionsBoundaryUsageCount = *mp.PermissionsBoundaryUsageCount
	}
	if d := mp.DefaultDocument(); len(d) > 0 {
		out.Document = snapshot.RawJSON(bytes.Clone(d))
	}
	return out
}

func refs(in []AttachedPolicy) []snapshot.PolicyRef {
	var out []snapshot.PolicyRef
	for _, p := range in {
		out = append(out, snapshot.PolicyRef{Name: p.PolicyName, ARN: p.PolicyArn})
	}
	return out
}

func inlines(in []PolicyDetail) []snapshot.InlinePolicy {
	var out []snapshot.InlinePolicy
	for _, p := range in {
		out = append(out, snapshot.InlinePolicy{Name: p.PolicyName, Document: snapshot.RawJSON(bytes.Clone(p.PolicyDocument))})
	}
	return out
}

func tags(in []AWSTag) []snapshot.Tag {
	var out []snapshot.Tag
	for _, t := range in {
		out = append(out, snapshot.Tag{Key: t.Key, Value: t.Value})
	}
	return out
}

// boundary names the boundary policy after the last segment of its ARN,
// since AWS gives only the ARN.
func boundary(b *PermissionsBoundary) *snapshot.PolicyRef {
	if b == nil || b.PermissionsBoundaryArn == "" {
		return nil
	}
	name := b.PermissionsBoundaryArn[strings.LastIndexByte(b.PermissionsBoundaryArn, '/')+1:]
	return &snapshot.PolicyRef{Name: name, ARN: b.PermissionsBoundaryArn}
}

// authzKeys are the lists get-account-authorization-details always prints.
var authzKeys = []string{"UserDetailList", "GroupDetailList", "RoleDetailList", "Policies"}

// checkAuthzKeys refuses a document (or page) that holds none of the lists:
// `{}` or `null` is not an empty account, and scanning it as one would let
// every rule pass over identities it never saw.
func checkAuthzKeys(data []byte) *InputError {
	var pages []map[string]json.RawMessage
	if firstByte(data) == '[' {
		if json.Unmarshal(data, &pages) != nil {
			return nil // already reported by the typed decode
		}
	} else {
		var one map[string]json.RawMessage
		if json.Unmarshal(data, &one) != nil {
			return nil
		}
		pages = []map[string]json.RawMessage{one}
	}
	for i, p := range pages {
		found := false
		for _, k := range authzKeys {
			if _, ok := p[k]; ok {
				found = true
			}
		}
		if !found {
			where := ""
			if len(pages) > 1 {
				where = fmt.Sprintf("page %d: ", i+1)
			}
			return &InputError{Msg: where + "no UserDetailList, GroupDetailList, RoleDetailList or Policies: this is not the output of 'aws iam get-account-authorization-details' (even an empty account's output lists them)"}
		}
	}
	return nil
}
