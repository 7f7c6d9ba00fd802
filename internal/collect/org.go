package collect

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/iamspect/iamspect/internal/importer"
	"github.com/iamspect/iamspect/internal/snapshot"
)

// collectOrganization reads the organisation the account belongs to:
// organizations:DescribeOrganization, then — from the management account or
// a delegated administrator — roots, accounts, OUs (walked from the root;
// calls grow with OUs, not accounts) and SCPs with content and targets.
//
// An account outside any organisation has none (collected). A member account
// that may not list the organisation gets what DescribeOrganization shows,
// and a gap that says to scan from the management account with --org
// (required is set with --org, where the listing is the point).
func collectOrganization(ctx context.Context, cfg aws.Config, a *snapshot.Account, required bool) (*snapshot.Organization, []snapshot.Gap, error) {
	client := organizations.NewFromConfig(cfg)
	gap := func(err error) []snapshot.Gap { return gapFor(a.ID, snapshot.InputOrganization, err) }
	d, err := client.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	switch {
	case err == nil:
	case hasCode(err, "AWSOrganizationsNotInUseException"):
		a.MarkCollected(snapshot.InputOrganization)
		return nil, nil, nil
	case ctx.Err() != nil:
		return nil, nil, ctx.Err()
	default:
		return nil, gap(apiErr("organizations:DescribeOrganization", err)), nil
	}
	org := &snapshot.Organization{ID: aws.ToString(d.Organization.Id), ARN: aws.ToString(d.Organization.Arn),
		ManagementAccount: aws.ToString(d.Organization.MasterAccountId), FeatureSet: string(d.Organization.FeatureSet)}
	if err := listOrganization(ctx, client, org); err != nil {
		if ctx.Err() != nil {
			return nil, nil, ctx.Err()
		}
		if !required && org.ManagementAccount != a.ID {
			// A member account: say where the organisation can be read.
			err = fmt.Errorf("account %s is a member of organisation %s, whose accounts, OUs and SCPs only its management account %s (or a delegated administrator) can list: scan with --org from there (%s)",
				a.ID, org.ID, org.ManagementAccount, Reason(err))
		}
		return org, gap(err), nil
	}
	a.MarkCollected(snapshot.InputOrganization)
	return org, nil, nil
}

func listOrganization(ctx context.Context, c *organizations.Client, org *snapshot.Organization) error {
	var roots []orgtypes.Root
	rp := organizations.NewListRootsPaginator(c, &organizations.ListRootsInput{})
	for rp.HasMorePages() {
		out, err := rp.NextPage(ctx)
		if err != nil {
			return apiErr("organizations:ListRoots", err)
		}
		roots = append(roots, out.Roots...)
	}
	ap := organizations.NewListAccountsPaginator(c, &organizations.ListAccountsInput{})
	for ap.HasMorePages() {
		out, err := ap.NextPage(ctx)
		if err != nil {
			return apiErr("organizations:ListAccounts", err)
		}
		for _, acc := range out.Accounts {
			status := string(acc.State)
			if status == "" {
				status = string(acc.Status)
			}
			org.Accounts = append(org.Accounts, snapshot.OrgAccount{ID: aws.ToString(acc.Id), Name: aws.ToString(acc.Name),
				Email: aws.ToString(acc.Email), Status: strings.ToUpper(status)})
		}
	}
	parentOf := map[string]string{}
	queue := []string{}
	for _, r := range roots {
		id := aws.ToString(r.Id)
		org.Units = append(org.Units, snapshot.OrgUnit{ID: id, Name: aws.ToString(r.Name)})
		for _, pt := range r.PolicyTypes {
			if pt.Status == orgtypes.PolicyTypeStatusEnabled {
				org.EnabledPolicyTypes = append(org.EnabledPolicyTypes, string(pt.Type))
			}
		}
		queue = append(queue, id)
	}
	for len(queue) > 0 {
		parent := queue[0]
		queue = queue[1:]
		op := organizations.NewListOrganizationalUnitsForParentPaginator(c, &organizations.ListOrganizationalUnitsForParentInput{ParentId: aws.String(parent)})
		for op.HasMorePages() {
			out, err := op.NextPage(ctx)
			if err != nil {
				return apiErr("organizations:ListOrganizationalUnitsForParent", err)
			}
			for _, ou := range out.OrganizationalUnits {
				id := aws.ToString(ou.Id)
				org.Units = append(org.Units, snapshot.OrgUnit{ID: id, Name: aws.ToString(ou.Name), ParentID: parent})
				queue = append(queue, id)
			}
		}
		cp := organizations.NewListAccountsForParentPaginator(c, &organizations.ListAccountsForParentInput{ParentId: aws.String(parent)})
		for cp.HasMorePages() {
			out, err := cp.NextPage(ctx)
			if err != nil {
				return apiErr("organizations:ListAccountsForParent", err)
			}
			for _, acc := range out.Accounts {
				parentOf[aws.ToString(acc.Id)] = parent
			}
		}
	}
	for i := range org.Accounts {
		org.Accounts[i].ParentID = parentOf[org.Accounts[i].ID]
	}
	return listPolicies(ctx, c, org)
}

// listPolicies reads the SCPs (when the type is enabled), each with its
// document and targets.
func listPolicies(ctx context.Context, c *organizations.Client, org *snapshot.Organization) error {
	enabled := false
	for _, t := range org.EnabledPolicyTypes {
		enabled = enabled || t == string(orgtypes.PolicyTypeServiceControlPolicy)
	}
	if !enabled {
		return nil
	}
	pp := organizations.NewListPoliciesPaginator(c, &organizations.ListPoliciesInput{Filter: orgtypes.PolicyTypeServiceControlPolicy})
	for pp.HasMorePages() {
		out, err := pp.NextPage(ctx)
		if err != nil {
			return apiErr("organizations:ListPolicies", err)
		}
		for _, ps := range out.Policies {
			pol := snapshot.OrgPolicy{ID: aws.ToString(ps.Id), Name: aws.ToString(ps.Name), ARN: aws.ToString(ps.Arn),
				Type: string(ps.Type), AWSManaged: ps.AwsManaged}
			d, err := c.DescribePolicy(ctx, &organizations.DescribePolicyInput{PolicyId: ps.Id})
			if err != nil {
				return apiErr("organizations:DescribePolicy", err)
			}
			if d.Policy != nil && d.Policy.Content != nil {
				q, _ := json.Marshal(aws.ToString(d.Policy.Content))
				doc, err := importer.NormalizePolicyDocument(q)
				if err != nil {
					return apiErr("organizations:DescribePolicy", err)
				}
				pol.Document = doc
			}
			tp := organizations.NewListTargetsForPolicyPaginator(c, &organizations.ListTargetsForPolicyInput{PolicyId: ps.Id})
			for tp.HasMorePages() {
				out, err := tp.NextPage(ctx)
				if err != nil {
					return apiErr("organizations:ListTargetsForPolicy", err)
				}
				for _, t := range out.Targets {
					pol.Targets = append(pol.Targets, aws.ToString(t.TargetId))
				}
			}
			org.Policies = append(org.Policies, pol)
		}
	}
	return nil
}
