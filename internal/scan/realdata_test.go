package scan_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/iamspect/iamspect/internal/importer"
	"github.com/iamspect/iamspect/internal/rules"
	"github.com/iamspect/iamspect/internal/scan"
	"github.com/iamspect/iamspect/internal/snapshot"
	"github.com/iamspect/iamspect/internal/testutil/shareddata"
)

// scanFiles imports real AWS CLI files and returns "rule/resource" → status.
func scanFiles(t *testing.T, opts importer.Options) map[string]rules.Status {
	t.Helper()
	opts.Now = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	s, err := importer.Import(opts)
	if err != nil {
		t.Fatal(err)
	}
	out, err := scan.Run(context.Background(), s, scan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]rules.Status{}
	arns := map[string]string{}
	for _, r := range out.Results.Slice() {
		key := r.RuleID + "/" + r.ResourceName
		if prev, dup := arns[key]; dup {
			if prev == r.ResourceARN {
				t.Fatalf("duplicate result %s", key)
			}
			key += "@" + r.ResourceType // a user and a group may share a name
		}
		arns[key] = r.ResourceARN
		got[key] = r.Status
	}
	return got
}

// The cloudmapper demo files, checked by hand against the CSV (generated
// 2019-05-07T15:40:22Z, which is "now" for ages):
//
//	<root_account>  mfa_active=true, access_key_1_active=true (used 2018-11-27 via ecr)
//	auditor_tmp     no password, key 1 active, created 2019-05-07 15:35:55, never used
//	user            password, no MFA, key 1 active (created 2019-05-07, never used),
//	                key 2 active (created and last used 2018-05-07: 365 days)
//	USER, USER_WITH_BAD_INLINE_POLICY   only in the authorization details
func TestCloudmapperFilesByHand(t *testing.T) {
	got := scanFiles(t, importer.Options{
		AuthzDetails:     []string{shareddata.Path(t, "authz-details/cloudmapper-demo-authz-details.json")},
		CredentialReport: shareddata.Path(t, "credential-reports/cloudmapper-demo-get-credential-report.json"),
	})
	want := map[string]rules.Status{
		"root-access-keys/<root_account>":                          rules.Fail,
		"root-mfa-disabled/<root_account>":                         rules.Pass,
		"iam-user-unnecessary/auditor_tmp":                         rules.Fail,
		"iam-user-unnecessary/user":                                rules.Fail,
		"iam-user-unnecessary/USER":                                rules.Fail,
		"iam-user-unnecessary/USER_WITH_BAD_INLINE_POLICY":         rules.Fail,
		"iam-user-password-and-access-keys/user":                   rules.Fail,
		"iam-user-password-and-access-keys/auditor_tmp":            rules.Pass,
		"iam-user-password-and-access-keys/USER":                   rules.Unknown,
		"iam-user-console-without-mfa/user":                        rules.Fail,
		"iam-user-console-without-mfa/auditor_tmp":                 rules.Pass,
		"iam-user-console-without-mfa/USER_WITH_BAD_INLINE_POLICY": rules.Unknown,
		"iam-access-key-not-rotated/user":                          rules.Fail,
		"iam-access-key-not-rotated/auditor_tmp":                   rules.Pass,
		"iam-access-key-unused/user":                               rules.Fail,
		"iam-access-key-unused/auditor_tmp":                        rules.Pass,
		"iam-access-key-unused/USER":                               rules.Unknown,
	}
	for key, status := range want {
		if got[key] != status {
			t.Errorf("%s: %q, want %s", key, got[key], status)
		}
	}
}

// Authorization details alone: every user is still an IAM user, but no
// credential rule may pass without the credential report.
func TestCloudsplainingAuthzOnly(t *testing.T) {
	got := scanFiles(t, importer.Options{
		AuthzDetails: []string{shareddata.Path(t, "authz-details/cloudsplaining-test-example-authz-details.json")},
	})
	for _, u := range []string{"obama", "biden", "userwithlotsofpermissions"} {
		if got["iam-user-unnecessary/"+u] != rules.Fail {
			t.Errorf("iam-user-unnecessary/%s: %q", u, got["iam-user-unnecessary/"+u])
		}
	}
	for key, status := range got {
		if status == rules.Pass && readsCredentialReport(strings.SplitN(key, "/", 2)[0]) {
			t.Errorf("%s passed without the credential report", key)
		}
	}
	for _, id := range []string{"root-access-keys", "root-mfa-disabled", "iam-access-key-unused"} {
		if got[id+"/012345678901"] != rules.Unknown {
			t.Errorf("%s: want one account-level UNKNOWN, got %q", id, got[id+"/012345678901"])
		}
	}
}

// readsCredentialReport reports whether a rule needs the credential report
// (rules that read only the authorization details may pass without it).
func readsCredentialReport(id string) bool {
	r := rules.ByID(id)
	return r == nil || slices.Contains(r.Needs, snapshot.InputCredentialReport) || slices.Contains(r.NeedsAny, snapshot.InputCredentialReport)
}
