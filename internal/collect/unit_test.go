package collect

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/smithy-go"

	"github.com/iamspect/iamspect/internal/importer"
	"github.com/iamspect/iamspect/internal/snapshot"
)

// The SDK's output structs marshal with the AWS member names, RFC 3339
// times, null for absent pointers and URL-encoded policy strings; the
// importer reads that shape, so live and file input convert the same way.
func TestSDKPageDecodesWithImporter(t *testing.T) {
	created := time.Date(2024, 3, 1, 12, 30, 0, 0, time.UTC)
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::a+b/*"}]}`
	enc := url.PathEscape(doc)
	page := &iam.GetAccountAuthorizationDetailsOutput{
		IsTruncated: false,
		UserDetailList: []types.UserDetail{{
			UserName: aws.String("alice"), UserId: aws.String("AIDA1"), Arn: aws.String("arn:aws:iam::123456789012:user/alice"),
			Path: aws.String("/"), CreateDate: &created, GroupList: []string{"devs"},
			UserPolicyList: []types.PolicyDetail{{PolicyName: aws.String("inline"), PolicyDocument: aws.String(enc)}},
			PermissionsBoundary: &types.AttachedPermissionsBoundary{PermissionsBoundaryArn: aws.String("arn:aws:iam::123456789012:policy/boundary"),
				PermissionsBoundaryType: types.PermissionsBoundaryAttachmentTypePolicy},
			Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("x")}},
		}},
		RoleDetailList: []types.RoleDetail{{
			RoleName: aws.String("r"), RoleId: aws.String("AROA1"), Arn: aws.String("arn:aws:iam::123456789012:role/r"), Path: aws.String("/"),
			CreateDate: &created, AssumeRolePolicyDocument: aws.String(enc),
			RoleLastUsed: &types.RoleLastUsed{}, // never used: no date
		}},
		Policies: []types.ManagedPolicyDetail{{
			PolicyName: aws.String("p"), Arn: aws.String("arn:aws:iam::123456789012:policy/p"), DefaultVersionId: aws.String("v2"),
			AttachmentCount: aws.Int32(3), IsAttachable: true, CreateDate: &created,
			PolicyVersionList: []types.PolicyVersion{
				{VersionId: aws.String("v1"), Document: aws.String(url.PathEscape(`{"Statement":[]}`))},
				{VersionId: aws.String("v2"), IsDefaultVersion: true, Document: aws.String(enc), CreateDate: &created},
			},
		}},
	}
	data, err := json.Marshal(page)
	if err != nil {
		t.Fatal(err)
	}
	pages, err := importer.DecodeAuthorizationDetails(data)
	if err != nil {
		t.Fatalf("importer rejects an SDK page: %v\n%s", err, data)
	}
	a := &snapshot.Account{ID: "123456789012"}
	if err := importer.ApplyAuthorizationDetails(a, pages...); err != nil {
		t.Fatal(err)
	}
	u := a.User("alice")
	if u == nil || !u.CreatedAt.Equal(created) || len(u.InlinePolicies) != 1 || string(u.InlinePolicies[0].Document) != doc {
		t.Fatalf("user = %+v", u)
	}
	if u.PermissionsBoundary == nil || u.PermissionsBoundary.Name != "boundary" || len(u.Tags) != 1 {
		t.Errorf("boundary/tags = %+v %+v", u.PermissionsBoundary, u.Tags)
	}
	if r := a.Role("r"); r == nil || string(r.TrustPolicy) != doc || r.LastUsed != nil {
		t.Errorf("role = %+v", r)
	}
	if p := a.Policy("arn:aws:iam::123456789012:policy/p"); p == nil || string(p.Document) != doc || p.AttachmentCount != 3 {
		t.Errorf("policy = %+v", p)
	}
}

func TestActionName(t *testing.T) {
	for _, c := range [][3]string{
		{"IAM", "GetAccountSummary", "iam:GetAccountSummary"},
		{"SSO Admin", "ListInstances", "sso:ListInstances"},
		{"AccessAnalyzer", "ListAnalyzers", "access-analyzer:ListAnalyzers"},
		{"identitystore", "ListUsers", "identitystore:ListUsers"},
		{"Organizations", "ListAccounts", "organizations:ListAccounts"},
		{"STS", "AssumeRole", "sts:AssumeRole"},
	} {
		if got := ActionName(c[0], c[1]); got != c[2] {
			t.Errorf("ActionName(%q, %q) = %q, want %q", c[0], c[1], got, c[2])
		}
	}
}

func TestGapForNamesAPIAndReason(t *testing.T) {
	denied := &smithy.GenericAPIError{Code: "AccessDenied", Message: "User: arn:aws:iam::1:user/x is not authorized to perform: iam:GenerateCredentialReport"}
	gaps := gapFor("123456789012", snapshot.InputCredentialReport, apiErr("iam:GenerateCredentialReport", fmt.Errorf("wrapped: %w", denied)))
	if len(gaps) != 1 || gaps[0].API != "iam:GenerateCredentialReport" || gaps[0].Reason != "AccessDenied: "+denied.Message ||
		gaps[0].Input != snapshot.InputCredentialReport || gaps[0].AccountID != "123456789012" {
		t.Fatalf("gaps = %+v", gaps)
	}
	multi := &multiInputsErr{[]error{
		&inputsErr{inputs: []snapshot.Input{snapshot.InputSSHKeys}, err: apiErr("iam:ListSSHPublicKeys", denied)},
		&inputsErr{inputs: []snapshot.Input{snapshot.InputServiceCredentials}, err: errors.New("boom")},
	}}
	gaps = gapFor("1", snapshot.InputSSHKeys, multi)
	if len(gaps) != 2 || gaps[0].API != "iam:ListSSHPublicKeys" || gaps[1].Input != snapshot.InputServiceCredentials || gaps[1].Reason != "boom" {
		t.Fatalf("gaps = %+v", gaps)
	}
}

func TestSelectAccounts(t *testing.T) {
	org := &snapshot.Organization{Accounts: []snapshot.OrgAccount{
		{ID: "111111111111", Status: "ACTIVE"}, {ID: "222222222222", Status: "SUSPENDED"},
		{ID: "333333333333", Status: "ACTIVE"}, {ID: "444444444444"},
	}}
	ids, gaps := selectAccounts(org, "111111111111", &Options{})
	if !slices.Equal(ids, []string{"111111111111", "333333333333", "444444444444"}) || len(gaps) != 0 {
		t.Errorf("all: %v %v", ids, gaps)
	}
	ids, gaps = selectAccounts(org, "111111111111", &Options{Accounts: []string{"333333333333", "222222222222"}, ExcludeAccounts: []string{"444444444444"}})
	if !slices.Equal(ids, []string{"333333333333"}) || len(gaps) != len(memberInputs()) || gaps[0].AccountID != "222222222222" {
		t.Errorf("selected: %v %v", ids, gaps)
	}
	ids, _ = selectAccounts(nil, "111111111111", &Options{})
	if !slices.Equal(ids, []string{"111111111111"}) {
		t.Errorf("no organisation: %v", ids)
	}
}

func TestProbeCandidates(t *testing.T) {
	a := &snapshot.Account{Users: []*snapshot.User{
		{Name: "console", Password: &snapshot.Password{Enabled: true}},
		{Name: "key", Password: &snapshot.Password{}, AccessKeys: []snapshot.AccessKey{{Slot: 1, Status: snapshot.StatusInactive}}},
		{Name: "bare", Password: &snapshot.Password{}},
	}}
	got := probeCandidates(a)
	if len(got) != 1 || got[0].Name != "bare" {
		t.Fatalf("candidates = %v", got)
	}
}

func TestCheckRequested(t *testing.T) {
	org := &snapshot.Organization{Accounts: []snapshot.OrgAccount{{ID: "333333333333"}, {ID: "111111111111"}, {ID: "222222222222", Status: "SUSPENDED"}}}
	if err := checkRequested(org, &Options{Accounts: []string{"222222222222", "111111111111"}}); err != nil {
		t.Errorf("members refused: %v", err)
	}
	err := checkRequested(org, &Options{Accounts: []string{"999999999999", "111111111111"}})
	want := "--accounts 999999999999 is not a member of the organisation; its 3 accounts: 111111111111, 222222222222 and 333333333333"
	if err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
	if err := checkRequested(nil, &Options{Accounts: []string{"999999999999"}}); err != nil {
		t.Errorf("an unlisted organisation is no evidence: %v", err)
	}
	var big snapshot.Organization
	for i := range 25 {
		big.Accounts = append(big.Accounts, snapshot.OrgAccount{ID: fmt.Sprintf("1000000000%02d", i)})
	}
	err = checkRequested(&big, &Options{Accounts: []string{"999999999999", "888888888888"}})
	if err == nil || !strings.HasPrefix(err.Error(), "--accounts 999999999999 and 888888888888 are not members of the organisation; its 25 accounts: 100000000000, ") ||
		!strings.HasSuffix(err.Error(), "100000000019 and 5 more") {
		t.Errorf("capped: %v", err)
	}
}
