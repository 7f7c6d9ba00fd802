package render

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/iamspect/iamspect/internal/remediate/plan"
)

var tfName = regexp.MustCompile(`[^A-Za-z0-9_]`)

func tfID(parts ...string) string {
	s := tfName.ReplaceAllString(strings.Join(parts, "_"), "_")
	if s == "" || (s[0] >= '0' && s[0] <= '9') {
		s = "r_" + s
	}
	return strings.ToLower(s)
}

// Terraform writes the actions that map to Terraform resources: removed
// blocks for deletions and detachments, import blocks plus resource
// blocks for what changes in place (key status, password policy, trust
// policy). Actions Terraform does not model say so, with their CLI command.
// Resource addresses are suggestions: where the resources are already
// managed, move the change into the existing configuration instead.
func Terraform(out io.Writer, p *plan.Plan) error {
	w := bufio.NewWriter(out)
	fmt.Fprintf(w, "# iamspect %s plan, created %s. Terraform >= 1.7 (removed blocks with lifecycle destroy).\n", p.Kind, p.CreatedAt.Format("2006-01-02T15:04:05Z"))
	fmt.Fprint(w, "# Addresses are suggestions: if these resources are already managed, make the change in their existing blocks.\n\n")
	for _, s := range plan.Stages() {
		as := p.ByStage(s)
		if len(as) == 0 {
			continue
		}
		fmt.Fprintf(w, "# ---- stage %s ----\n\n", s)
		for _, a := range as {
			fmt.Fprintf(w, "# %s (account %s): %s\n", a.ID, a.AccountID, oneLine(a.Title))
			if a.NeedsInput != "" {
				fmt.Fprintf(w, "# needs input: %s\n\n", oneLine(a.NeedsInput))
				continue
			}
			if a.Call == nil {
				for _, st := range a.Console {
					fmt.Fprintf(w, "# manual, not Terraform: %s\n", oneLine(st))
				}
				fmt.Fprint(w, "\n")
				continue
			}
			tfAction(w, a)
			fmt.Fprint(w, "\n")
		}
	}
	return w.Flush()
}

func removed(w *bufio.Writer, addr string) {
	fmt.Fprintf(w, "removed {\n  from = %s\n  lifecycle {\n    destroy = true\n  }\n}\n", addr)
}

func tfAction(w *bufio.Writer, a *plan.Action) {
	c := a.Call
	s := c.Str
	switch c.Operation {
	case "UpdateAccessKey":
		id := tfID("key", s("AccessKeyId"))
		fmt.Fprintf(w, "import {\n  to = aws_iam_access_key.%s\n  id = %q\n}\nresource \"aws_iam_access_key\" %q {\n  user   = %q\n  status = %q\n}\n", id, s("AccessKeyId"), id, s("UserName"), s("Status"))
	case "DeleteAccessKey":
		removed(w, "aws_iam_access_key."+tfID("key", s("AccessKeyId")))
	case "DeleteLoginProfile":
		removed(w, "aws_iam_user_login_profile."+tfID(s("UserName")))
	case "DeleteUser":
		removed(w, "aws_iam_user."+tfID(s("UserName")))
	case "DeleteGroup":
		removed(w, "aws_iam_group."+tfID(s("GroupName")))
	case "DeleteRole":
		removed(w, "aws_iam_role."+tfID(s("RoleName")))
	case "DeleteSigningCertificate":
		removed(w, "aws_iam_signing_certificate."+tfID("cert", s("CertificateId")))
	case "DeleteSSHPublicKey":
		removed(w, "aws_iam_user_ssh_key."+tfID(s("UserName"), s("SSHPublicKeyId")))
	case "DeleteServiceSpecificCredential":
		removed(w, "aws_iam_service_specific_credential."+tfID(s("ServiceSpecificCredentialId")))
	case "DeleteVirtualMFADevice":
		removed(w, "aws_iam_virtual_mfa_device."+tfID(s("SerialNumber")))
	case "RemoveUserFromGroup":
		removed(w, "aws_iam_user_group_membership."+tfID(s("UserName"), s("GroupName")))
	case "DetachUserPolicy":
		removed(w, "aws_iam_user_policy_attachment."+tfID(s("UserName"), lastSeg(s("PolicyArn"))))
	case "DetachGroupPolicy":
		removed(w, "aws_iam_group_policy_attachment."+tfID(s("GroupName"), lastSeg(s("PolicyArn"))))
	case "DetachRolePolicy":
		removed(w, "aws_iam_role_policy_attachment."+tfID(s("RoleName"), lastSeg(s("PolicyArn"))))
	case "DeleteUserPolicy":
		removed(w, "aws_iam_user_policy."+tfID(s("UserName"), s("PolicyName")))
	case "DeleteGroupPolicy":
		removed(w, "aws_iam_group_policy."+tfID(s("GroupName"), s("PolicyName")))
	case "DeleteRolePolicy":
		removed(w, "aws_iam_role_policy."+tfID(s("RoleName"), s("PolicyName")))
	case "DeleteOpenIDConnectProvider":
		removed(w, "aws_iam_openid_connect_provider."+tfID(lastSeg(s("OpenIDConnectProviderArn"))))
	case "DeleteServerCertificate":
		removed(w, "aws_iam_server_certificate."+tfID(s("ServerCertificateName")))
	case "UpdateAccountPasswordPolicy":
		m, _ := c.ParamMap()
		fmt.Fprint(w, "import {\n  to = aws_iam_account_password_policy.this\n  id = \"iam-account-password-policy\"\n}\nresource \"aws_iam_account_password_policy\" \"this\" {\n")
		for _, k := range []string{"MinimumPasswordLength", "RequireSymbols", "RequireNumbers", "RequireUppercaseCharacters", "RequireLowercaseCharacters", "AllowUsersToChangePassword", "MaxPasswordAge", "PasswordReusePrevention", "HardExpiry"} {
			if v, ok := m[k]; ok {
				fmt.Fprintf(w, "  %s = %v\n", snake(k), v)
			}
		}
		fmt.Fprint(w, "}\n")
	case "UpdateAssumeRolePolicy":
		fmt.Fprintf(w, "# In the existing aws_iam_role for %s, set:\n#   assume_role_policy = <<-EOT\n", s("RoleName"))
		for _, l := range strings.Split(pretty(s("PolicyDocument")), "\n") {
			fmt.Fprintf(w, "#     %s\n", l)
		}
		fmt.Fprint(w, "#   EOT\n# (Terraform cannot change one attribute of a resource it does not manage; import the role first.)\n")
		fmt.Fprintf(w, "import {\n  to = aws_iam_role.%s\n  id = %q\n}\n", tfID(s("RoleName")), s("RoleName"))
	default:
		line, _ := CLI(c)
		fmt.Fprintf(w, "# not expressible in Terraform; run: %s\n", line)
	}
}

func lastSeg(arn string) string { return arn[strings.LastIndex(arn, "/")+1:] }

func snake(s string) string { return strings.ReplaceAll(Kebab(s), "-", "_") }
