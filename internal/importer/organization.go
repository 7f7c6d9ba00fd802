package importer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/iamspect/iamspect/internal/snapshot"
)

// OrganizationsFeaturesOutput is `aws iam list-organizations-features` output.
type OrganizationsFeaturesOutput struct {
	OrganizationId  string   `json:"OrganizationId"`
	EnabledFeatures []string `json:"EnabledFeatures"`
}

// applyOrganizationsFeatures reads organizations-features.json. Outside an
// organisation, or without IAM's trusted access, the call fails with an
// error that means "none enabled" (as the live collector reads it); any
// other error saved in the file (a member account's AccessDenied) is a gap.
func applyOrganizationsFeatures(acct *snapshot.Account, set *entitySet) ([]snapshot.Gap, error) {
	f := set.one("organizations-features.json")
	if f == nil {
		return nil, nil
	}
	t := bytes.TrimSpace(trimBOM(f.data))
	if code, ok := awsErrorCode(t); ok {
		switch code {
		case "OrganizationNotFoundException", "ServiceAccessNotEnabledException":
			acct.OrganizationsFeatures = nil
			acct.MarkCollected(snapshot.InputOrganizationsFeatures)
			return nil, nil
		}
		return []snapshot.Gap{{AccountID: acct.ID, Input: snapshot.InputOrganizationsFeatures, API: "iam:ListOrganizationsFeatures",
			File: f.path, ErrorCode: code, Reason: firstLine(t)}}, nil
	}
	var out OrganizationsFeaturesOutput
	if err := f.decode("EnabledFeatures", "aws iam list-organizations-features", &out); err != nil {
		return nil, err
	}
	acct.OrganizationsFeatures = append([]string(nil), out.EnabledFeatures...)
	acct.MarkCollected(snapshot.InputOrganizationsFeatures)
	return nil, nil
}

// The organisation's files, as the export script writes them.
type (
	describeOrganizationOutput struct {
		Organization struct {
			Id, Arn, FeatureSet, MasterAccountId string
		} `json:"Organization"`
	}
	listRootsOutput struct {
		Roots []struct {
			Id, Name    string
			PolicyTypes []struct{ Type, Status string }
		} `json:"Roots"`
	}
	listAccountsOutput struct {
		Accounts []struct{ Id, Name, Email, Status, State string } `json:"Accounts"`
	}
	listOUsOutput struct {
		OrganizationalUnits []struct{ Id, Name string } `json:"OrganizationalUnits"`
	}
	listPoliciesOutput struct {
		Policies []struct {
			Id, Name, Arn, Type string
			AwsManaged          bool
		} `json:"Policies"`
	}
	describePolicyOutput struct {
		Policy struct {
			Content *string
		} `json:"Policy"`
	}
	listTargetsOutput struct {
		Targets []struct{ TargetId string } `json:"Targets"`
	}
)

// applyOrganization reads the organisation files into the snapshot's
// Organization, as the live collector reads it (collect/org.go): outside an
// organisation there is none (collected); a member account's export has
// only organization.json, which is a gap saying where the rest is listed.
func applyOrganization(acct *snapshot.Account, set *entitySet) (*snapshot.Organization, []snapshot.Gap, error) {
	f := set.one("organization.json")
	if f == nil {
		if !set.empty() {
			return nil, nil, &InputError{Msg: "organization.json is missing beside the other organization-*.json files; run the export again"}
		}
		return nil, nil, nil
	}
	t := bytes.TrimSpace(trimBOM(f.data))
	if code, ok := awsErrorCode(t); ok && code == "AWSOrganizationsNotInUseException" {
		acct.MarkCollected(snapshot.InputOrganization)
		return nil, nil, nil
	}
	var d describeOrganizationOutput
	if err := f.decode("Organization", "aws organizations describe-organization", &d); err != nil {
		return nil, nil, err
	}
	o := d.Organization
	org := &snapshot.Organization{ID: o.Id, ARN: o.Arn, ManagementAccount: o.MasterAccountId, FeatureSet: o.FeatureSet}
	if set.one("organization-roots.json") == nil {
		reason := fmt.Sprintf("account %s is a member of organisation %s, whose accounts, OUs and SCPs only its management account %s can list: run the export there",
			acct.ID, org.ID, org.ManagementAccount)
		if org.ManagementAccount == acct.ID {
			reason = "organization-roots.json is missing: the export did not list the organisation"
		}
		return org, []snapshot.Gap{{AccountID: acct.ID, Input: snapshot.InputOrganization, API: "organizations:ListRoots",
			File: f.path, Reason: reason}}, nil
	}
	if err := readOrganization(org, set); err != nil {
		return nil, nil, err
	}
	acct.MarkCollected(snapshot.InputOrganization)
	return org, nil, nil
}

// readOrganization reads roots, accounts, the OU tree from each root and
// the SCPs (when the type is enabled), requiring every file the walk needs.
func readOrganization(org *snapshot.Organization, set *entitySet) error {
	var roots listRootsOutput
	if err := set.one("organization-roots.json").decode("Roots", "aws organizations list-roots", &roots); err != nil {
		return err
	}
	acctFile, err := set.need("organization-accounts.json", "", "the organisation's accounts")
	if err != nil {
		return err
	}
	var accts listAccountsOutput
	if err := acctFile.decode("Accounts", "aws organizations list-accounts", &accts); err != nil {
		return err
	}
	for _, a := range accts.Accounts {
		status := a.State
		if status == "" {
			status = a.Status
		}
		org.Accounts = append(org.Accounts, snapshot.OrgAccount{ID: a.Id, Name: a.Name, Email: a.Email, Status: strings.ToUpper(status)})
	}
	var queue []string
	for _, r := range roots.Roots {
		org.Units = append(org.Units, snapshot.OrgUnit{ID: r.Id, Name: r.Name})
		for _, pt := range r.PolicyTypes {
			if pt.Status == "ENABLED" {
				org.EnabledPolicyTypes = append(org.EnabledPolicyTypes, pt.Type)
			}
		}
		queue = append(queue, r.Id)
	}
	parentOf := map[string]string{}
	seen := map[string]bool{}
	for len(queue) > 0 {
		parent := queue[0]
		queue = queue[1:]
		if seen[parent] { // a cycle in hostile files
			return &InputError{Msg: "organization-children-ous-*.json: " + parent + " is its own ancestor"}
		}
		seen[parent] = true
		ouFile, err := set.need("organization-children-ous-*.json", parent, "the OUs under "+parent)
		if err != nil {
			return err
		}
		var ous listOUsOutput
		if err := ouFile.decode("OrganizationalUnits", "aws organizations list-organizational-units-for-parent", &ous); err != nil {
			return err
		}
		for _, ou := range ous.OrganizationalUnits {
			org.Units = append(org.Units, snapshot.OrgUnit{ID: ou.Id, Name: ou.Name, ParentID: parent})
			queue = append(queue, ou.Id)
		}
		accFile, err := set.need("organization-children-accounts-*.json", parent, "the accounts under "+parent)
		if err != nil {
			return err
		}
		var children listAccountsOutput
		if err := accFile.decode("Accounts", "aws organizations list-accounts-for-parent", &children); err != nil {
			return err
		}
		for _, a := range children.Accounts {
			parentOf[a.Id] = parent
		}
	}
	for i := range org.Accounts {
		org.Accounts[i].ParentID = parentOf[org.Accounts[i].ID]
	}
	return readSCPs(org, set)
}

// readSCPs reads the service control policies, each with its content and
// targets, when the root has the policy type enabled.
func readSCPs(org *snapshot.Organization, set *entitySet) error {
	enabled := false
	for _, t := range org.EnabledPolicyTypes {
		enabled = enabled || t == "SERVICE_CONTROL_POLICY"
	}
	if !enabled {
		return nil
	}
	list, err := set.need("organization-scps.json", "", "the service control policies")
	if err != nil {
		return err
	}
	var pols listPoliciesOutput
	if err := list.decode("Policies", "aws organizations list-policies --filter SERVICE_CONTROL_POLICY", &pols); err != nil {
		return err
	}
	for _, p := range pols.Policies {
		pol := snapshot.OrgPolicy{ID: p.Id, Name: p.Name, ARN: p.Arn, Type: p.Type, AWSManaged: p.AwsManaged}
		cf, err := set.need("organization-scp-content-*.json", p.Id, "the content of "+p.Id)
		if err != nil {
			return err
		}
		var d describePolicyOutput
		if err := cf.decode("Policy", "aws organizations describe-policy", &d); err != nil {
			return err
		}
		if d.Policy.Content != nil {
			q, _ := json.Marshal(*d.Policy.Content)
			doc, err := NormalizePolicyDocument(q)
			if err != nil {
				return &InputError{File: cf.path, Msg: "policy content: " + err.Error(), Err: err}
			}
			pol.Document = doc
		}
		tf, err := set.need("organization-scp-targets-*.json", p.Id, "the targets of "+p.Id)
		if err != nil {
			return err
		}
		var targets listTargetsOutput
		if err := tf.decode("Targets", "aws organizations list-targets-for-policy", &targets); err != nil {
			return err
		}
		for _, t := range targets.Targets {
			pol.Targets = append(pol.Targets, t.TargetId)
		}
		org.Policies = append(org.Policies, pol)
	}
	return nil
}
