package synth

import (
	"bufio"
	"encoding/json"
	"io"
	"os"
	"path/filepath"

	"github.com/iamspect/iamspect/internal/importer"
	"github.com/iamspect/iamspect/internal/sandbox"
	"github.com/iamspect/iamspect/internal/snapshot"
)

// File names written by WriteFiles: the names `iamspect scan --from DIR`
// looks for (docs/import.md).
const (
	AuthzFile      = "authz-details.json"
	CredReportFile = "credential-report.csv"
)

// WriteFiles writes account a as the AWS CLI would save it into dir: the
// JSON of `aws iam get-account-authorization-details` (one page, indented
// by four spaces like the CLI, policy documents as objects) and the
// credential report CSV (rendered by the sandbox's one report writer).
func WriteFiles(dir string, a *snapshot.Account) error {
	if err := writeAuthz(filepath.Join(dir, AuthzFile), AuthzDetails(a)); err != nil {
		return err
	}
	csv, err := sandbox.CredentialReportCSV(&snapshot.Snapshot{Accounts: []*snapshot.Account{a}}, a)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, CredReportFile), csv, 0o600)
}

func writeAuthz(path string, d *importer.AuthzDetails) error {
	return writeNew(path, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "    ")
		return enc.Encode(d)
	})
}

// WriteSnapshot writes s as a snapshot file (`iamspect scan --snapshot`)
// at path, which must not exist yet.
func WriteSnapshot(path string, s *snapshot.Snapshot) error {
	return writeNew(path, func(w io.Writer) error { return s.Write(w) })
}

// writeNew creates path (refusing an existing file: generated inputs never
// replace anything) and writes it through a buffer with write.
func writeNew(path string, write func(io.Writer) error) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	if err := write(w); err != nil {
		f.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// AuthzDetails converts an account to get-account-authorization-details
// output.
func AuthzDetails(a *snapshot.Account) *importer.AuthzDetails {
	d := &importer.AuthzDetails{UserDetailList: []importer.UserDetail{}, GroupDetailList: []importer.GroupDetail{},
		RoleDetailList: []importer.RoleDetail{}, Policies: []importer.ManagedPolicyDetail{}}
	for _, u := range a.Users {
		d.UserDetailList = append(d.UserDetailList, importer.UserDetail{Path: u.Path, UserName: u.Name, UserId: u.ID, Arn: u.ARN,
			CreateDate: importer.Time{Time: u.CreatedAt}, UserPolicyList: inlines(u.InlinePolicies), GroupList: nonNil(u.Groups),
			AttachedManagedPolicies: attached(u.AttachedPolicies), Tags: []importer.AWSTag{}})
	}
	for _, g := range a.Groups {
		d.GroupDetailList = append(d.GroupDetailList, importer.GroupDetail{Path: g.Path, GroupName: g.Name, GroupId: g.ID, Arn: g.ARN,
			CreateDate: importer.Time{Time: g.CreatedAt}, GroupPolicyList: inlines(g.InlinePolicies), AttachedManagedPolicies: attached(g.AttachedPolicies)})
	}
	for _, r := range a.Roles {
		rd := importer.RoleDetail{Path: r.Path, RoleName: r.Name, RoleId: r.ID, Arn: r.ARN, CreateDate: importer.Time{Time: r.CreatedAt},
			AssumeRolePolicyDocument: r.TrustPolicy, InstanceProfileList: []importer.InstanceProfile{},
			RolePolicyList: inlines(r.InlinePolicies), AttachedManagedPolicies: attached(r.AttachedPolicies), Tags: []importer.AWSTag{},
			RoleLastUsed: &importer.RoleLastUsed{}}
		if r.LastUsed != nil {
			rd.RoleLastUsed = &importer.RoleLastUsed{LastUsedDate: importer.Time{Time: r.LastUsed.Date}, Region: r.LastUsed.Region}
		}
		for _, ip := range r.InstanceProfiles {
			rd.InstanceProfileList = append(rd.InstanceProfileList, importer.InstanceProfile{Path: "/", InstanceProfileName: r.Name,
				InstanceProfileId: "AIPA" + r.ID[4:], Arn: ip, CreateDate: importer.Time{Time: r.CreatedAt}})
		}
		d.RoleDetailList = append(d.RoleDetailList, rd)
	}
	for _, p := range a.Policies {
		boundaryUses := p.PermissionsBoundaryUsageCount
		pd := importer.ManagedPolicyDetail{PolicyName: p.Name, PolicyId: p.ID, Arn: p.ARN, Path: p.Path, DefaultVersionId: p.DefaultVersionID,
			AttachmentCount: p.AttachmentCount, PermissionsBoundaryUsageCount: &boundaryUses, IsAttachable: p.IsAttachable,
			PolicyVersionList: []importer.PolicyVersion{{Document: p.Document, VersionId: p.DefaultVersionID, IsDefaultVersion: true}}}
		if p.CreatedAt != nil {
			pd.CreateDate = importer.Time{Time: *p.CreatedAt}
		}
		if p.UpdatedAt != nil {
			pd.UpdateDate = importer.Time{Time: *p.UpdatedAt}
			pd.PolicyVersionList[0].CreateDate = pd.UpdateDate
		}
		d.Policies = append(d.Policies, pd)
	}
	return d
}

func inlines(ps []snapshot.InlinePolicy) []importer.PolicyDetail {
	out := []importer.PolicyDetail{}
	for _, p := range ps {
		out = append(out, importer.PolicyDetail{PolicyName: p.Name, PolicyDocument: p.Document})
	}
	return out
}

func attached(ps []snapshot.PolicyRef) []importer.AttachedPolicy {
	out := []importer.AttachedPolicy{}
	for _, p := range ps {
		out = append(out, importer.AttachedPolicy{PolicyName: p.Name, PolicyArn: p.ARN})
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
