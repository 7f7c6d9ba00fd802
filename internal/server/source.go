package server

import (
	"context"

	"fmt"
	"log/slog"
	"time"

	"github.com/iamspect/iamspect/internal/collect"
	"github.com/iamspect/iamspect/internal/engine"
	"github.com/iamspect/iamspect/internal/snapshot"
	"github.com/iamspect/iamspect/internal/suppress"
	"github.com/iamspect/iamspect/internal/version"
)

// source is the engine source of a target: its snapshot file or folder of
// AWS CLI files, read again at each scan, or a live collection with the
// SDK's credential chain, counted by counter.
func (t *Target) source(counter *collect.Counter, logger *slog.Logger) engine.Source {
	switch {
	case t.Snapshot != "":
		return engine.SnapshotFile{Path: t.Snapshot}
	case t.From != "":
		return engine.Files{Dir: t.From}
	}
	return engine.SourceFunc(func(ctx context.Context) (*snapshot.Snapshot, []string, error) {
		s, err := t.collect(ctx, counter, logger)
		return s, nil, err
	})
}

// collect reads the target's account or organisation from AWS, as 'iamspect
// collect' does with the same options.
func (t *Target) collect(ctx context.Context, counter *collect.Counter, logger *slog.Logger) (*snapshot.Snapshot, error) {
	cfg, err := collect.LoadConfig(ctx, collect.ConfigOptions{Profile: t.Profile, Region: t.Region, RoleARN: t.RoleARN,
		ExternalID: t.ExternalID, SessionName: collect.DefaultSessionName, Counter: counter})
	if err != nil {
		return nil, fmt.Errorf("AWS configuration: %w", err)
	}
	id, err := collect.CallerIdentity(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("caller identity: %w", err)
	}
	memberRole := t.MemberRole
	if memberRole == "" {
		memberRole = collect.DefaultMemberRole
	}
	parallel := t.Parallel
	if parallel == 0 {
		parallel = 4
	}
	opts := collect.Options{Config: cfg, Counter: counter, Caller: &id, Regions: t.Regions, Parallel: parallel,
		Org: t.Org, MemberRole: memberRole, ExternalID: t.ExternalID, SessionName: collect.DefaultSessionName,
		Accounts: t.Accounts, ExcludeAccounts: t.ExcludeAccounts, AccountTimeout: t.AccountTimeout.D(), Logger: logger}
	s, err := collect.Collect(ctx, opts)
	if err != nil {
		return nil, err
	}
	s.Source.Tool = version.String()
	return s, nil
}

// engineOptions are the target's rules, thresholds and suppressions. The
// suppressions file is read at each scan (a set is not shared between
// scans), so edits apply without a restart.
func (t *Target) engineOptions(clock engine.Clock) (engine.Options, error) {
	o := engine.Options{Rules: t.selected, Config: t.cfg, Clock: clock}
	if t.suppFile != "" {
		set, err := suppress.Load(t.suppFile)
		if err != nil {
			return o, &engine.InputError{Err: fmt.Errorf("suppressions: %w", err)}
		}
		o.Suppressions, o.SuppressionsFile = set, t.suppFile
	}
	return o, nil
}

// D is the duration.
func (d Duration) D() time.Duration { return time.Duration(d) }
