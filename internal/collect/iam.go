package collect

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

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
}

func newIAMCollector(cfg aws.Config, o *Options) *iamCollector {
	return &iamCollector{client: iam.NewFromConfig(cfg), o: o}
}

// pageSize is the largest page IAM list calls allow.
const pageSize = 1000

func (c *iamCollector) tasks() []task {
	return []task{
		{snapshot.InputAuthorizationDetails, c.authorizationDetails},
		{snapshot.InputAuthorizationDetails, c.roleSettings},
		{snapshot.InputCredentialReport, c.credentialReport},
		{snapshot.InputPasswordPolicy, c.passwordPolicy},
		{snapshot.InputAccountSummary, c.accountSummary},
		{snapshot.InputVirtualMFADevices, c.virtualMFADevices},
		{snapshot.InputOIDCProviders, c.oidcProviders},
		{snapshot.InputSAMLProviders, c.samlProviders},
		{snapshot.InputServerCertificates, c.serverCertificates},
		{snapshot.InputAccountAliases, c.accountAliases},
		{snapshot.InputOrganizationsFeatures, c.organizationsFeatures},
	}
}

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
// details collected: only these two fields are then missing, which a gap
// records.
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
		return nil
	}, nil
}

func (c *iamCollector) passwordPolicy(ctx context.Context) (func(*snapshot.Account) error, error) {
	out, err := c.client.GetAccountPasswordPolicy(ctx, &iam.GetAccountPasswordPolicyInput{})
	if err != nil && !hasCode(err, "NoSuchEntity") {
		return nil, apiErr("iam:GetAccountPasswordPolicy", err)
	}
	var pp *snapshot.PasswordPolicy
	if err == nil && out.PasswordPolicy != nil {
		pp = convertPasswordPolicy(out.PasswordPolicy)
	}
	return func(a *snapshot.Account) error {
		a.PasswordPolicy = pp // nil: the account has no password policy
		a.MarkCollected(snapshot.InputPasswordPolicy)
		return nil
	}, nil
}

func convertPasswordPolicy(p *types.PasswordPolicy) *snapshot.PasswordPolicy {
	return &snapshot.PasswordPolicy{
		MinimumPasswordLength:      int(aws.ToInt32(p.MinimumPasswordLength)),
		RequireSymbols:             p.RequireSymbols,
		RequireNumbers:             p.RequireNumbers,
		RequireUppercaseCharacters: p.RequireUppercaseCharacters,
		RequireLowercaseCharacters: p.RequireLowercaseCharacters,
		AllowUsersToChangePassword: p.AllowUsersToChangePassword,
		ExpirePasswords:            p.ExpirePasswords,
		MaxPasswordAge:             int(aws.ToInt32(p.MaxPasswordAge)),
		PasswordReusePrevention:    int(aws.ToInt32(p.PasswordReusePrevention)),
		HardExpiry:                 aws.ToBool(p.HardExpiry),
	}
}

func (c *iamCollector) accountSummary(ctx context.Context) (func(*snapshot.Account) error, error) {
	out, err := c.client.GetAccountSummary(ctx, &iam.GetAccountSummaryInput{})
	if err != nil {
		return nil, apiErr("iam:GetAccountSummary", err)
	}
	m := make(map[string]int, len(out.SummaryMap))
	for k, v := range out.SummaryMap {
		m[k] = int(v)
	}
	return func(a *snapshot.Account) error {
		a.Summary = m
		a.MarkCollected(snapshot.InputAccountSummary)
		return nil
	}, nil
}

func (c *iamCollector) virtualMFADevices(ctx context.Context) (func(*snapshot.Account) error, error) {
	var devs []snapshot.VirtualMFADevice
	p := iam.NewListVirtualMFADevicesPaginator(c.client, &iam.ListVirtualMFADevicesInput{
		AssignmentStatus: types.AssignmentStatusTypeAny, MaxItems: aws.Int32(pageSize)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, apiErr("iam:ListVirtualMFADevices", err)
		}
		for _, d := range out.VirtualMFADevices {
			// Only the serial, owner and date: the seed and QR code, which
			// this call never returns anyway, are secrets.
			v := snapshot.VirtualMFADevice{Serial: aws.ToString(d.SerialNumber), EnabledAt: utc(d.EnableDate)}
			if d.User != nil {
				v.UserARN = aws.ToString(d.User.Arn)
			}
			devs = append(devs, v)
		}
	}
	return func(a *snapshot.Account) error {
		a.VirtualMFADevices = devs
		a.MarkCollected(snapshot.InputVirtualMFADevices)
		return nil
	}, nil
}

// oidcProviders lists the providers and reads each (one call per provider:
// accounts have a handful).
func (c *iamCollector) oidcProviders(ctx context.Context) (func(*snapshot.Account) error, error) {
	list, err := c.client.ListOpenIDConnectProviders(ctx, &iam.ListOpenIDConnectProvidersInput{})
	if err != nil {
		return nil, apiErr("iam:ListOpenIDConnectProviders", err)
	}
	var provs []snapshot.OIDCProvider
	for _, e := range list.OpenIDConnectProviderList {
		arn := aws.ToString(e.Arn)
		out, err := c.client.GetOpenIDConnectProvider(ctx, &iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: e.Arn})
		if err != nil {
			return nil, apiErr("iam:GetOpenIDConnectProvider", err)
		}
		provs = append(provs, snapshot.OIDCProvider{
			ARN: arn, URL: oidcURL(aws.ToString(out.Url)),
			ClientIDs: out.ClientIDList, Thumbprints: out.ThumbprintList,
			CreatedAt: utc(out.CreateDate), Tags: convertTags(out.Tags),
		})
	}
	return func(a *snapshot.Account) error {
		a.OIDCProviders = provs
		a.MarkCollected(snapshot.InputOIDCProviders)
		return nil
	}, nil
}

// oidcURL returns the issuer URL with its scheme: IAM returns the host and
// path only ("token.actions.githubusercontent.com").
func oidcURL(u string) string {
	if u == "" || strings.Contains(u, "://") {
		return u
	}
	return "https://" + u
}

func (c *iamCollector) samlProviders(ctx context.Context) (func(*snapshot.Account) error, error) {
	out, err := c.client.ListSAMLProviders(ctx, &iam.ListSAMLProvidersInput{})
	if err != nil {
		return nil, apiErr("iam:ListSAMLProviders", err)
	}
	var provs []snapshot.SAMLProvider
	for _, p := range out.SAMLProviderList {
		arn := aws.ToString(p.Arn)
		provs = append(provs, snapshot.SAMLProvider{ARN: arn, Name: arn[strings.LastIndexByte(arn, '/')+1:],
			ValidUntil: utc(p.ValidUntil), CreatedAt: utc(p.CreateDate)})
	}
	return func(a *snapshot.Account) error {
		a.SAMLProviders = provs
		a.MarkCollected(snapshot.InputSAMLProviders)
		return nil
	}, nil
}

func (c *iamCollector) serverCertificates(ctx context.Context) (func(*snapshot.Account) error, error) {
	var certs []snapshot.ServerCertificate
	p := iam.NewListServerCertificatesPaginator(c.client, &iam.ListServerCertificatesInput{MaxItems: aws.Int32(pageSize)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, apiErr("iam:ListServerCertificates", err)
		}
		for _, m := range out.ServerCertificateMetadataList {
			certs = append(certs, snapshot.ServerCertificate{
				Name: aws.ToString(m.ServerCertificateName), ID: aws.ToString(m.ServerCertificateId),
				ARN: aws.ToString(m.Arn), Path: aws.ToString(m.Path),
				Expiration: utc(m.Expiration), UploadedAt: utc(m.UploadDate),
			})
		}
	}
	return func(a *snapshot.Account) error {
		a.ServerCertificates = certs
		a.MarkCollected(snapshot.InputServerCertificates)
		return nil
	}, nil
}

func (c *iamCollector) accountAliases(ctx context.Context) (func(*snapshot.Account) error, error) {
	out, err := c.client.ListAccountAliases(ctx, &iam.ListAccountAliasesInput{})
	if err != nil {
		return nil, apiErr("iam:ListAccountAliases", err)
	}
	alias := ""
	if len(out.AccountAliases) > 0 {
		alias = out.AccountAliases[0] // an account has at most one alias
	}
	return func(a *snapshot.Account) error {
		a.Alias = alias
		a.MarkCollected(snapshot.InputAccountAliases)
		return nil
	}, nil
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

func convertTags(in []types.Tag) []snapshot.Tag {
	var out []snapshot.Tag
	for _, t := range in {
		out = append(out, snapshot.Tag{Key: aws.ToString(t.Key), Value: aws.ToString(t.Value)})
	}
	return out
}
