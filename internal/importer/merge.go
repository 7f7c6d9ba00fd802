package importer

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/iamspect/iamspect/internal/snapshot"
	"github.com/iamspect/iamspect/internal/wording"
)

// Options says which files to import. Dir names a --from folder whose files
// follow the documented names (see Commands); a file field set explicitly
// replaces the folder's file for that input.
type Options struct {
	Dir string

	AuthzDetails       []string // pages of get-account-authorization-details, or one file
	CredentialReport   string   // JSON envelope (base64 or decoded Content) or bare CSV
	PasswordPolicy     string
	AccountSummary     string
	VirtualMFADevices  string
	OIDCProviders      []string // list and/or get outputs
	SAMLProviders      string
	AccountAliases     string
	ServerCertificates string
	Roles              string // list-roles: maximum session durations and descriptions

	// The export script's files of the inputs it writes one file per
	// entity for (entityfiles.go); --from fills them.
	OrganizationsFeatures string
	IdentityCenter        []string
	AccessAnalyzer        []string
	ServiceCredentials    []string
	SSHKeys               []string
	Organization          []string

	// AccountID is checked against the ARNs in the files; it is required
	// only when no file names the account.
	AccountID string
	// Now is the import time, recorded as the snapshot's CollectedAt. Required.
	Now time.Time
	// Tool is the iamspect version, recorded in Source.Tool.
	Tool string
	// MaxFileSize caps each file; 0 means DefaultMaxFileSize.
	MaxFileSize int64
	// Stdin is read for the one input named "-" (nil: that input is
	// refused).
	Stdin io.Reader
}

// Warning is something the caller should show but that does not stop the import.
type Warning struct {
	File string
	Msg  string
}

func (w Warning) String() string {
	if w.File == "" {
		return w.Msg
	}
	return w.File + ": " + w.Msg
}

// Import reads the files in opts and returns a one-account snapshot.
// Problems with the files are *InputError. Warnings are dropped; use
// ImportWithWarnings to show them.
func Import(opts Options) (*snapshot.Snapshot, error) {
	s, _, err := ImportWithWarnings(opts)
	return s, err
}

// ImportWithWarnings is Import, also returning warnings such as the
// unrecognised files of a --from folder.
func ImportWithWarnings(opts Options) (*snapshot.Snapshot, []Warning, error) {
	if opts.Now.IsZero() {
		return nil, nil, errors.New("importer: Options.Now is required")
	}
	if opts.MaxFileSize <= 0 {
		opts.MaxFileSize = DefaultMaxFileSize
	}
	var warnings []Warning
	if opts.Dir != "" {
		found, unknown, err := ResolveDir(opts.Dir)
		if err != nil {
			return nil, nil, err
		}
		opts = fillFromDir(opts, found)
		if len(unknown) > 0 {
			warnings = append(warnings, Warning{File: opts.Dir,
				Msg: "ignored files with names iamspect does not know (see docs/import.md): " + strings.Join(unknown, ", ")})
		}
	}
	in, err := load(opts)
	if err != nil {
		return nil, warnings, err
	}
	if len(in.files) == 0 {
		where := "no input files were given"
		if opts.Dir != "" {
			where = "the folder holds none of the documented files (authz-details.json, credential-report.json, ...)"
		}
		return nil, warnings, &InputError{File: opts.Dir, Msg: where + "; see docs/import.md"}
	}
	acct, err := in.account(opts.AccountID)
	if err != nil {
		return nil, warnings, err
	}
	if err := in.apply(acct); err != nil {
		return nil, warnings, err
	}
	AssignMFATypes(acct)
	warnings = append(warnings, in.warnings...)
	warnings = append(warnings, reportCoverage(acct, opts.CredentialReport)...)
	snap := &snapshot.Snapshot{
		SchemaVersion: snapshot.SchemaVersion,
		CollectedAt:   opts.Now.UTC(),
		Source:        snapshot.Source{Kind: "files", Files: in.files, Tool: opts.Tool},
		Organization:  in.org,
		Accounts:      []*snapshot.Account{acct},
		Gaps:          in.gaps,
	}
	return snap, warnings, nil
}

// fillFromDir takes each input from the folder unless set explicitly.
func fillFromDir(o, d Options) Options {
	if len(o.AuthzDetails) == 0 {
		o.AuthzDetails = d.AuthzDetails
	}
	if len(o.OIDCProviders) == 0 {
		o.OIDCProviders = d.OIDCProviders
	}
	for _, p := range []struct{ dst, src *[]string }{
		{&o.IdentityCenter, &d.IdentityCenter}, {&o.AccessAnalyzer, &d.AccessAnalyzer},
		{&o.ServiceCredentials, &d.ServiceCredentials}, {&o.SSHKeys, &d.SSHKeys}, {&o.Organization, &d.Organization},
	} {
		if len(*p.dst) == 0 {
			*p.dst = *p.src
		}
	}
	for _, p := range []struct {
		dst *string
		src string
	}{
		{&o.CredentialReport, d.CredentialReport}, {&o.PasswordPolicy, d.PasswordPolicy},
		{&o.AccountSummary, d.AccountSummary}, {&o.VirtualMFADevices, d.VirtualMFADevices},
		{&o.SAMLProviders, d.SAMLProviders}, {&o.AccountAliases, d.AccountAliases},
		{&o.ServerCertificates, d.ServerCertificates}, {&o.Roles, d.Roles},
		{&o.OrganizationsFeatures, d.OrganizationsFeatures},
	} {
		if *p.dst == "" {
			*p.dst = p.src
		}
	}
	return o
}

// apply merges the decoded inputs in dependency order: identities first, so
// the credential report can match users by ARN, and OIDC last, so
// ARN-less provider details can be named after the account.
func (d *decoded) apply(acct *snapshot.Account) error {
	if len(d.authz) > 0 {
		if err := ApplyAuthorizationDetails(acct, d.authz...); err != nil {
			if len(d.authzFiles) == 1 {
				return withFile(d.authzFiles[0], err)
			}
			return err
		}
	}
	if d.report != nil {
		if err := ApplyCredentialReport(acct, d.report); err != nil {
			return err
		}
	}
	if d.pwPolicy != nil {
		ApplyPasswordPolicy(acct, d.pwPolicy)
	}
	if d.summary != nil {
		ApplyAccountSummary(acct, d.summary)
	}
	if d.vmfa != nil {
		ApplyVirtualMFADevices(acct, d.vmfa)
	}
	if d.saml != nil {
		ApplySAMLProviders(acct, d.saml)
	}
	if d.aliases != nil {
		ApplyAccountAliases(acct, d.aliases)
	}
	if d.certs != nil {
		ApplyServerCertificates(acct, d.certs)
	}
	if d.roles != nil {
		ApplyRoles(acct, d.roles)
	}
	if d.oidcRead {
		ApplyOIDCProviders(acct, d.oidc...)
	}
	return d.applyEntityFiles(acct)
}

// applyEntityFiles applies the inputs of the export script's per-entity
// files, in registry order (users are known by now).
func (d *decoded) applyEntityFiles(acct *snapshot.Account) error {
	set := func(in snapshot.Input) *entitySet { return newEntitySet(in, d.entities[in]) }
	gaps, err := applyOrganizationsFeatures(acct, set(snapshot.InputOrganizationsFeatures))
	if err != nil {
		return err
	}
	d.gaps = append(d.gaps, gaps...)
	if err := applyIdentityCenter(acct, set(snapshot.InputIdentityCenter)); err != nil {
		return err
	}
	if err := applyAccessAnalyzer(acct, set(snapshot.InputAccessAnalyzer)); err != nil {
		return err
	}
	for _, apply := range []struct {
		in snapshot.Input
		f  func(*snapshot.Account, *entitySet) ([]Warning, error)
	}{{snapshot.InputServiceCredentials, applyServiceCredentials}, {snapshot.InputSSHKeys, applySSHKeys}} {
		ws, err := apply.f(acct, set(apply.in))
		if err != nil {
			return err
		}
		d.warnings = append(d.warnings, ws...)
	}
	org, gaps, err := applyOrganization(acct, set(snapshot.InputOrganization))
	if err != nil {
		return err
	}
	d.org = org
	d.gaps = append(d.gaps, gaps...)
	return nil
}

// reportCoverage warns about users the credential report does not list
// (usually created after it was generated): their credentials are unknown.
func reportCoverage(acct *snapshot.Account, file string) []Warning {
	if !acct.Has(snapshot.InputCredentialReport) || !acct.Has(snapshot.InputAuthorizationDetails) {
		return nil
	}
	var missing []string
	for _, u := range acct.Users {
		if u.Password == nil {
			missing = append(missing, u.Name)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	n := len(missing)
	if n > 10 {
		missing = append(missing[:10], fmt.Sprintf("and %d more", n-10))
	}
	return []Warning{{File: file, Msg: fmt.Sprintf("%s not in the credential report "+
		"(created after it was generated?), so their passwords, MFA and keys are unknown: %s; generate a new report",
		wording.CountAs(n, "user from the authorization details is", "users from the authorization details are"), strings.Join(missing, ", "))}}
}

// AssignMFATypes fills in MFA device types once the credential report (which
// says whether MFA is on) and the virtual MFA device list (which says which
// devices are virtual) are both in: an MFA-enabled user or root user holding
// a virtual device gets that device, one holding none must be using a
// hardware token or security key. Without the device list it does nothing,
// and identities whose devices are already known are left alone.
func AssignMFATypes(acct *snapshot.Account) {
	if !acct.Has(snapshot.InputVirtualMFADevices) {
		return
	}
	byUser := map[string][]snapshot.MFADevice{}
	rootARN := acct.RootARN()
	if acct.Root != nil && acct.Root.ARN != "" {
		rootARN = acct.Root.ARN
	}
	var rootDevs []snapshot.MFADevice
	for _, v := range acct.VirtualMFADevices {
		if v.UserARN == "" {
			continue // unassigned
		}
		dev := snapshot.MFADevice{Serial: v.Serial, Type: snapshot.MFAVirtual, EnabledAt: v.EnabledAt}
		if v.UserARN == rootARN || strings.HasSuffix(v.Serial, "root-account-mfa-device") {
			rootDevs = append(rootDevs, dev)
			continue
		}
		byUser[v.UserARN] = append(byUser[v.UserARN], dev)
	}
	for _, u := range acct.Users {
		if len(u.MFADevices) > 0 || (u.MFAActive != nil && !*u.MFAActive) {
			continue
		}
		switch {
		case len(byUser[u.ARN]) > 0:
			u.MFADevices = byUser[u.ARN]
		case u.MFAActive != nil && *u.MFAActive:
			u.MFADevices = []snapshot.MFADevice{{Type: snapshot.MFAHardware}}
		}
	}
	if r := acct.Root; r != nil && r.MFAActive && len(r.MFADevices) == 0 {
		if len(rootDevs) > 0 {
			r.MFADevices = rootDevs
		} else {
			r.MFADevices = []snapshot.MFADevice{{Type: snapshot.MFAHardware}}
		}
	}
}
