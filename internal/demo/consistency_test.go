package demo_test

import (
	"testing"

	"github.com/iamspect/iamspect/internal/demo"
	"github.com/iamspect/iamspect/internal/snapshot"
)

// The demo is served by the sandbox and collected back, so it must look like
// something AWS could return: data present only for inputs marked collected,
// and MFA devices that agree with the virtual-device list.
func TestDemoIsInternallyConsistent(t *testing.T) {
	for _, a := range demo.Snapshot().Accounts {
		needs := map[snapshot.Input]bool{
			snapshot.InputAccountAliases:     a.Alias != "",
			snapshot.InputAccountSummary:     a.Summary != nil,
			snapshot.InputPasswordPolicy:     a.PasswordPolicy != nil,
			snapshot.InputVirtualMFADevices:  len(a.VirtualMFADevices) > 0,
			snapshot.InputOIDCProviders:      len(a.OIDCProviders) > 0,
			snapshot.InputSAMLProviders:      len(a.SAMLProviders) > 0,
			snapshot.InputServerCertificates: len(a.ServerCertificates) > 0,
			snapshot.InputIdentityCenter:     a.IdentityCenter != nil,
			snapshot.InputAccessAnalyzer:     len(a.AccessAnalyzers) > 0,
		}
		for in, present := range needs {
			if present && !a.Has(in) {
				t.Errorf("account %s has %s data but does not mark it collected", a.ID, in)
			}
		}
		virtual := map[string]string{}
		for _, d := range a.VirtualMFADevices {
			virtual[d.Serial] = d.UserARN
		}
		for _, u := range a.Users {
			for _, d := range u.MFADevices {
				if d.Type == snapshot.MFAVirtual && virtual[d.Serial] != u.ARN {
					t.Errorf("%s: virtual MFA %s is not assigned to it in the virtual device list", u.Name, d.Serial)
				}
			}
			if u.MFAActive != nil && *u.MFAActive != (len(u.MFADevices) > 0) {
				t.Errorf("%s: mfa_active=%v with %d devices", u.Name, *u.MFAActive, len(u.MFADevices))
			}
		}
	}
}
