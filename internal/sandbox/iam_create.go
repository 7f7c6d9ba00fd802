package sandbox

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"

	"github.com/iamspect/iamspect/internal/snapshot"
)

// The IAM creations the migration plans make (migrate github-oidc: the
// OIDC provider and a role per repository; migrate identity-center: a
// customer managed policy a permission set references), with AWS's
// validation: names of [\w+=,.@-] (64 characters for roles, 128 for
// policies), paths that begin and end with /, policy documents that parse,
// MaxSessionDuration from 3600 to 43200, https provider URLs, and
// EntityAlreadyExists for a name (or URL) taken.

var iamCreateHandlers = map[string]handler{
	"CreateRole":                  createRole,
	"CreatePolicy":                createPolicy,
	"DeletePolicy":                deletePolicy,
	"CreateOpenIDConnectProvider": createOpenIDConnectProvider,
}

func init() {
	for k, h := range iamCreateHandlers {
		iamWriteHandlers[k] = h
		iamHandlers[k] = h
		otherActions["iam:"+k] = "a write that migrate plans make (iam_create.go): it changes the served state"
	}
}

var (
	iamNameRe = regexp.MustCompile(`^[\w+=,.@-]+$`)
	iamPathRe = regexp.MustCompile(`^/([\x21-\x7e]*/)?$`)
)

func entityExists(msg string) *apiError {
	return &apiError{Status: 409, Code: "EntityAlreadyExists", Message: msg}
}

func malformed(msg string) *apiError {
	return &apiError{Status: 400, Code: "MalformedPolicyDocument", Message: msg}
}

// pathParam reads an optional Path (default /).
func (c *call) pathParam() (string, *apiError) {
	p := c.form.Get("Path")
	if p == "" {
		return "/", nil
	}
	if len(p) > 512 || !iamPathRe.MatchString(p) {
		return "", c.validation("The specified value for path is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters.")
	}
	return p, nil
}

func validDoc(doc string) bool {
	var v map[string]any
	return json.Unmarshal([]byte(doc), &v) == nil && v["Statement"] != nil
}

func createRole(s *Server, c *call) (any, *apiError) {
	name, e := c.required("RoleName")
	if e != nil {
		return nil, e
	}
	if len(name) > 64 || !iamNameRe.MatchString(name) {
		return nil, c.validation("The specified value for roleName is invalid.")
	}
	trust, e := c.required("AssumeRolePolicyDocument")
	if e != nil {
		return nil, e
	}
	if !validDoc(trust) {
		return nil, malformed("This policy contains invalid Json")
	}
	path, e := c.pathParam()
	if e != nil {
		return nil, e
	}
	maxSession := 3600
	if v := c.form.Get("MaxSessionDuration"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 3600 || n > 43200 {
			return nil, c.validation("1 validation error detected: Value '" + v + "' at 'maxSessionDuration' failed to satisfy constraint: Member must have value between 3600 and 43200")
		}
		maxSession = n
	}
	if c.acct.Role(name) != nil {
		return nil, entityExists("Role with name " + name + " already exists.")
	}
	arn := "arn:" + partition(c.acct) + ":iam::" + c.acct.ID + ":role" + path + name
	r := &snapshot.Role{Name: name, ARN: arn, Path: path, Description: c.form.Get("Description"), CreatedAt: *s.now(c.acct),
		TrustPolicy: snapshot.RawJSON(trust), MaxSessionDuration: maxSession}
	r.ID = entityID("", "AROA", arn)
	if b := c.form.Get("PermissionsBoundary"); b != "" {
		p := c.acct.Policy(b)
		if p == nil && !snapshot.IsAWSManagedPolicyARN(b) {
			return nil, noSuchEntity("Scope ARN: " + b + " does not exist or is not attachable.")
		}
		r.PermissionsBoundary = &snapshot.PolicyRef{Name: b[strings.LastIndex(b, "/")+1:], ARN: b}
	}
	c.acct.Roles = append(c.acct.Roles, r)
	return struct {
		Role xmlRole `xml:"Role"`
	}{xmlRoleOf(r)}, nil
}

type xmlCreatedPolicy struct {
	PolicyName       string `xml:"PolicyName"`
	PolicyId         string `xml:"PolicyId"`
	Arn              string `xml:"Arn"`
	Path             string `xml:"Path"`
	DefaultVersionId string `xml:"DefaultVersionId"`
	AttachmentCount  int    `xml:"AttachmentCount"`
	IsAttachable     bool   `xml:"IsAttachable"`
	CreateDate       string `xml:"CreateDate"`
	UpdateDate       string `xml:"UpdateDate"`
}

func createPolicy(s *Server, c *call) (any, *apiError) {
	name, e := c.required("PolicyName")
	if e != nil {
		return nil, e
	}
	if len(name) > 128 || !iamNameRe.MatchString(name) {
		return nil, c.validation("The specified value for policyName is invalid.")
	}
	doc, e := c.required("PolicyDocument")
	if e != nil {
		return nil, e
	}
	if len(doc) > 6144 {
		return nil, &apiError{Status: 409, Code: "LimitExceeded", Message: "Cannot exceed quota for PolicySize: 6144"}
	}
	if !validDoc(doc) {
		return nil, malformed("This policy contains invalid Json")
	}
	path, e := c.pathParam()
	if e != nil {
		return nil, e
	}
	arn := "arn:" + partition(c.acct) + ":iam::" + c.acct.ID + ":policy" + path + name
	if c.acct.Policy(arn) != nil {
		return nil, entityExists("A policy called " + name + " already exists. Duplicate names are not allowed.")
	}
	now := s.now(c.acct)
	p := &snapshot.ManagedPolicy{Name: name, ID: entityID("", "ANPA", arn), ARN: arn, Path: path, Description: c.form.Get("Description"),
		DefaultVersionID: "v1", Document: snapshot.RawJSON(doc), IsAttachable: true, CreatedAt: now, UpdatedAt: now}
	c.acct.Policies = append(c.acct.Policies, p)
	return struct {
		Policy xmlCreatedPolicy `xml:"Policy"`
	}{xmlCreatedPolicy{PolicyName: name, PolicyId: p.ID, Arn: arn, Path: path, DefaultVersionId: "v1", IsAttachable: true,
		CreateDate: ts(*now), UpdateDate: ts(*now)}}, nil
}

func deletePolicy(s *Server, c *call) (any, *apiError) {
	arn, e := c.required("PolicyArn")
	if e != nil {
		return nil, e
	}
	p := c.acct.Policy(arn)
	if p == nil || p.AWSManaged() {
		return nil, noSuchEntity("Policy " + arn + " was not found.")
	}
	if p.AttachmentCount > 0 {
		return nil, deleteConflict("Cannot delete a policy attached to entities.")
	}
	for i, x := range c.acct.Policies {
		if x == p {
			c.acct.Policies = append(c.acct.Policies[:i], c.acct.Policies[i+1:]...)
			break
		}
	}
	return nil, nil
}

func createOpenIDConnectProvider(s *Server, c *call) (any, *apiError) {
	u, e := c.required("Url")
	if e != nil {
		return nil, e
	}
	if !strings.HasPrefix(u, "https://") || len(u) > 255 || len(u) <= len("https://") {
		return nil, c.validation("The URL must begin with https:// and have a host")
	}
	host := strings.TrimSuffix(strings.TrimPrefix(u, "https://"), "/")
	arn := "arn:" + partition(c.acct) + ":iam::" + c.acct.ID + ":oidc-provider/" + host
	for _, p := range c.acct.OIDCProviders {
		if p.ARN == arn {
			return nil, entityExists("Provider with url " + u + " already exists.")
		}
	}
	var clients, thumbs []string
	for i := 1; ; i++ {
		v := c.form.Get("ClientIDList.member." + strconv.Itoa(i))
		if v == "" {
			break
		}
		clients = append(clients, v)
	}
	for i := 1; ; i++ {
		v := c.form.Get("ThumbprintList.member." + strconv.Itoa(i))
		if v == "" {
			break
		}
		if len(v) != 40 {
			return nil, c.validation("A thumbprint must be 40 hexadecimal characters")
		}
		thumbs = append(thumbs, v)
	}
	c.acct.OIDCProviders = append(c.acct.OIDCProviders, snapshot.OIDCProvider{ARN: arn, URL: host, ClientIDs: clients, Thumbprints: thumbs, CreatedAt: s.now(c.acct)})
	return struct {
		OpenIDConnectProviderArn string `xml:"OpenIDConnectProviderArn"`
	}{arn}, nil
}
