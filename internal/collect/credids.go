package collect

import (
	"context"
	"sort"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"golang.org/x/sync/errgroup"

	"github.com/iamspect/iamspect/internal/snapshot"
)

// credentialIDs reads the exact identifiers a remediation plan needs and
// the credential report does not give: access key IDs (iam:ListAccessKeys),
// signing certificate IDs (iam:ListSigningCertificates) and MFA serial
// numbers (iam:ListMFADevices) — one call per user, and only for users the
// credential report shows with such a credential whose identifier is
// unknown — and the SSH public keys (iam:ListSSHPublicKeys) of the users the
// SSH probe skipped (those with a password or key), which DeleteUser needs
// gone. It runs for `fix plan` (Options.CredentialIDs), not for scans,
// whose rules need no identifiers. A failure leaves the identifiers empty:
// the plan then names the missing input instead of guessing.
func (c *iamCollector) credentialIDs(ctx context.Context, a *snapshot.Account) {
	if !a.Has(snapshot.InputCredentialReport) {
		return
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(1, c.o.Parallel))
	for _, u := range a.Users {
		needKeys, needCerts, needMFA := false, false, false
		for _, k := range u.AccessKeys {
			needKeys = needKeys || k.ID == ""
		}
		for _, x := range u.SigningCertificates {
			needCerts = needCerts || x.ID == ""
		}
		for _, d := range u.MFADevices {
			needMFA = needMFA || d.Serial == ""
		}
		if mfa := u.MFAActive; mfa != nil && *mfa && len(u.MFADevices) == 0 {
			needMFA = true
		}
		// SSH public keys were probed only for users without a password or
		// key (users.go); a plan that deletes a user needs them all, since
		// DeleteUser refuses while one is left.
		needSSH := (u.HasConsolePassword() || len(u.AccessKeys) > 0) && len(u.SSHKeys) == 0 && a.Has(snapshot.InputSSHKeys)
		if !needKeys && !needCerts && !needMFA && !needSSH {
			continue
		}
		g.Go(func() error {
			name := aws.String(u.Name)
			var keys []snapshot.AccessKey
			var certs []snapshot.SigningCert
			var mfa []snapshot.MFADevice
			if needKeys {
				out, err := c.client.ListAccessKeys(gctx, &iam.ListAccessKeysInput{UserName: name})
				if err != nil {
					c.o.Logger.Debug("access key IDs not read", "user", u.Name, "error", err)
				} else {
					keys = matchKeys(u.AccessKeys, out)
				}
			}
			if needCerts {
				out, err := c.client.ListSigningCertificates(gctx, &iam.ListSigningCertificatesInput{UserName: name})
				if err != nil {
					c.o.Logger.Debug("signing certificate IDs not read", "user", u.Name, "error", err)
				} else {
					certs = matchCerts(u.SigningCertificates, out)
				}
			}
			if needMFA {
				out, err := c.client.ListMFADevices(gctx, &iam.ListMFADevicesInput{UserName: name})
				if err != nil {
					c.o.Logger.Debug("MFA serials not read", "user", u.Name, "error", err)
				} else {
					for _, d := range out.MFADevices {
						mfa = append(mfa, snapshot.MFADevice{Serial: aws.ToString(d.SerialNumber), EnabledAt: utc(d.EnableDate)})
					}
				}
			}
			var ssh []snapshot.SSHKey
			if needSSH {
				out, err := c.client.ListSSHPublicKeys(gctx, &iam.ListSSHPublicKeysInput{UserName: name})
				if err != nil {
					c.o.Logger.Debug("SSH public keys not read", "user", u.Name, "error", err)
				} else {
					for _, k := range out.SSHPublicKeys {
						ssh = append(ssh, snapshot.SSHKey{ID: aws.ToString(k.SSHPublicKeyId), Status: string(k.Status), UploadedAt: utc(k.UploadDate)})
					}
				}
			}
			// Applied after the calls, one user per goroutine: no sharing.
			if ssh != nil {
				u.SSHKeys = ssh
			}
			if keys != nil {
				u.AccessKeys = keys
			}
			if certs != nil {
				u.SigningCertificates = certs
			}
			if mfa != nil {
				u.MFADevices = mergeMFA(u.MFADevices, mfa)
			}
			return nil
		})
	}
	_ = g.Wait()
}

// matchKeys gives the credential report's key slots their IDs: each slot
// takes the listed key created when the slot's key was (the report's
// last_rotated is the key's creation time), with the same status; when
// dates do not decide, creation order does. Anything ambiguous leaves the
// IDs unknown (nil).
func matchKeys(slots []snapshot.AccessKey, out *iam.ListAccessKeysOutput) []snapshot.AccessKey {
	listed := out.AccessKeyMetadata
	if len(listed) != len(slots) {
		return nil // changed since the report: leave them unknown
	}
	res := make([]snapshot.AccessKey, len(slots))
	copy(res, slots)
	used := make([]bool, len(listed))
	byDate := true
	for i := range res {
		found := -1
		for j, l := range listed {
			if used[j] || string(l.Status) != res[i].Status || res[i].CreatedAt == nil || l.CreateDate == nil {
				continue
			}
			if d := res[i].CreatedAt.Sub(*l.CreateDate); d < time.Second && d > -time.Second {
				found = j
				break
			}
		}
		if found < 0 {
			byDate = false
			break
		}
		used[found] = true
		res[i].ID = aws.ToString(listed[found].AccessKeyId)
	}
	if byDate {
		return res
	}
	sort.SliceStable(listed, func(i, j int) bool {
		return aws.ToTime(listed[i].CreateDate).Before(aws.ToTime(listed[j].CreateDate))
	})
	copy(res, slots)
	sort.SliceStable(res, func(i, j int) bool { return res[i].Slot < res[j].Slot })
	for i := range res {
		if res[i].Status != string(listed[i].Status) {
			return nil
		}
		res[i].ID = aws.ToString(listed[i].AccessKeyId)
	}
	return res
}

func matchCerts(slots []snapshot.SigningCert, out *iam.ListSigningCertificatesOutput) []snapshot.SigningCert {
	listed := out.Certificates
	sort.SliceStable(listed, func(i, j int) bool {
		return aws.ToTime(listed[i].UploadDate).Before(aws.ToTime(listed[j].UploadDate))
	})
	if len(listed) != len(slots) {
		return nil
	}
	res := make([]snapshot.SigningCert, len(slots))
	copy(res, slots)
	sort.SliceStable(res, func(i, j int) bool { return res[i].Slot < res[j].Slot })
	for i := range res {
		res[i].ID = aws.ToString(listed[i].CertificateId)
	}
	return res
}

// mergeMFA keeps the types the collector already knew, adding serials.
func mergeMFA(known, listed []snapshot.MFADevice) []snapshot.MFADevice {
	typ := snapshot.MFAVirtual
	if len(known) > 0 {
		typ = known[0].Type
	}
	for i := range listed {
		listed[i].Type = typ
		for _, k := range known {
			if k.Serial == listed[i].Serial && k.Type != "" {
				listed[i].Type = k.Type
			}
		}
	}
	return listed
}
