package rules

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/iamspect/iamspect/internal/snapshot"
)

// daysBetween returns whole days from then to now (negative if then is later).
func daysBetween(then, now time.Time) int {
	return int(math.Floor(now.Sub(then).Hours() / 24))
}

// day formats a time as a date for messages.
func day(t time.Time) string { return t.UTC().Format("2006-01-02") }

// userResult builds a result about an IAM user.
func (r *Rule) userResult(status Status, a *snapshot.Account, u *snapshot.User, format string, args ...any) Result {
	res := r.Result(status, a.ID, TypeUser, u.ARN, u.Name, format, args...)
	res.Tags = tagMap(u.Tags)
	return res
}

// rootResult builds a result about the root user.
func (r *Rule) rootResult(status Status, a *snapshot.Account, format string, args ...any) Result {
	return r.Result(status, a.ID, TypeRoot, a.RootARN(), "<root_account>", format, args...)
}

// accountResult builds an account-level result.
func (r *Rule) accountResult(status Status, a *snapshot.Account, format string, args ...any) Result {
	name := a.ID
	if a.Alias != "" {
		name = a.Alias
	}
	return r.Result(status, a.ID, TypeAccount, a.RootARN(), name, format, args...)
}

// joinList renders items as "a, b and c".
func joinList(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// inputNames lists inputs by name for Result.MissingInputs.
func inputNames(ins ...snapshot.Input) []string {
	out := make([]string, len(ins))
	for i, in := range ins {
		out[i] = string(in)
	}
	return out
}

// tagMap turns a resource's tags into the map results carry for
// suppression matching.
func tagMap(tags []snapshot.Tag) map[string]string {
	if len(tags) == 0 {
		return nil
	}
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		m[t.Key] = t.Value
	}
	return m
}

// unknownResult is an account-level UNKNOWN naming the missing inputs, for
// checks that decide themselves what they lack (Check rules, or inputs needed
// only in some cases).
func (r *Rule) unknownResult(s *snapshot.Snapshot, a *snapshot.Account, missing ...snapshot.Input) Result {
	res := r.accountResult(Unknown, a, "%s", NotChecked(s, a.ID, "needs", missing))
	res.MissingInputs = inputNames(missing...)
	return res
}

// NotChecked words an UNKNOWN for missing inputs: what each input is, how to
// provide it, and why it is missing when a gap says so. needs is "needs" or
// "needs one of". The scanner uses it too, so every such message reads alike.
func NotChecked(s *snapshot.Snapshot, accountID, needs string, missing []snapshot.Input) string {
	parts := make([]string, 0, len(missing))
	for _, in := range missing {
		p := in.Describe()
		if s != nil {
			for _, g := range s.GapsFor(accountID, in) {
				p += " — " + g.Reason
			}
		}
		parts = append(parts, p)
	}
	return fmt.Sprintf("Not checked: this rule %s %s, which this scan does not have.", needs, strings.Join(parts, "; "))
}

// groupResult builds a result about an IAM group.
func (r *Rule) groupResult(status Status, a *snapshot.Account, g *snapshot.Group, format string, args ...any) Result {
	return r.Result(status, a.ID, TypeGroup, g.ARN, g.Name, format, args...)
}

// orgResult builds a result about the organisation.
func (r *Rule) orgResult(status Status, o *snapshot.Organization, format string, args ...any) Result {
	arn := o.ARN
	if arn == "" {
		arn = "arn:aws:organizations::" + o.ManagementAccount + ":organization/" + o.ID
	}
	return r.Result(status, o.ManagementAccount, TypeOrg, arn, o.ID, format, args...)
}

// knowsUsers reports whether the account's list of IAM users is known.
func knowsUsers(a *snapshot.Account) bool {
	return a.Has(snapshot.InputAuthorizationDetails) || a.Has(snapshot.InputCredentialReport)
}

// consoleUsers returns the users with an enabled console password.
func consoleUsers(a *snapshot.Account) []*snapshot.User {
	var out []*snapshot.User
	for _, u := range a.Users {
		if u.HasConsolePassword() {
			out = append(out, u)
		}
	}
	return out
}

// latest returns the latest of the non-nil times, or nil.
func latest(ts ...*time.Time) *time.Time {
	var out *time.Time
	for _, t := range ts {
		if t != nil && (out == nil || t.After(*out)) {
			out = t
		}
	}
	return out
}

// hasHardwareMFA says whether a principal with active MFA has a hardware
// device: from its device list when collected, else from the account's
// virtual MFA devices (an active MFA with no virtual device assigned must be
// a hardware one). known is false when neither source is available.
func hasHardwareMFA(a *snapshot.Account, arn string, devices []snapshot.MFADevice, isRoot bool) (hardware, known bool) {
	if len(devices) > 0 {
		for _, d := range devices {
			if d.Type == snapshot.MFAHardware {
				return true, true
			}
		}
		return false, true
	}
	if !a.Has(snapshot.InputVirtualMFADevices) {
		return false, false
	}
	for _, v := range a.VirtualMFADevices {
		if v.UserARN == arn || (isRoot && v.UserARN != "" && strings.HasSuffix(v.Serial, ":mfa/root-account-mfa-device")) {
			return false, true
		}
	}
	return true, true
}

// orgFeatureEnabled reports whether any account in the snapshot lists the
// IAM organisation feature (the list is organisation-wide).
func orgFeatureEnabled(s *snapshot.Snapshot, feature string) (enabled, known bool) {
	for _, a := range s.Accounts {
		if a.Has(snapshot.InputOrganizationsFeatures) {
			known = true
		}
		if slices.Contains(a.OrganizationsFeatures, feature) {
			return true, true
		}
	}
	return false, known
}

// rootCredentialsRemoved reports whether centralised root access has taken
// the account's root credentials away: the organisation has the
// RootCredentialsManagement feature and root has no password, active key or
// active certificate.
func rootCredentialsRemoved(s *snapshot.Snapshot, a *snapshot.Account) bool {
	root := a.Root
	if root == nil || root.PasswordEnabled == nil || *root.PasswordEnabled {
		return false
	}
	if enabled, _ := orgFeatureEnabled(s, "RootCredentialsManagement"); !enabled {
		return false
	}
	return !rootHasActiveKeyOrCert(root)
}

func rootHasActiveKeyOrCert(root *snapshot.Root) bool {
	for _, k := range root.AccessKeys {
		if k.Active() {
			return true
		}
	}
	for _, c := range root.SigningCertificates {
		if c.Status == snapshot.StatusActive {
			return true
		}
	}
	return false
}

// aged is the evidence of a verdict on an age: the credential (key ID or
// label, may be empty), the date measured from, its age in days at the
// scan's reference time and the threshold it was held to.
func aged(id string, date time.Time, days, threshold int) *Evidence {
	d := date.UTC()
	return &Evidence{KeyID: id, Date: &d, AgeDays: &days, Threshold: &threshold}
}

// withEvidence sets a result's evidence and returns it.
func withEvidence(res Result, ev *Evidence) Result {
	res.Evidence = ev
	return res
}

// failsWithEvidence gives every failing result of check the evidence ev
// returns (a fresh value each time: results are not shared).
func failsWithEvidence(check func(*Rule, *Context, *snapshot.Snapshot, *snapshot.Account) []Result, ev func() *Evidence) func(*Rule, *Context, *snapshot.Snapshot, *snapshot.Account) []Result {
	return func(r *Rule, ctx *Context, s *snapshot.Snapshot, a *snapshot.Account) []Result {
		out := check(r, ctx, s, a)
		for i := range out {
			if out[i].Status == Fail {
				out[i].Evidence = ev()
			}
		}
		return out
	}
}

// oldest keeps the evidence with the greatest age.
func oldest(cur, next *Evidence) *Evidence {
	if cur == nil || (next != nil && *next.AgeDays > *cur.AgeDays) {
		return next
	}
	return cur
}
