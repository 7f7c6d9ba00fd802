package snapshot

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/iamspect/iamspect/internal/wording"
)

// Part is one part snapshot to merge and the name it is known by (its
// file), for errors.
type Part struct {
	Name     string
	Snapshot *Snapshot
}

// MergeOptions control Merge.
type MergeOptions struct {
	// AllowPartial merges even when some shards of 1..N are missing: each
	// account of a missing shard is kept with nothing collected and a gap
	// per input (error code ShardMissing), so the scan answers UNKNOWN for
	// it instead of passing an organisation it never saw whole.
	AllowPartial bool
}

// GapShardMissing is the error code of the gaps Merge records for the
// accounts of a missing shard.
const GapShardMissing = "ShardMissing"

// Merged is the result of Merge.
type Merged struct {
	Snapshot *Snapshot
	// Missing lists the shards (of Count) that no part provided.
	Missing []int
	Count   int
}

// Merge combines the parts of one sharded organisation collection
// (collect --org --shard I/N) into one snapshot of the organisation:
//
//   - every part must be a shard part of the same count (and run, when
//     named), of the same organisation, whose listing succeeded and is
//     identical in every part (accounts, OUs, SCPs): parts of collections
//     that saw different organisations are refused;
//   - no shard may be given twice, no account may appear twice, and every
//     account must belong to the shard of the part holding it;
//   - every shard 1..N must be present, unless AllowPartial;
//   - the organisation is kept once, accounts (sorted by ID) and gaps from
//     every part; collected_at is the earliest part's (the state is at
//     least that old); source is the first shard's, without the shard.
//
// IAM organisation features, readable only from the management account,
// are copied to the member accounts that could not read them, as an
// unsharded collection does.
func Merge(parts []Part, o MergeOptions) (*Merged, error) {
	if len(parts) == 0 {
		return nil, errors.New("no part to merge")
	}
	parts = slices.Clone(parts)
	for _, p := range parts {
		if p.Snapshot == nil || p.Snapshot.Source.Shard == nil {
			return nil, fmt.Errorf("%s: %w", p.Name, errNotAPart)
		}
		if err := p.Snapshot.Source.Shard.Validate(); err != nil {
			return nil, fmt.Errorf("%s: source.shard %w", p.Name, err)
		}
	}
	slices.SortStableFunc(parts, func(a, b Part) int { return a.Snapshot.Source.Shard.Index - b.Snapshot.Source.Shard.Index })
	first := parts[0]
	fs := first.Snapshot.Source.Shard
	var errs []error
	byIndex := map[int]string{}
	for _, p := range parts {
		sh := p.Snapshot.Source.Shard
		if sh.Count != fs.Count {
			errs = append(errs, fmt.Errorf("%s is shard %s but %s is shard %s: parts of different shardings", first.Name, fs, p.Name, sh))
			continue
		}
		if sh.Run != fs.Run {
			errs = append(errs, fmt.Errorf("%s is of run %q but %s of run %q: parts of different collection runs", first.Name, fs.Run, p.Name, sh.Run))
		}
		if prev, dup := byIndex[sh.Index]; dup {
			errs = append(errs, fmt.Errorf("shard %s given twice: %s and %s", sh, prev, p.Name))
		}
		byIndex[sh.Index] = p.Name
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	org, err := mergedOrganization(parts)
	if err != nil {
		return nil, err
	}

	out := &Snapshot{SchemaVersion: SchemaVersion, CollectedAt: first.Snapshot.CollectedAt,
		Source: first.Snapshot.Source, Organization: org}
	out.Source.Shard = nil
	holder := map[string]string{}
	for _, p := range parts {
		s := p.Snapshot
		if s.CollectedAt.Before(out.CollectedAt) {
			out.CollectedAt = s.CollectedAt
		}
		for _, a := range s.Accounts {
			if prev, dup := holder[a.ID]; dup {
				errs = append(errs, fmt.Errorf("account %s is in both %s and %s", a.ID, prev, p.Name))
				continue
			}
			holder[a.ID] = p.Name
			if !s.Source.Shard.Contains(a.ID) {
				errs = append(errs, fmt.Errorf("%s (shard %s) holds account %s, which belongs to shard %d/%d", p.Name, s.Source.Shard, a.ID, ShardOf(a.ID, fs.Count), fs.Count))
			}
			out.Accounts = append(out.Accounts, a)
		}
		out.Gaps = append(out.Gaps, s.Gaps...)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}

	var missing []int
	for i := 1; i <= fs.Count; i++ {
		if _, ok := byIndex[i]; !ok {
			missing = append(missing, i)
		}
	}
	if len(missing) > 0 && !o.AllowPartial {
		return nil, fmt.Errorf("%s %s of %d missing (given: %s): merge every part, or --allow-partial to record their accounts as gaps",
			wording.Noun(len(missing), "shard", "shards"), joinInts(missing), fs.Count, joinInts(slices.Sorted(maps.Keys(byIndex))))
	}
	out.addMissingShards(missing, fs.Count)

	slices.SortFunc(out.Accounts, func(a, b *Account) int { return strings.Compare(a.ID, b.ID) })
	slices.SortStableFunc(out.Gaps, func(a, b Gap) int {
		if c := strings.Compare(a.AccountID, b.AccountID); c != 0 {
			return c
		}
		return strings.Compare(string(a.Input), string(b.Input))
	})
	out.ShareOrganizationsFeatures()
	return &Merged{Snapshot: out, Missing: missing, Count: fs.Count}, nil
}

// mergedOrganization checks that every part listed the same organisation
// and returns it.
func mergedOrganization(parts []Part) (*Organization, error) {
	var org *Organization
	var orgJSON []byte
	var orgFrom string
	for _, p := range parts {
		s := p.Snapshot
		if s.Organization == nil {
			return nil, fmt.Errorf("%s (shard %s) holds no organisation: was it collected with --org from the management account?", p.Name, s.Source.Shard)
		}
		for _, g := range s.Gaps {
			if g.Input == InputOrganization {
				return nil, fmt.Errorf("%s (shard %s) could not list the organisation (%s: %s), so its accounts are unknown: collect that shard again, or leave it out and merge with --allow-partial",
					p.Name, s.Source.Shard, g.API, g.Reason)
			}
		}
		b, err := canonicalOrganization(s.Organization)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p.Name, err)
		}
		switch {
		case org == nil:
			org, orgJSON, orgFrom = s.Organization, b, p.Name
		case s.Organization.ID != org.ID:
			return nil, fmt.Errorf("%s is of organisation %s but %s of organisation %s: parts of different organisations", orgFrom, org.ID, p.Name, s.Organization.ID)
		case !bytes.Equal(b, orgJSON):
			return nil, fmt.Errorf("the organisation %s differs between %s and %s (its accounts, OUs or SCPs changed between their collections): collect every part again in one run", org.ID, orgFrom, p.Name)
		}
	}
	return org, nil
}

// canonicalOrganization is the organisation's JSON with its lists sorted:
// AWS does not promise the order of ListAccounts, of OUs or of a policy's
// targets, so two listings of the same organisation may differ in order only.
func canonicalOrganization(o *Organization) ([]byte, error) {
	c := *o
	c.Accounts = slices.Clone(o.Accounts)
	slices.SortFunc(c.Accounts, func(a, b OrgAccount) int { return strings.Compare(a.ID, b.ID) })
	c.Units = slices.Clone(o.Units)
	slices.SortFunc(c.Units, func(a, b OrgUnit) int { return strings.Compare(a.ID, b.ID) })
	c.EnabledPolicyTypes = slices.Sorted(slices.Values(o.EnabledPolicyTypes))
	c.Policies = slices.Clone(o.Policies)
	for i := range c.Policies {
		c.Policies[i].Targets = slices.Sorted(slices.Values(c.Policies[i].Targets))
	}
	slices.SortFunc(c.Policies, func(a, b OrgPolicy) int { return strings.Compare(a.ID, b.ID) })
	return json.Marshal(&c)
}

// addMissingShards keeps each active account of the missing shards with
// nothing collected and a gap per input, as a member account that could
// not be reached is kept.
func (s *Snapshot) addMissingShards(missing []int, count int) {
	if len(missing) == 0 || s.Organization == nil {
		return
	}
	partition := "aws"
	for _, a := range s.Accounts {
		if a.Partition != "" {
			partition = a.Partition
			break
		}
	}
	for _, m := range s.Organization.Accounts {
		if m.Status != "" && m.Status != "ACTIVE" {
			continue
		}
		shard := ShardOf(m.ID, count)
		if !slices.Contains(missing, shard) || s.Account(m.ID) != nil {
			continue
		}
		a := &Account{ID: m.ID, Partition: partition, Collected: []Input{}}
		a.MarkCollected(InputOrganization)
		s.Accounts = append(s.Accounts, a)
		for _, in := range Inputs() {
			if in == InputOrganization {
				continue
			}
			s.Gaps = append(s.Gaps, Gap{AccountID: m.ID, Input: in, ErrorCode: GapShardMissing,
				Reason: fmt.Sprintf("shard %d/%d was not merged (merge --allow-partial): account %s was not collected", shard, count, m.ID)})
		}
	}
}

// ShareOrganizationsFeatures copies the management account's IAM
// organisation features (iam:ListOrganizationsFeatures) to member accounts
// that could not read them, and drops those accounts' gaps for them: the
// features are organisation-wide and only the management account (or a
// delegated administrator) may list them. Accounts with nothing collected
// are left alone.
func (s *Snapshot) ShareOrganizationsFeatures() {
	org := s.Organization
	if org == nil {
		return
	}
	mgmt := s.Account(org.ManagementAccount)
	if mgmt == nil || !mgmt.Has(InputOrganizationsFeatures) {
		return
	}
	for _, a := range s.Accounts {
		if a == mgmt || a.Has(InputOrganizationsFeatures) || len(a.Collected) == 0 {
			continue
		}
		a.OrganizationsFeatures = slices.Clone(mgmt.OrganizationsFeatures)
		a.MarkCollected(InputOrganizationsFeatures)
		s.Gaps = slices.DeleteFunc(s.Gaps, func(g Gap) bool {
			return g.AccountID == a.ID && g.Input == InputOrganizationsFeatures
		})
	}
}

func joinInts(xs []int) string {
	var parts []string
	for _, x := range xs {
		parts = append(parts, fmt.Sprint(x))
	}
	return strings.Join(parts, ", ")
}
