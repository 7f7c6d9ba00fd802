package sandbox

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/iamspect/iamspect/internal/demo"
	"github.com/iamspect/iamspect/internal/snapshot"
)

// TestAWSCLIEntityReads runs the real AWS CLI's per-entity IAM commands
// against the demo, when the CLI is installed, and compares what it prints
// — names, IDs, ARNs, dates, policy documents (the CLI URL-decodes them) —
// with the snapshot; and the errors it prints for an unserved service.
func TestAWSCLIEntityReads(t *testing.T) {
	awsCLI(t)
	if testing.Short() {
		t.Skip("slow: starts the AWS CLI once per command")
	}
	snap := demo.Snapshot()
	a := snap.Accounts[0]
	_, url := serve(t, snap, Options{})
	home := t.TempDir()
	user := func(name string) *snapshot.User { return a.User(name) }
	str := func(v any) string { s, _ := v.(string); return s }
	list := func(v any) []map[string]any {
		var out []map[string]any
		for _, x := range v.([]any) {
			out = append(out, x.(map[string]any))
		}
		return out
	}
	date := func(t *testing.T, what string, got any, want time.Time) {
		t.Helper()
		g, err := time.Parse(time.RFC3339, str(got))
		if err != nil || !g.Equal(want.Truncate(time.Second)) {
			t.Errorf("%s: %v, want %v", what, got, want)
		}
	}
	doc := func(t *testing.T, what string, got any, want []byte) {
		t.Helper()
		b, _ := json.Marshal(got)
		if !sameJSON(t, b, want) {
			t.Errorf("%s: %s, want %s", what, b, want)
		}
	}
	cases := map[string]struct {
		args  []string
		check func(t *testing.T, out map[string]any)
		err   string // the error the CLI prints instead
	}{
		"list-users": {args: []string{"iam", "list-users", "--page-size", "3"}, check: func(t *testing.T, out map[string]any) {
			got := list(out["Users"])
			if len(got) != len(a.Users) {
				t.Fatalf("%d users, want %d (the CLI follows Marker)", len(got), len(a.Users))
			}
			for i, u := range a.Users {
				if str(got[i]["UserName"]) != u.Name || str(got[i]["Arn"]) != u.ARN || str(got[i]["UserId"]) != u.ID || str(got[i]["Path"]) != u.Path {
					t.Errorf("user %d: %v, want %s", i, got[i], u.Name)
				}
				date(t, u.Name, got[i]["CreateDate"], u.CreatedAt)
			}
		}},
		"get-user": {args: []string{"iam", "get-user", "--user-name", "alice.martin"}, check: func(t *testing.T, out map[string]any) {
			u, w := out["User"].(map[string]any), user("alice.martin")
			if str(u["Arn"]) != w.ARN || str(u["UserId"]) != w.ID || len(list(u["Tags"])) != len(w.Tags) {
				t.Errorf("%v", u)
			}
			date(t, "PasswordLastUsed", u["PasswordLastUsed"], *w.Password.LastUsed)
		}},
		"get-user-self": {args: []string{"iam", "get-user"}, check: func(t *testing.T, out map[string]any) {
			if u := out["User"].(map[string]any); str(u["Arn"]) != "arn:aws:iam::"+a.ID+":user/"+sandboxUserName {
				t.Errorf("%v", u)
			}
		}},
		"list-groups": {args: []string{"iam", "list-groups"}, check: func(t *testing.T, out map[string]any) {
			var names, want []string
			for _, g := range list(out["Groups"]) {
				names = append(names, str(g["GroupName"]))
			}
			for _, g := range a.Groups {
				want = append(want, g.Name)
			}
			if !slices.Equal(names, want) {
				t.Errorf("%v, want %v", names, want)
			}
		}},
		"get-group": {args: []string{"iam", "get-group", "--group-name", "Engineers"}, check: func(t *testing.T, out map[string]any) {
			var names, want []string
			for _, u := range list(out["Users"]) {
				names = append(names, str(u["UserName"]))
			}
			for _, u := range a.Users {
				if slices.Contains(u.Groups, "Engineers") {
					want = append(want, u.Name)
				}
			}
			if len(want) == 0 || !slices.Equal(names, want) || str(out["Group"].(map[string]any)["Arn"]) != a.Group("Engineers").ARN {
				t.Errorf("%v, want %v", out, want)
			}
		}},
		"list-groups-for-user": {args: []string{"iam", "list-groups-for-user", "--user-name", "alice.martin"}, check: func(t *testing.T, out map[string]any) {
			if g := list(out["Groups"]); len(g) != 1 || str(g[0]["GroupName"]) != user("alice.martin").Groups[0] {
				t.Errorf("%v", g)
			}
		}},
		"get-group-policy": {args: []string{"iam", "get-group-policy", "--group-name", "Engineers", "--policy-name", "self-service-iam"}, check: func(t *testing.T, out map[string]any) {
			doc(t, "PolicyDocument", out["PolicyDocument"], a.Group("Engineers").InlinePolicies[0].Document)
		}},
		"list-attached-group-policies": {args: []string{"iam", "list-attached-group-policies", "--group-name", "Engineers"}, check: func(t *testing.T, out map[string]any) {
			got := list(out["AttachedPolicies"])
			want := a.Group("Engineers").AttachedPolicies
			if len(got) != len(want) || str(got[0]["PolicyArn"]) != want[0].ARN || str(got[1]["PolicyArn"]) != want[1].ARN {
				t.Errorf("%v", got)
			}
		}},
		"get-role": {args: []string{"iam", "get-role", "--role-name", "github-actions-deploy"}, check: func(t *testing.T, out map[string]any) {
			r, w := out["Role"].(map[string]any), a.Role("github-actions-deploy")
			if str(r["Arn"]) != w.ARN || str(r["RoleId"]) != w.ID {
				t.Errorf("%v", r)
			}
			doc(t, "AssumeRolePolicyDocument", r["AssumeRolePolicyDocument"], w.TrustPolicy)
			date(t, "CreateDate", r["CreateDate"], w.CreatedAt)
		}},
		"list-role-policies": {args: []string{"iam", "list-role-policies", "--role-name", "partner-data-share"}, check: func(t *testing.T, out map[string]any) {
			if names := out["PolicyNames"].([]any); len(names) != 1 || names[0] != a.Role("partner-data-share").InlinePolicies[0].Name {
				t.Errorf("%v", names)
			}
		}},
		"get-role-policy": {args: []string{"iam", "get-role-policy", "--role-name", "partner-data-share", "--policy-name", "read-exports"}, check: func(t *testing.T, out map[string]any) {
			doc(t, "PolicyDocument", out["PolicyDocument"], a.Role("partner-data-share").InlinePolicies[0].Document)
		}},
		"list-attached-role-policies": {args: []string{"iam", "list-attached-role-policies", "--role-name", "report-builder-lambda"}, check: func(t *testing.T, out map[string]any) {
			if got := list(out["AttachedPolicies"]); len(got) != 1 || str(got[0]["PolicyArn"]) != a.Role("report-builder-lambda").AttachedPolicies[0].ARN {
				t.Errorf("%v", got)
			}
		}},
		"get-user-policy": {args: []string{"iam", "get-user-policy", "--user-name", "legacy-backup", "--policy-name", "backup-s3"}, check: func(t *testing.T, out map[string]any) {
			doc(t, "PolicyDocument", out["PolicyDocument"], user("legacy-backup").InlinePolicies[0].Document)
		}},
		"list-attached-user-policies": {args: []string{"iam", "list-attached-user-policies", "--user-name", "ci-deploy"}, check: func(t *testing.T, out map[string]any) {
			if got := list(out["AttachedPolicies"]); len(got) != 1 || str(got[0]["PolicyArn"]) != user("ci-deploy").AttachedPolicies[0].ARN {
				t.Errorf("%v", got)
			}
		}},
		"list-access-keys": {args: []string{"iam", "list-access-keys", "--user-name", "ci-deploy"}, check: func(t *testing.T, out map[string]any) {
			got, want := list(out["AccessKeyMetadata"]), user("ci-deploy").AccessKeys
			if len(got) != 2 {
				t.Fatalf("%v", got)
			}
			for i, k := range want {
				if str(got[i]["AccessKeyId"]) != k.ID || str(got[i]["Status"]) != k.Status {
					t.Errorf("key %d: %v", i, got[i])
				}
				date(t, k.ID, got[i]["CreateDate"], *k.CreatedAt)
			}
		}},
		"get-access-key-last-used": {args: []string{"iam", "get-access-key-last-used", "--access-key-id", "AKIAEXAMPLEALICE0001"}, check: func(t *testing.T, out map[string]any) {
			lu, k := out["AccessKeyLastUsed"].(map[string]any), user("alice.martin").AccessKeys[0]
			if str(out["UserName"]) != "alice.martin" || str(lu["ServiceName"]) != k.LastUsedService || str(lu["Region"]) != k.LastUsedRegion {
				t.Errorf("%v", out)
			}
			date(t, "LastUsedDate", lu["LastUsedDate"], *k.LastUsed)
		}},
		"get-login-profile": {args: []string{"iam", "get-login-profile", "--user-name", "bob.chen"}, check: func(t *testing.T, out map[string]any) {
			date(t, "CreateDate", out["LoginProfile"].(map[string]any)["CreateDate"], *user("bob.chen").Password.LastChanged)
		}},
		"get-login-profile-none": {args: []string{"iam", "get-login-profile", "--user-name", "ci-deploy"},
			err: "(NoSuchEntity) when calling the GetLoginProfile operation: Login Profile for User ci-deploy cannot be found."},
		"list-mfa-devices": {args: []string{"iam", "list-mfa-devices", "--user-name", "alice.martin"}, check: func(t *testing.T, out map[string]any) {
			d, w := list(out["MFADevices"]), user("alice.martin").MFADevices[0]
			if len(d) != 1 || str(d[0]["SerialNumber"]) != w.Serial {
				t.Fatalf("%v", d)
			}
			date(t, "EnableDate", d[0]["EnableDate"], *w.EnabledAt)
		}},
		"list-policies": {args: []string{"iam", "list-policies", "--scope", "Local"}, check: func(t *testing.T, out map[string]any) {
			var got, want []string
			for _, p := range list(out["Policies"]) {
				got = append(got, str(p["Arn"]))
			}
			for _, p := range a.Policies {
				if !p.AWSManaged() {
					want = append(want, p.ARN)
				}
			}
			if len(want) == 0 || !slices.Equal(got, want) {
				t.Errorf("%v, want %v", got, want)
			}
		}},
		"get-policy-version": {args: []string{"iam", "get-policy-version", "--policy-arn", a.Policies[3].ARN, "--version-id", a.Policies[3].DefaultVersionID}, check: func(t *testing.T, out map[string]any) {
			v := out["PolicyVersion"].(map[string]any)
			if v["IsDefaultVersion"] != true {
				t.Errorf("%v", v)
			}
			doc(t, "Document", v["Document"], a.Policies[3].Document)
		}},
		"get-policy": {args: []string{"iam", "get-policy", "--policy-arn", a.Policies[3].ARN}, check: func(t *testing.T, out map[string]any) {
			p := out["Policy"].(map[string]any)
			if str(p["PolicyName"]) != a.Policies[3].Name || str(p["DefaultVersionId"]) != a.Policies[3].DefaultVersionID || str(p["PolicyId"]) != a.Policies[3].ID {
				t.Errorf("%v", p)
			}
		}},
		"list-policy-versions": {args: []string{"iam", "list-policy-versions", "--policy-arn", a.Policies[3].ARN},
			err: "(AccessDenied) when calling the ListPolicyVersions operation"},
		"list-entities-for-policy": {args: []string{"iam", "list-entities-for-policy", "--policy-arn", "arn:aws:iam::aws:policy/AdministratorAccess", "--entity-filter", "Role"}, check: func(t *testing.T, out map[string]any) {
			if r := list(out["PolicyRoles"]); len(r) != 1 || str(r[0]["RoleName"]) != "report-builder-lambda" || len(out["PolicyGroups"].([]any)) != 0 {
				t.Errorf("%v", out)
			}
		}},
		"list-instance-profiles": {args: []string{"iam", "list-instance-profiles"}, check: func(t *testing.T, out map[string]any) {
			if p := out["InstanceProfiles"].([]any); len(p) != 0 {
				t.Errorf("the demo has no instance profiles: %v", p)
			}
		}},
		"get-account-summary": {args: []string{"iam", "get-account-summary"}, check: func(t *testing.T, out map[string]any) {
			m := out["SummaryMap"].(map[string]any)
			for k, v := range a.Summary {
				if m[k] != float64(v) {
					t.Errorf("%s = %v, want %d", k, m[k], v)
				}
			}
		}},
		"s3": {args: []string{"s3", "ls"},
			err: "(NotImplemented) when calling the ListBuckets operation: the iamspect sandbox does not serve the AWS service 's3'"},
		"ec2": {args: []string{"ec2", "describe-instances"},
			err: "(NotImplemented) when calling the DescribeInstances operation: the iamspect sandbox does not serve the AWS service 'ec2'"},
		"dynamodb": {args: []string{"dynamodb", "list-tables"},
			err: "(NotImplemented) when calling the ListTables operation: the iamspect sandbox does not serve the AWS service 'dynamodb'"},
	}
	if a.Policies[3].AWSManaged() || a.Group("Engineers") == nil || user("ci-deploy") == nil {
		t.Fatal("the demo changed: pick other entities")
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			out, _, errText := runCLI(t, url, home, tc.args...)
			if tc.err != "" {
				if !strings.Contains(errText, tc.err) {
					t.Fatalf("aws %v: %q, want %q", tc.args, errText, tc.err)
				}
				return
			}
			if errText != "" {
				t.Fatalf("aws %v: %s", tc.args, errText)
			}
			tc.check(t, out)
		})
	}
}
