package collect

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/iamspect/iamspect/internal/importer"
	"github.com/iamspect/iamspect/internal/snapshot"
)

// iamCollector collects one account's IAM state. Every call here is
// account-wide and paginated; only probeUsers calls per user, for a bounded
// set of users (see there).
type iamCollector struct {
	client *iam.Client
	o      *Options
	// reportComplete: startReport found the credential report complete.
	reportComplete bool
}

func newIAMCollector(cfg aws.Config, o *Options) *iamCollector {
	return &iamCollector{client: iam.NewFromConfig(cfg), o: o}
}

// pageSize is the largest page IAM list calls allow.
const pageSize = 1000

// authorizationDetails reads every page of GetAccountAuthorizationDetails
// and hands them, JSON-encoded with the AWS member names, to the importer,
// so live and file input convert the same way.
func (c *iamCollector) authorizationDetails(ctx context.Context) (func(*snapshot.Account) error, error) {
	const api = "iam:GetAccountAuthorizationDetails"
	var pages []*importer.AuthzDetails
	p := iam.NewGetAccountAuthorizationDetailsPaginator(c.client, &iam.GetAccountAuthorizationDetailsInput{MaxItems: aws.Int32(pageSize)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, apiErr(api, err)
		}
		data, err := json.Marshal(out)
		if err != nil {
			return nil, apiErr(api, fmt.Errorf("encode page: %w", err))
		}
		decoded, err := importer.DecodeAuthorizationDetails(data)
		if err != nil {
			return nil, apiErr(api, fmt.Errorf("page %d: %w", len(pages)+1, err))
		}
		pages = append(pages, decoded...)
	}
	return func(a *snapshot.Account) error {
		if err := importer.ApplyAuthorizationDetails(a, pages...); err != nil {
			return apiErr(api, err)
		}
		return nil
	}, nil
}

// roleSettings fills in role descriptions and maximum session durations,
// which GetAccountAuthorizationDetails leaves out, from ListRoles (pages of
// 1000 roles, not one call per role). Its failure leaves the authorization
// details collected: only these two fields are then missing, recorded as a
// role_details gap so that role-session-duration-long says UNKNOWN.
func (c *iamCollector) roleSettings(ctx context.Context) (func(*snapshot.Account) error, error) {
	type setting struct {
		desc string
		max  int
	}
	byARN := map[string]setting{}
	p := iam.NewListRolesPaginator(c.client, &iam.ListRolesInput{MaxItems: aws.Int32(pageSize)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, apiErr("iam:ListRoles", err)
		}
		for _, r := range out.Roles {
			byARN[aws.ToString(r.Arn)] = setting{aws.ToString(r.Description), int(aws.ToInt32(r.MaxSessionDuration))}
		}
	}
	return func(a *snapshot.Account) error {
		for _, r := range a.Roles {
			if s, ok := byARN[r.ARN]; ok {
				if r.Description == "" {
					r.Description = s.desc
				}
				if r.MaxSessionDuration == 0 {
					r.MaxSessionDuration = s.max
				}
			}
		}
		a.MarkCollected(snapshot.InputRoleDetails)
		return nil
	}, nil
}

// viaImporter JSON-encodes an SDK output (its field names are the AWS member
// names, as in AWS CLI output) and hands it to the importer's decoder, so
// that live and file input convert the same way.
func viaImporter[T any](api string, out any, decode func([]byte) (T, error)) (T, error) {
	var zero T
	data, err := json.Marshal(out)
	if err != nil {
		return zero, apiErr(api, fmt.Errorf("encode: %w", err))
	}
	v, err := decode(data)
	if err != nil {
		return zero, apiErr(api, fmt.Errorf("decode: %w", err))
	}
	return v, nil
}

func (c *iamCollector) passwordPolicy(ctx context.Context) (func(*snapshot.Account) error, error) {
	const api = "iam:GetAccountPasswordPolicy"
	out, err := c.client.GetAccountPasswordPolicy(ctx, &iam.GetAccountPasswordPolicyInput{})
	if hasCode(err, "NoSuchEntity") {
		// No password policy: AWS's defaults apply.
		return func(a *snapshot.Account) error { importer.ApplyPasswordPolicy(a, nil); return nil }, nil
	}
	if err != nil {
		return nil, apiErr(api, err)
	}
	pp, err := viaImporter(api, out, importer.DecodePasswordPolicy)
	if err != nil {
		return nil, err
	}
	return func(a *snapshot.Account) error { importer.ApplyPasswordPolicy(a, pp); return nil }, nil
}

func (c *iamCollector) accountSummary(ctx context.Context) (func(*snapshot.Account) error, error) {
	const api = "iam:GetAccountSummary"
	out, err := c.client.GetAccountSummary(ctx, &iam.GetAccountSummaryInput{})
	if err != nil {
		return nil, apiErr(api, err)
	}
	sum, err := viaImporter(api, out, importer.DecodeAccountSummary)
	if err != nil {
		return nil, err
	}
	return func(a *snapshot.Account) error { importer.ApplyAccountSummary(a, sum); return nil }, nil
}

func (c *iamCollector) virtualMFADevices(ctx context.Context) (func(*snapshot.Account) error, error) {
	const api = "iam:ListVirtualMFADevices"
	all := &iam.ListVirtualMFADevicesOutput{}
	p := iam.NewListVirtualMFADevicesPaginator(c.client, &iam.ListVirtualMFADevicesInput{
		AssignmentStatus: types.AssignmentStatusTypeAny, MaxItems: aws.Int32(pageSize)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, apiErr(api, err)
		}
		for _, d := range out.VirtualMFADevices {
			// Never pass on a seed or QR code (this call does not return
			// them, but they are secrets if it ever did).
			d.Base32StringSeed, d.QRCodePNG = nil, nil
			all.VirtualMFADevices = append(all.VirtualMFADevices, d)
		}
	}
	devs, err := viaImporter(api, all, importer.DecodeVirtualMFADevices)
	if err != nil {
		return nil, err
	}
	return func(a *snapshot.Account) error { importer.ApplyVirtualMFADevices(a, devs); return nil }, nil
}

// oidcProviders lists the providers and reads each (one call per provider:
// accounts have a handful), in the combined form the importer reads.
func (c *iamCollector) oidcProviders(ctx context.Context) (func(*snapshot.Account) error, error) {
	list, err := c.client.ListOpenIDConnectProviders(ctx, &iam.ListOpenIDConnectProvidersInput{})
	if err != nil {
		return nil, apiErr("iam:ListOpenIDConnectProviders", err)
	}
	type detail struct {
		Arn *string
		*iam.GetOpenIDConnectProviderOutput
	}
	var combined struct{ OpenIDConnectProviderList []detail }
	combined.OpenIDConnectProviderList = []detail{}
	for _, e := range list.OpenIDConnectProviderList {
		out, err := c.client.GetOpenIDConnectProvider(ctx, &iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: e.Arn})
		if err != nil {
			return nil, apiErr("iam:GetOpenIDConnectProvider", err)
		}
		combined.OpenIDConnectProviderList = append(combined.OpenIDConnectProviderList, detail{e.Arn, out})
	}
	provs, err := viaImporter("iam:ListOpenIDConnectProviders", combined, importer.DecodeOIDCProviders)
	if err != nil {
		return nil, err
	}
	return func(a *snapshot.Account) error { importer.ApplyOIDCProviders(a, provs...); return nil }, nil
}

func (c *iamCollector) samlProviders(ctx context.Context) (func(*snapshot.Account) error, error) {
	const api = "iam:ListSAMLProviders"
	out, err := c.client.ListSAMLProviders(ctx, &iam.ListSAMLProvidersInput{})
	if err != nil {
		return nil, apiErr(api, err)
	}
	provs, err := viaImporter(api, out, importer.DecodeSAMLProviders)
	if err != nil {
		return nil, err
	}
	return func(a *snapshot.Account) error { importer.ApplySAMLProviders(a, provs); return nil }, nil
}

func (c *iamCollector) serverCertificates(ctx context.Context) (func(*snapshot.Account) error, error) {
	const api = "iam:ListServerCertificates"
	all := &iam.ListServerCertificatesOutput{}
	p := iam.NewListServerCertificatesPaginator(c.client, &iam.ListServerCertificatesInput{MaxItems: aws.Int32(pageSize)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, apiErr(api, err)
		}
		all.ServerCertificateMetadataList = append(all.ServerCertificateMetadataList, out.ServerCertificateMetadataList...)
	}
	certs, err := viaImporter(api, all, importer.DecodeServerCertificates)
	if err != nil {
		return nil, err
	}
	return func(a *snapshot.Account) error { importer.ApplyServerCertificates(a, certs); return nil }, nil
}

func (c *iamCollector) accountAliases(ctx context.Context) (func(*snapshot.Account) error, error) {
	const api = "iam:ListAccountAliases"
	out, err := c.client.ListAccountAliases(ctx, &iam.ListAccountAliasesInput{})
	if err != nil {
		return nil, apiErr(api, err)
	}
	aliases, err := viaImporter(api, out, importer.DecodeAccountAliases)
	if err != nil {
		return nil, err
	}
	return func(a *snapshot.Account) error { importer.ApplyAccountAliases(a, aliases); return nil }, nil
}

// organizationsFeatures reads the centralised root access features. An
// account outside an organisation, or one where IAM's trusted access is off,
// has none enabled. A member account cannot see them (its management account
// can): that is a gap, which an --org collection fills from the management
// account.
func (c *iamCollector) organizationsFeatures(ctx context.Context) (func(*snapshot.Account) error, error) {
	out, err := c.client.ListOrganizationsFeatures(ctx, &iam.ListOrganizationsFeaturesInput{})
	var feats []string
	switch {
	case err == nil:
		for _, f := range out.EnabledFeatures {
			feats = append(feats, string(f))
		}
	case hasCode(err, "OrganizationNotFoundException", "ServiceAccessNotEnabledException"):
	default:
		return nil, apiErr("iam:ListOrganizationsFeatures", err)
	}
	return func(a *snapshot.Account) error {
		a.OrganizationsFeatures = feats
		a.MarkCollected(snapshot.InputOrganizationsFeatures)
		return nil
	}, nil
}
