package snapshot

import "time"

// Dated is a date found in an account's data, with what it dates.
type Dated struct {
	Time time.Time
	What string // "user alice's access key AKIA… was last used"
}

// NewestDate returns the latest date the account's data records about the
// past (creations, last uses, changes, uploads; not expiry or rotation
// dates, which lie in the future by design). ok is false when the account
// holds no date.
func (a *Account) NewestDate() (d Dated, ok bool) {
	see := func(t *time.Time, what func() string) {
		if t != nil && !t.IsZero() && (!ok || t.After(d.Time)) {
			d, ok = Dated{Time: *t, What: what()}, true
		}
	}
	keys := func(owner string, ks []AccessKey) {
		for _, k := range ks {
			see(k.CreatedAt, func() string { return owner + "'s access key " + k.ID + " was created" })
			see(k.LastUsed, func() string { return owner + "'s access key " + k.ID + " was last used" })
		}
	}
	mfas := func(owner string, ms []MFADevice) {
		for _, m := range ms {
			see(m.EnabledAt, func() string { return owner + "'s MFA device was enabled" })
		}
	}
	if r := a.Root; r != nil {
		see(r.CreatedAt, func() string { return "the root user was created" })
		see(r.PasswordLastUsed, func() string { return "the root user's password was last used" })
		see(r.PasswordLastChanged, func() string { return "the root user's password was last changed" })
		keys("the root user", r.AccessKeys)
		mfas("the root user", r.MFADevices)
	}
	for _, u := range a.Users {
		if u == nil {
			continue
		}
		owner := "user " + u.Name
		see(&u.CreatedAt, func() string { return owner + " was created" })
		if p := u.Password; p != nil {
			see(p.LastUsed, func() string { return owner + "'s password was last used" })
			see(p.LastChanged, func() string { return owner + "'s password was last changed" })
		}
		keys(owner, u.AccessKeys)
		mfas(owner, u.MFADevices)
		for _, c := range u.SigningCertificates {
			see(c.UploadedAt, func() string { return owner + "'s signing certificate was uploaded" })
		}
		for _, k := range u.SSHKeys {
			see(k.UploadedAt, func() string { return owner + "'s SSH key was uploaded" })
		}
		for _, c := range u.ServiceCredentials {
			see(c.CreatedAt, func() string { return owner + "'s service-specific credential was created" })
		}
	}
	for _, g := range a.Groups {
		if g == nil {
			continue
		}
		see(&g.CreatedAt, func() string { return "group " + g.Name + " was created" })
	}
	for _, r := range a.Roles {
		if r == nil {
			continue
		}
		see(&r.CreatedAt, func() string { return "role " + r.Name + " was created" })
		if r.LastUsed != nil {
			see(&r.LastUsed.Date, func() string { return "role " + r.Name + " was last used" })
		}
	}
	for _, p := range a.Policies {
		if p == nil {
			continue
		}
		see(p.CreatedAt, func() string { return "policy " + p.Name + " was created" })
		see(p.UpdatedAt, func() string { return "policy " + p.Name + " was updated" })
	}
	for _, v := range a.VirtualMFADevices {
		see(v.EnabledAt, func() string { return "virtual MFA device " + v.Serial + " was enabled" })
	}
	for _, p := range a.OIDCProviders {
		see(p.CreatedAt, func() string { return "OIDC provider " + p.ARN + " was created" })
	}
	for _, p := range a.SAMLProviders {
		see(p.CreatedAt, func() string { return "SAML provider " + p.ARN + " was created" })
	}
	for _, c := range a.ServerCertificates {
		see(c.UploadedAt, func() string { return "server certificate " + c.Name + " was uploaded" })
	}
	return d, ok
}
