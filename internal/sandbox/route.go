package sandbox

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/iamspect/iamspect/internal/snapshot"
)

// Services, named by their IAM action prefix (which is also how stats and
// Options.Deny name them).
const (
	svcIAM            = "iam"
	svcSTS            = "sts"
	svcOrganizations  = "organizations"
	svcSSO            = "sso"
	svcIdentityStore  = "identitystore"
	svcAccessAnalyzer = "access-analyzer"
	svcAccount        = "account"
)

// protocol is an AWS wire protocol.
type protocol int

const (
	protoQuery protocol = iota
	protoJSON
	protoRESTJSON
	protoRESTXML // only for errors of unserved services (S3 and others)
	protoEC2     // only for errors of EC2, which has its own shape
)

// handler answers one API action; the result is marshalled for the protocol
// (XML inside <ActionResult>, or JSON).
type handler func(s *Server, c *call) (any, *apiError)

// call is one request being answered.
type call struct {
	w     http.ResponseWriter
	r     *http.Request
	body  []byte
	reqID string

	service string
	proto   protocol
	action  string
	region  string
	akid    string
	handler handler

	form url.Values // Query protocol parameters

	input   snapshot.Input    // the input that gates the action, set by authorize
	acct    *snapshot.Account // the account the credentials act in
	session *session          // nil for the default credentials
}

func (c *call) key() string { return c.service + ":" + c.action }

// services maps signing names and X-Amz-Target prefixes to services.
var (
	signingNames = map[string]string{
		"iam": svcIAM, "sts": svcSTS, "organizations": svcOrganizations,
		"sso": svcSSO, "identitystore": svcIdentityStore, "access-analyzer": svcAccessAnalyzer,
		"account": svcAccount,
	}
	targetPrefixes = map[string]string{
		"AWSOrganizationsV20161128": svcOrganizations,
		"SWBExternalService":        svcSSO,
		"AWSIdentityStore":          svcIdentityStore,
	}
	queryVersions = map[string]string{"2010-05-08": svcIAM, "2011-06-15": svcSTS}
	handlers      = map[string]map[string]handler{
		svcIAM: iamHandlers, svcSTS: stsHandlers, svcOrganizations: orgHandlers,
		svcSSO: ssoHandlers, svcIdentityStore: identityStoreHandlers,
		svcAccessAnalyzer: accessAnalyzerHandlers, svcAccount: accountHandlers,
	}
	protocols = map[string]protocol{
		svcIAM: protoQuery, svcSTS: protoQuery, svcOrganizations: protoJSON,
		svcSSO: protoJSON, svcIdentityStore: protoJSON, svcAccessAnalyzer: protoRESTJSON,
		svcAccount: protoRESTJSON,
	}
)

// identify finds the service (from the SigV4 credential scope, else the
// X-Amz-Target header, the Query Version or the path), the action and the
// handler.
func (c *call) identify() *apiError {
	var signing string
	c.akid, c.region, signing = parseAuthorization(c.r.Header.Get("Authorization"))
	c.service = signingNames[signing]
	if c.region == "" {
		c.region = DefaultRegion
	}
	target := c.r.Header.Get("X-Amz-Target")
	prefix, op, _ := strings.Cut(target, ".")
	if c.service == "" && signing != "" {
		return c.unserved(signing)
	}
	if c.service == "" {
		c.service = targetPrefixes[prefix]
	}
	if c.service == "" && prefix != "" {
		return c.unserved(prefix)
	}
	if c.service == "" && c.r.URL.Path == "/analyzer" {
		c.service = svcAccessAnalyzer
	}
	if c.service == "" && c.r.URL.Path == "/listRegions" {
		c.service = svcAccount
	}
	if c.service == "" || protocols[c.service] == protoQuery {
		if err := c.parseForm(); err != nil {
			c.proto = protoQuery
			return &apiError{Status: 400, Code: "MalformedQueryString", Message: err.Error()}
		}
		if c.service == "" {
			c.service = queryVersions[c.form.Get("Version")]
		}
	}
	if c.service == "" {
		c.proto = protoQuery
		return &apiError{Status: 400, Code: "UnknownService",
			Message: "iamspect sandbox: cannot tell which AWS service this request is for"}
	}
	c.proto = protocols[c.service]
	switch c.proto {
	case protoQuery:
		c.action = c.form.Get("Action")
	case protoJSON:
		if targetPrefixes[prefix] != c.service {
			return &apiError{Status: 400, Code: "UnknownOperationException", Message: "unknown X-Amz-Target " + target}
		}
		c.action = op
	case protoRESTJSON:
		c.action = restAction(c.r.Method, c.r.URL.Path)
	}
	c.handler = handlers[c.service][c.action]
	if c.handler == nil {
		code := "InvalidAction"
		if c.proto != protoQuery {
			code = "UnknownOperationException"
		}
		if c.action == "" {
			c.action = "Unknown"
		}
		return &apiError{Status: 400, Code: code,
			Message: "iamspect sandbox does not implement " + c.service + ":" + c.action}
	}
	return nil
}

func (c *call) parseForm() error {
	v, err := url.ParseQuery(c.r.URL.RawQuery)
	if err != nil {
		return err
	}
	if c.r.Method == http.MethodPost {
		b, err := url.ParseQuery(string(c.body))
		if err != nil {
			return err
		}
		for k, vs := range b {
			v[k] = append(v[k], vs...)
		}
	}
	c.form = v
	return nil
}

// unserved answers a request for a service the sandbox does not serve
// (`aws s3 ls`, `aws ec2 describe-instances` pointed at it) with an error
// that names the service, in the shape that service's clients parse, so
// that the AWS CLI and SDKs print it instead of failing to parse it.
func (c *call) unserved(name string) *apiError {
	if len(name) > 64 || strings.IndexFunc(name, func(r rune) bool {
		return (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') && (r < '0' || r > '9') && r != '-' && r != '_' && r != '.'
	}) >= 0 {
		name = "(not a service name)" // echoed back: only what a signing name can be
	}
	c.service = name
	c.proto = foreignProtocol(name, c.r)
	served := make([]string, 0, len(handlers))
	for svc := range handlers {
		served = append(served, svc)
	}
	slices.Sort(served)
	return &apiError{Status: http.StatusNotImplemented, Code: "NotImplemented",
		Message: "the iamspect sandbox does not serve the AWS service '" + name + "'; it serves " +
			strings.Join(served, ", ") + " (see docs/sandbox.md)"}
}

// restXMLServices are the REST-XML services; EC2 has its own error shape.
var restXMLServices = map[string]bool{"s3": true, "s3control": true, "route53": true, "cloudfront": true}

// foreignProtocol guesses an unserved service's wire protocol from the
// request: JSON when it names an X-Amz-Target, Query when it names an
// Action, else REST (XML for the REST-XML services, JSON for the rest).
func foreignProtocol(name string, r *http.Request) protocol {
	switch {
	case name == "ec2":
		return protoEC2
	case restXMLServices[name]:
		return protoRESTXML
	case r.Header.Get("X-Amz-Target") != "":
		return protoJSON
	case strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") || r.URL.Query().Get("Action") != "":
		return protoQuery
	}
	return protoRESTJSON
}

// parseAuthorization reads the access key ID, region and service from a
// SigV4 Authorization header:
// "AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/iam/aws4_request, ...".
// Signatures are not checked.
func parseAuthorization(h string) (akid, region, signingName string) {
	i := strings.Index(h, "Credential=")
	if i < 0 {
		return "", "", ""
	}
	cred := h[i+len("Credential="):]
	if j := strings.IndexAny(cred, ", "); j >= 0 {
		cred = cred[:j]
	}
	parts := strings.Split(cred, "/")
	if len(parts) != 5 {
		return "", "", ""
	}
	return parts[0], parts[2], parts[3]
}

// authenticate picks the account the request's credentials act in.
func (s *Server) authenticate(c *call) *apiError {
	c.acct = s.defaultAcct
	if !strings.HasPrefix(c.akid, "ASIA") {
		return nil
	}
	s.mu.Lock()
	sess, ok := s.sessions[c.akid]
	s.mu.Unlock()
	if ok {
		c.session = &sess
		c.acct = s.snap.Account(sess.accountID)
		return nil
	}
	// A session of an earlier run of the server: the key still names the
	// account.
	if id := accountFromSessionKey(c.akid); id != "" {
		if a := s.snap.Account(id); a != nil {
			c.acct = a
			c.session = &session{accountID: id, roleName: "unknown-role", sessionName: "unknown-session"}
			return nil
		}
	}
	status := 403
	code := "InvalidClientTokenId"
	if c.proto != protoQuery {
		code = "UnrecognizedClientException"
	}
	return &apiError{Status: status, Code: code, Message: "The security token included in the request is invalid."}
}

// callerARN is the ARN the request's credentials stand for.
func (c *call) callerARN() string {
	p := partition(c.acct)
	if c.session != nil {
		return "arn:" + p + ":sts::" + c.acct.ID + ":assumed-role/" + c.session.roleName + "/" + c.session.sessionName
	}
	return "arn:" + p + ":iam::" + c.acct.ID + ":user/" + sandboxUserName
}

// The user the default credentials stand for (sts:GetCallerIdentity,
// iam:GetUser without a name).
const (
	sandboxUserName = "iamspect-sandbox"
	callerUserID    = "AIDAIAMSPECTSANDBOX01"
)

func partition(a *snapshot.Account) string {
	if a == nil || a.Partition == "" {
		return "aws"
	}
	return a.Partition
}
