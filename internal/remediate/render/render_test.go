package render

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/iamspect/iamspect/internal/remediate/plan"
)

func TestKebab(t *testing.T) {
	for in, want := range map[string]string{
		"UpdateAccessKey":             "update-access-key",
		"DeleteSSHPublicKey":          "delete-ssh-public-key",
		"SSHPublicKeyId":              "ssh-public-key-id",
		"OpenIDConnectProviderArn":    "open-id-connect-provider-arn",
		"DeleteOpenIDConnectProvider": "delete-open-id-connect-provider",
		"DeactivateMFADevice":         "deactivate-mfa-device",
		"ClientIDList":                "client-id-list",
		"MinimumPasswordLength":       "minimum-password-length",
		"ServiceSpecificCredentialId": "service-specific-credential-id",
	} {
		if got := Kebab(in); got != want {
			t.Errorf("Kebab(%s) = %s, want %s", in, got, want)
		}
	}
}

func testPlan() *plan.Plan {
	p := &plan.Plan{SchemaVersion: plan.SchemaVersion, CreatedAt: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC), Kind: plan.KindFix,
		Source:   plan.Source{MemberRole: "Remediate"},
		Accounts: []plan.Account{{ID: "111122223333", Management: true}, {ID: "222233334444"}}}
	add := func(a plan.Action) {
		a.ID = plan.ActionID(&a)
		p.Actions = append(p.Actions, a)
	}
	add(plan.Action{Stage: plan.StageDeactivate, AccountID: "222233334444", Title: "set the policy",
		Call: plan.NewCall("iam", "UpdateAccountPasswordPolicy", "MinimumPasswordLength", 14, "RequireSymbols", true, "HardExpiry", false)})
	add(plan.Action{Stage: plan.StageDeactivate, AccountID: "111122223333", Title: "trust",
		Call: plan.NewCall("iam", "UpdateAssumeRolePolicy", "RoleName", "r", "PolicyDocument", `{"Statement":[{"Sid":"it's","Effect":"Allow"}]}`)})
	add(plan.Action{Stage: plan.StageDelete, AccountID: "111122223333", Title: "delete o'brien",
		Call: plan.NewCall("iam", "DeleteUser", "UserName", "o'brien")})
	add(plan.Action{Stage: plan.StageManual, AccountID: "111122223333", Title: "root", Console: []string{"do it by hand"}})
	return p
}

// The script quotes every value for sh, assumes the member role before a
// member account's block, and is valid sh (sh -n).
func TestShell(t *testing.T) {
	var b bytes.Buffer
	if err := Shell(&b, testPlan()); err != nil {
		t.Fatal(err)
	}
	s := b.String()
	for _, want := range []string{
		"aws iam update-account-password-policy --minimum-password-length 14 --require-symbols --no-hard-expiry",
		`--policy-document '{"Statement":[{"Sid":"it'\''s","Effect":"Allow"}]}'`,
		`aws iam delete-user --user-name 'o'\''brien'`,
		"assume 'arn:aws:iam::222233334444:role/Remediate'",
		"#     - do it by hand",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("script lacks %q\n%s", want, s)
		}
	}
	if strings.Index(s, "stage_deactivate()") > strings.Index(s, "stage_delete()") {
		t.Error("stages out of order")
	}
	if sh, err := exec.LookPath("sh"); err == nil {
		f := filepath.Join(t.TempDir(), "p.sh")
		os.WriteFile(f, b.Bytes(), 0o600)
		if out, err := exec.Command(sh, "-n", f).CombinedOutput(); err != nil {
			t.Fatalf("sh -n: %v %s", err, out)
		}
	}
}

func TestMarkdownAndTerraform(t *testing.T) {
	p := testPlan()
	p.Differences = []plan.Difference{{AccountID: "111122223333", Principal: "alice", Kind: "lost", Action: "s3:GetObject", Explanation: "uses ${aws:username}"}}
	var md, tf bytes.Buffer
	if err := Markdown(&md, p); err != nil {
		t.Fatal(err)
	}
	if err := Terraform(&tf, p); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"## Stage: deactivate", "**Irreversible**", "## Access differences", "uses ${aws:username}"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
	for _, want := range []string{"resource \"aws_iam_account_password_policy\" \"this\"", "minimum_password_length = 14", "removed {\n  from = aws_iam_user.o_brien"} {
		if !strings.Contains(tf.String(), want) {
			t.Errorf("terraform lacks %q\n%s", want, tf.String())
		}
	}
}
