package collect

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/iamspect/iamspect/internal/snapshot"
)

// memberInputs are the inputs a live collection gathers per account (every
// registered input but the organisation's, in registry order); an
// unreachable member account has a gap for each.
func memberInputs() []snapshot.Input {
	var out []snapshot.Input
	for _, in := range snapshot.Inputs() {
		if collectors[in].stage != stageOrganization {
			out = append(out, in)
		}
	}
	return out
}

// collectOrg lists the organisation from the caller's (management or
// delegated administrator) account, then collects each selected ACTIVE
// member account by assuming Options.MemberRole in it, Options.Parallel
// accounts at a time, through the pipeline of pipeline.go (credential
// reports started ahead). The caller's own account uses the caller's
// credentials. A member account that cannot be reached is kept with nothing
// collected and a gap per input naming sts:AssumeRole and the reason.
func collectOrg(ctx context.Context, s *snapshot.Snapshot, id Identity, o *Options, prog *progress) error {
	partition := snapshot.PartitionFromARN(id.ARN)
	if partition == "" {
		partition = "aws"
	}
	probe := &snapshot.Account{ID: id.Account}
	org, gaps, err := collectOrganizationWithin(ctx, time.Now().Add(o.AccountTimeout), o.Config, probe, true, o)
	if err != nil {
		return err
	}
	s.Organization = org
	s.Gaps = append(s.Gaps, gaps...)
	orgListed := probe.Has(snapshot.InputOrganization)
	if err := checkRequested(org, o); err != nil {
		return err
	}
	targets, skipped := selectAccounts(org, id.Account, o)
	if o.Shard != nil {
		targets, skipped = inShard(*o.Shard, targets, skipped)
		sh := *o.Shard
		s.Source.Shard = &sh
	}
	s.Gaps = append(s.Gaps, skipped...)
	if !orgListed {
		o.Logger.Debug("cannot list the organisation's accounts; collecting only the caller's account", "account", id.Account)
	}

	o.assumeClient = sts.NewFromConfig(o.Config)
	var mu sync.Mutex
	docs := snapshot.NewDocuments() // AWS managed policies repeat in every account
	pl := newPipeline(id, partition, o, prog)
	err = pl.run(ctx, targets, func(a *snapshot.Account, gaps []snapshot.Gap) {
		docs.InternAccount(a)
		if orgListed {
			a.MarkCollected(snapshot.InputOrganization)
		}
		mu.Lock()
		s.Accounts = append(s.Accounts, a)
		s.Gaps = append(s.Gaps, gaps...)
		mu.Unlock()
	})
	if err != nil {
		return err
	}
	slices.SortFunc(s.Accounts, func(a, b *snapshot.Account) int { return strings.Compare(a.ID, b.ID) })
	s.ShareOrganizationsFeatures()
	return nil
}

// selectAccounts returns the member accounts to collect: ACTIVE ones, with
// --accounts and --exclude-accounts applied; the caller's account alone when
// the organisation could not be listed. Requested accounts that are not
// members become gaps.
func selectAccounts(org *snapshot.Organization, caller string, o *Options) ([]string, []snapshot.Gap) {
	var ids []string
	members := map[string]bool{}
	if org != nil {
		for _, a := range org.Accounts {
			members[a.ID] = true
			if a.Status == "" || a.Status == "ACTIVE" {
				ids = append(ids, a.ID)
			}
		}
	}
	if len(ids) == 0 {
		ids = []string{caller}
		members[caller] = true
	}
	var gaps []snapshot.Gap
	if len(o.Accounts) > 0 {
		var keep []string
		for _, want := range o.Accounts {
			if slices.Contains(ids, want) {
				keep = append(keep, want)
				continue
			}
			reason := "not an active member of the organisation"
			if !members[want] && org == nil {
				reason = "the organisation could not be listed"
			}
			for _, in := range memberInputs() {
				gaps = append(gaps, snapshot.Gap{AccountID: want, Input: in, API: "organizations:ListAccounts", Reason: "--accounts " + want + ": " + reason})
			}
		}
		ids = keep
	}
	ids = slices.DeleteFunc(ids, func(id string) bool { return slices.Contains(o.ExcludeAccounts, id) })
	slices.Sort(ids)
	return slices.Compact(ids), gaps
}

// inShard keeps the accounts (and the gaps of requested accounts) of one
// shard: each part of a sharded collection holds its own accounts only, and
// the management account belongs to the shard its hash picks.
func inShard(sh snapshot.Shard, ids []string, gaps []snapshot.Gap) ([]string, []snapshot.Gap) {
	ids = slices.DeleteFunc(slices.Clone(ids), func(id string) bool { return !sh.Contains(id) })
	gaps = slices.DeleteFunc(slices.Clone(gaps), func(g snapshot.Gap) bool { return !sh.Contains(g.AccountID) })
	return ids, gaps
}

// assumeMember returns the configuration of a member account: the member
// role assumed, unless it is the caller's own account. A member account that
// cannot be reached gives an error (ctx's own error only when ctx ended).
func assumeMember(ctx context.Context, deadline time.Time, acctID, partition string, caller Identity, o *Options) (aws.Config, string, error) {
	if acctID == caller.Account {
		return o.Config, "", nil
	}
	roleARN := fmt.Sprintf("arn:%s:iam::%s:role/%s", partition, acctID, strings.TrimPrefix(o.MemberRole, "/"))
	cfg := assumeRoleWith(o.assumeClient, o.Config, roleARN, o.ExternalID, o.SessionName)
	actx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	// Assume the role first, with the ordinary retries: sts:AssumeRole
	// runs in the caller's account, whose STS rate every collector of
	// the organisation (and of every shard) shares, so it may be
	// throttled for longer than CallerIdentity's quick first-call
	// attempts allow; those then only check the cached credentials.
	var err error
	if _, err = cfg.Credentials.Retrieve(actx); err != nil {
		err = apiErr("sts:AssumeRole", err)
	}
	var got Identity
	if err == nil {
		got, err = CallerIdentity(actx, cfg)
	}
	if err == nil && got.Account != acctID {
		err = fmt.Errorf("assumed %s but STS reports account %s", roleARN, got.Account)
	}
	return cfg, roleARN, err
}

func unreachableGaps(acctID, roleARN string, err error) []snapshot.Gap {
	reason := "cannot assume " + roleARN + ": " + Reason(err)
	code := gapCode(err)
	var out []snapshot.Gap
	for _, in := range memberInputs() {
		out = append(out, snapshot.Gap{AccountID: acctID, Input: in, API: "sts:AssumeRole", ErrorCode: code, Reason: reason})
	}
	return out
}
