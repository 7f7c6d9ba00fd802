package snapshot

import "time"

// Builder assembles snapshots for tests and the demo without JSON fixtures.
// A new builder's account has authorization details, role details and a
// credential report collected; Without removes inputs to test UNKNOWN paths.
type Builder struct {
	snap *Snapshot
	acct *Account
}

// NewBuilder starts a one-account snapshot collected at the given time.
func NewBuilder(accountID string, collectedAt time.Time) *Builder {
	a := &Account{ID: accountID, Partition: "aws",
		Collected: []Input{InputAuthorizationDetails, InputCredentialReport, InputRoleDetails}}
	a.Root = &Root{ARN: a.RootARN()}
	s := &Snapshot{SchemaVersion: SchemaVersion, CollectedAt: collectedAt,
		Source: Source{Kind: "builder"}, Accounts: []*Account{a}}
	return &Builder{snap: s, acct: a}
}

// Account returns the account being built, for direct edits.
func (b *Builder) Account() *Account { return b.acct }

// With marks extra inputs as collected.
func (b *Builder) With(in ...Input) *Builder {
	for _, i := range in {
		b.acct.MarkCollected(i)
	}
	return b
}

// Without marks inputs as not collected.
func (b *Builder) Without(in ...Input) *Builder {
	for _, i := range in {
		out := b.acct.Collected[:0]
		for _, c := range b.acct.Collected {
			if c != i {
				out = append(out, c)
			}
		}
		b.acct.Collected = out
	}
	return b
}

// Root returns the root user for direct edits.
func (b *Builder) Root() *Root { return b.acct.Root }

// User adds a user created at the given time and returns a builder for it.
func (b *Builder) User(name string, created time.Time) *UserBuilder {
	u := &User{Name: name, ARN: "arn:aws:iam::" + b.acct.ID + ":user/" + name,
		Path: "/", CreatedAt: created, Password: &Password{}, MFAActive: new(bool)}
	b.acct.Users = append(b.acct.Users, u)
	return &UserBuilder{User: u}
}

// Role adds a role with a trust policy and returns it for direct edits.
func (b *Builder) Role(name, trust string) *Role {
	r := &Role{Name: name, ARN: "arn:aws:iam::" + b.acct.ID + ":role/" + name,
		Path: "/", TrustPolicy: RawJSON(trust), MaxSessionDuration: 3600}
	b.acct.Roles = append(b.acct.Roles, r)
	return r
}

// Build returns the snapshot.
func (b *Builder) Build() *Snapshot { return b.snap }

// UserBuilder sets up one user's credentials.
type UserBuilder struct{ User *User }

// Password gives the user an enabled console password.
func (ub *UserBuilder) Password(changed time.Time, lastUsed *time.Time) *UserBuilder {
	ub.User.Password = &Password{Enabled: true, LastChanged: &changed, LastUsed: lastUsed}
	return ub
}

// MFA gives the user an active MFA device of the given type.
func (ub *UserBuilder) MFA(kind string) *UserBuilder {
	t := true
	ub.User.MFAActive = &t
	ub.User.MFADevices = append(ub.User.MFADevices, MFADevice{Type: kind})
	return ub
}

// AccessKey adds an active access key (lastUsed nil = never used).
func (ub *UserBuilder) AccessKey(created time.Time, lastUsed *time.Time) *UserBuilder {
	slot := len(ub.User.AccessKeys) + 1
	ub.User.AccessKeys = append(ub.User.AccessKeys, AccessKey{Slot: slot,
		Status: StatusActive, CreatedAt: &created, LastUsed: lastUsed})
	return ub
}

// InactiveAccessKey adds an inactive access key.
func (ub *UserBuilder) InactiveAccessKey(created time.Time) *UserBuilder {
	slot := len(ub.User.AccessKeys) + 1
	ub.User.AccessKeys = append(ub.User.AccessKeys, AccessKey{Slot: slot,
		Status: StatusInactive, CreatedAt: &created})
	return ub
}
