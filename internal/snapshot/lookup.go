package snapshot

import (
	"strings"
	"time"
)

// IsAWSManagedPolicyARN reports whether arn names an AWS managed policy.
func IsAWSManagedPolicyARN(arn string) bool {
	i := strings.Index(arn, ":iam::aws:policy/")
	return i > 0 && strings.HasPrefix(arn, "arn:")
}

// RootARN is the ARN iamspect uses for the root user of an account.
func RootARN(partition, accountID string) string {
	if partition == "" {
		partition = "aws"
	}
	return "arn:" + partition + ":iam::" + accountID + ":root"
}

// AccountIDFromARN returns the account field of an ARN, or "".
func AccountIDFromARN(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 || parts[0] != "arn" {
		return ""
	}
	return parts[4]
}

// PartitionFromARN returns the partition field of an ARN, or "".
func PartitionFromARN(arn string) string {
	parts := strings.SplitN(arn, ":", 3)
	if len(parts) < 3 || parts[0] != "arn" {
		return ""
	}
	return parts[1]
}

// RootARN returns the ARN of the account's root user.
func (a *Account) RootARN() string { return RootARN(a.Partition, a.ID) }

// User finds a user by name.
func (a *Account) User(name string) *User {
	for _, u := range a.Users {
		if u.Name == name {
			return u
		}
	}
	return nil
}

// Role finds a role by name.
func (a *Account) Role(name string) *Role {
	for _, r := range a.Roles {
		if r.Name == name {
			return r
		}
	}
	return nil
}

// Group finds a group by name.
func (a *Account) Group(name string) *Group {
	for _, g := range a.Groups {
		if g.Name == name {
			return g
		}
	}
	return nil
}

// Policy finds a managed policy by ARN.
func (a *Account) Policy(arn string) *ManagedPolicy {
	for _, p := range a.Policies {
		if p.ARN == arn {
			return p
		}
	}
	return nil
}

// Account finds an account by ID.
func (s *Snapshot) Account(id string) *Account {
	for _, a := range s.Accounts {
		if a.ID == id {
			return a
		}
	}
	return nil
}

// ReferenceTime is the "now" against which ages in an account are measured:
// the credential report's generation time when known, else the collection
// time. Rules never read the wall clock.
func (s *Snapshot) ReferenceTime(a *Account) time.Time {
	if a != nil && a.CredentialReportGeneratedAt != nil && !a.CredentialReportGeneratedAt.IsZero() {
		return *a.CredentialReportGeneratedAt
	}
	return s.CollectedAt
}

// TagValue returns the value of a tag and whether it is set.
func TagValue(tags []Tag, key string) (string, bool) {
	for _, t := range tags {
		if t.Key == key {
			return t.Value, true
		}
	}
	return "", false
}

// HasConsolePassword reports whether the user has an enabled console password
// (false when unknown).
func (u *User) HasConsolePassword() bool { return u.Password != nil && u.Password.Enabled }

// ActiveAccessKeys returns the user's active access keys.
func (u *User) ActiveAccessKeys() []AccessKey {
	var out []AccessKey
	for _, k := range u.AccessKeys {
		if k.Active() {
			out = append(out, k)
		}
	}
	return out
}
