package importer

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/iamspect/iamspect/internal/snapshot"
)

// decoded holds every input after parsing, before it is applied.
type decoded struct {
	files      []string
	authzFiles []string
	authz      []*AuthzDetails
	report     *CredentialReport
	pwPolicy   *PasswordPolicyOutput
	summary    *AccountSummaryOutput
	vmfa       *VirtualMFADevicesOutput
	oidc       []OIDCProviderDetail
	saml       *SAMLProvidersOutput
	aliases    *AccountAliasesOutput
	certs      *ServerCertificatesOutput
	roles      *RolesOutput
	oidcRead   bool
	entities   map[snapshot.Input][]entityFile // the per-entity files, read
	org        *snapshot.Organization
	gaps       []snapshot.Gap
	warnings   []Warning
	arnSource  map[string]string // account ID -> first file naming it
	partition  string
}

// load reads and decodes every file; the first problem stops it.
func load(o Options) (*decoded, error) {
	d := &decoded{arnSource: map[string]string{}}
	read := func(path string, decode func([]byte) error) error {
		data, err := readInput(path, o)
		if err != nil {
			return err
		}
		d.files = append(d.files, path)
		if path == "-" {
			return withFile("standard input", decode(data))
		}
		return withFile(path, decode(data))
	}
	d.authzFiles = o.AuthzDetails
	for _, path := range o.AuthzDetails {
		err := read(path, func(b []byte) error {
			pages, err := DecodeAuthorizationDetails(b)
			if err != nil {
				return err
			}
			d.authz = append(d.authz, pages...)
			for _, p := range pages {
				d.noteAuthz(path, p)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	steps := []struct {
		path   string
		decode func([]byte) error
	}{
		{o.CredentialReport, func(b []byte) (err error) {
			if d.report, err = DecodeCredentialReportFile(b); err == nil {
				for _, r := range d.report.Rows {
					d.note(o.CredentialReport, r.ARN)
				}
			}
			return err
		}},
		{o.PasswordPolicy, func(b []byte) (err error) { d.pwPolicy, err = DecodePasswordPolicy(b); return err }},
		{o.AccountSummary, func(b []byte) (err error) { d.summary, err = DecodeAccountSummary(b); return err }},
		{o.VirtualMFADevices, func(b []byte) (err error) {
			if d.vmfa, err = DecodeVirtualMFADevices(b); err == nil {
				for _, v := range d.vmfa.VirtualMFADevices {
					d.note(o.VirtualMFADevices, v.SerialNumber)
				}
			}
			return err
		}},
		{o.SAMLProviders, func(b []byte) (err error) {
			if d.saml, err = DecodeSAMLProviders(b); err == nil {
				for _, p := range d.saml.SAMLProviderList {
					d.note(o.SAMLProviders, p.Arn)
				}
			}
			return err
		}},
		{o.AccountAliases, func(b []byte) (err error) { d.aliases, err = DecodeAccountAliases(b); return err }},
		{o.Roles, func(b []byte) (err error) {
			if d.roles, err = DecodeRoles(b); err == nil {
				for _, r := range d.roles.Roles {
					d.note(o.Roles, r.Arn)
				}
			}
			return err
		}},
		{o.ServerCertificates, func(b []byte) (err error) {
			if d.certs, err = DecodeServerCertificates(b); err == nil {
				for _, c := range d.certs.ServerCertificateMetadataList {
					d.note(o.ServerCertificates, c.Arn)
				}
			}
			return err
		}},
	}
	for _, s := range steps {
		if s.path == "" {
			continue
		}
		if err := read(s.path, s.decode); err != nil {
			return nil, err
		}
	}
	for _, path := range o.OIDCProviders {
		d.oidcRead = true
		err := read(path, func(b []byte) error {
			ps, err := DecodeOIDCProviders(b)
			for _, p := range ps {
				d.note(path, p.Arn)
			}
			d.oidc = append(d.oidc, ps...)
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	return d, d.readEntityFiles(o, read)
}

// readEntityFiles reads the per-entity files (entityfiles.go); they name
// no account (organisation ARNs name the management account).
func (d *decoded) readEntityFiles(o Options, read func(string, func([]byte) error) error) error {
	d.entities = map[snapshot.Input][]entityFile{}
	var features []string
	if o.OrganizationsFeatures != "" {
		features = []string{o.OrganizationsFeatures}
	}
	for _, e := range []struct {
		in    snapshot.Input
		paths []string
	}{
		{snapshot.InputOrganizationsFeatures, features},
		{snapshot.InputIdentityCenter, o.IdentityCenter}, {snapshot.InputAccessAnalyzer, o.AccessAnalyzer},
		{snapshot.InputServiceCredentials, o.ServiceCredentials}, {snapshot.InputSSHKeys, o.SSHKeys},
		{snapshot.InputOrganization, o.Organization},
	} {
		for _, path := range e.paths {
			err := read(path, func(b []byte) error {
				d.entities[e.in] = append(d.entities[e.in], entityFile{path: path, data: b})
				return nil
			})
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// noteAuthz records the accounts named by a page's own identities. AWS
// managed policies (account "aws") say nothing about the account.
func (d *decoded) noteAuthz(file string, p *AuthzDetails) {
	for _, u := range p.UserDetailList {
		d.note(file, u.Arn)
	}
	for _, g := range p.GroupDetailList {
		d.note(file, g.Arn)
	}
	for _, r := range p.RoleDetailList {
		d.note(file, r.Arn)
	}
	for _, mp := range p.Policies {
		d.note(file, mp.Arn)
	}
}

// note records the account of an ARN, keeping the first file that named it.
func (d *decoded) note(file, arn string) {
	id := snapshot.AccountIDFromARN(arn)
	if id == "" || id == "aws" {
		return
	}
	if d.partition == "" {
		d.partition = snapshot.PartitionFromARN(arn)
	}
	if _, ok := d.arnSource[id]; !ok {
		d.arnSource[id] = file
	}
}

// account creates the account, requiring every file to agree on its ID.
func (d *decoded) account(want string) (*snapshot.Account, error) {
	ids := make([]string, 0, len(d.arnSource))
	for id := range d.arnSource {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	if len(ids) > 1 {
		var parts []string
		for _, id := range ids {
			parts = append(parts, fmt.Sprintf("%s (in %s)", id, filepath.Base(d.arnSource[id])))
		}
		return nil, &InputError{Msg: "the files describe different AWS accounts: " + strings.Join(parts, ", ") +
			"; import one account at a time"}
	}
	id := want
	switch {
	case len(ids) == 1 && want != "" && ids[0] != want:
		return nil, &InputError{File: d.arnSource[ids[0]], Msg: fmt.Sprintf("the file is for account %s, not %s as requested", ids[0], want)}
	case len(ids) == 1:
		id = ids[0]
	case want == "":
		return nil, &InputError{Msg: "no file names the AWS account (no ARNs found); pass the account ID explicitly"}
	}
	return &snapshot.Account{ID: id, Partition: partitionOr(d.partition)}, nil
}
