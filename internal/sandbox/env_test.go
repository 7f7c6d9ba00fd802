package sandbox

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/iamspect/iamspect/internal/demo"
)

// TestEnvWithSDKConfigLoader checks that the printed environment is all the
// SDK's default config loader needs.
func TestEnvWithSDKConfigLoader(t *testing.T) {
	_, u := serve(t, demo.Snapshot(), Options{})
	t.Setenv("AWS_CONFIG_FILE", "/dev/null")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_SESSION_TOKEN", "")
	for _, kv := range Env(u) {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	cfg, err := config.LoadDefaultConfig(ctx(t), config.WithRetryer(connRetryer))
	if err != nil {
		t.Fatal(err)
	}
	me := must[*sts.GetCallerIdentityOutput](t)(sts.NewFromConfig(cfg).GetCallerIdentity(ctx(t), nil))
	if *me.Account != demo.AccountID {
		t.Fatalf("account %s", *me.Account)
	}
	must[*iam.GetAccountSummaryOutput](t)(iam.NewFromConfig(cfg).GetAccountSummary(ctx(t), nil))
}

// TestRawProtocolErrors covers requests no SDK sends.
func TestRawProtocolErrors(t *testing.T) {
	_, u := serve(t, demo.Snapshot(), Options{})
	post := func(body string, header map[string]string) (int, string) {
		req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(body))
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	form := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
	if code, body := post("Action=DeleteAccountAlias&Version=2010-05-08&AccountAlias=x", form); code != 400 || !strings.Contains(body, "<Code>InvalidAction</Code>") {
		t.Errorf("unknown IAM action: %d %s", code, body)
	}
	// Unsigned Query requests are routed by Version.
	if code, body := post("Action=GetCallerIdentity&Version=2011-06-15", form); code != 200 || !strings.Contains(body, "<GetCallerIdentityResponse") {
		t.Errorf("unsigned STS: %d %s", code, body)
	}
	if code, body := post("{}", map[string]string{"X-Amz-Target": "AWSOrganizationsV20161128.DeleteOrganization", "Content-Type": contentJSON11}); code != 400 || !strings.Contains(body, "UnknownOperationException") {
		t.Errorf("unknown Organizations action: %d %s", code, body)
	}
	if code, body := post("{", map[string]string{"X-Amz-Target": "SWBExternalService.ListInstances", "Content-Type": contentJSON11}); code != 400 || !strings.Contains(body, "SerializationException") {
		t.Errorf("bad JSON: %d %s", code, body)
	}
	if code, _ := post("hello", nil); code != 400 {
		t.Errorf("unknown service: %d", code)
	}
	resp, err := http.Post(u+"/_sandbox/stats", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST stats: %d", resp.StatusCode)
	}
}

// A service the sandbox does not serve is named in an error of that
// service's shape, whatever protocol its clients speak.
func TestUnservedServices(t *testing.T) {
	_, u := serve(t, demo.Snapshot(), Options{})
	auth := func(svc string) string {
		return "AWS4-HMAC-SHA256 Credential=" + DummyAccessKeyID + "/20260101/us-east-1/" + svc + "/aws4_request, SignedHeaders=host, Signature=00"
	}
	for _, tc := range []struct {
		name, method, path, body string
		header                   map[string]string
		want                     []string
	}{
		{"s3", http.MethodGet, "/", "", map[string]string{"Authorization": auth("s3")},
			[]string{"<Error><Code>NotImplemented</Code><Message>the iamspect sandbox does not serve the AWS service &#39;s3&#39;", "<RequestId>"}},
		{"ec2", http.MethodPost, "/", "Action=DescribeInstances&Version=2016-11-15",
			map[string]string{"Authorization": auth("ec2"), "Content-Type": "application/x-www-form-urlencoded"},
			[]string{"<Response><Errors><Error><Code>NotImplemented</Code>", "service &#39;ec2&#39;", "<RequestID>"}},
		{"sns", http.MethodPost, "/", "Action=ListTopics&Version=2010-03-31",
			map[string]string{"Authorization": auth("sns"), "Content-Type": "application/x-www-form-urlencoded"},
			[]string{"<ErrorResponse", "<Code>NotImplemented</Code>", "service &#39;sns&#39;"}},
		{"dynamodb", http.MethodPost, "/", "{}",
			map[string]string{"Authorization": auth("dynamodb"), "X-Amz-Target": "DynamoDB_20120810.ListTables", "Content-Type": "application/x-amz-json-1.0"},
			[]string{`"__type":"NotImplemented"`, `service 'dynamodb'`}},
		{"unsigned JSON", http.MethodPost, "/", "{}",
			map[string]string{"X-Amz-Target": "AmazonSSM.DescribeParameters", "Content-Type": contentJSON11},
			[]string{`"__type":"NotImplemented"`, `service 'AmazonSSM'`}},
		{"hostile name", http.MethodGet, "/", "", map[string]string{"Authorization": auth("<script>")},
			[]string{`"message":"the iamspect sandbox does not serve the AWS service '(not a service name)'`}},
		{"lambda", http.MethodGet, "/2015-03-31/functions/", "", map[string]string{"Authorization": auth("lambda")},
			[]string{`"message":"the iamspect sandbox does not serve the AWS service 'lambda'; it serves access-analyzer, account, iam,`}},
	} {
		req, _ := http.NewRequest(tc.method, u+tc.path, strings.NewReader(tc.body))
		for k, v := range tc.header {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotImplemented {
			t.Errorf("%s: status %d", tc.name, resp.StatusCode)
		}
		for _, w := range tc.want {
			if !strings.Contains(string(b), w) {
				t.Errorf("%s: body %s lacks %s", tc.name, b, w)
			}
		}
	}
}

// ListUsers and ListRoles leave Tags out, as AWS does; GetUser and GetRole
// carry them only when there are some. An empty <Tags></Tags> would tell a
// client "no tags" where the list call says nothing about tags.
func TestTagsLeftOutWhenNotAnswered(t *testing.T) {
	_, u := serve(t, demo.Snapshot(), Options{})
	call := func(form string) string {
		req, _ := http.NewRequest(http.MethodPost, u+"/", strings.NewReader(form+"&Version=2010-05-08"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+DummyAccessKeyID+"/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=00")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d %s", form, resp.StatusCode, body)
		}
		return string(body)
	}
	for _, form := range []string{"Action=ListUsers", "Action=ListRoles", "Action=GetUser&UserName=bob.chen"} {
		if body := call(form); strings.Contains(body, "<Tags>") {
			t.Errorf("%s answered a Tags element: %.300s", form, body)
		}
	}
	var tagged string
	for _, usr := range demo.Snapshot().Accounts[0].Users {
		if len(usr.Tags) > 0 {
			tagged = usr.Name
			break
		}
	}
	if tagged == "" {
		t.Skip("the demo has no tagged user")
	}
	if body := call("Action=GetUser&UserName=" + tagged); !strings.Contains(body, "<Tags><member><Key>") {
		t.Errorf("GetUser %s lost its tags: %.400s", tagged, body)
	}
}
