package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/iamspect/iamspect/internal/wording"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/iamspect/iamspect/internal/demo"
	"github.com/iamspect/iamspect/internal/sandbox"
	"github.com/iamspect/iamspect/internal/snapshot"
)

// sandboxOptions configure 'iamspect sandbox'.
type sandboxOptions struct {
	snapshotFile string
	demoAccounts int
	demoUsers    int
	demoRoles    int
	reportDelay  time.Duration
	addr         string
	throttleRate float64
	failRate     float64
	latency      time.Duration
	deny         []string
	throttle     []string
	rate         float64
	burst        int
	seed         int64
	stateFile    string
}

func (o *sandboxOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.snapshotFile, "snapshot", "", "`FILE` to serve (default: the built-in demo account)")
	fs.IntVar(&o.demoAccounts, "demo-accounts", 0, "serve the demo organisation grown to `N` accounts (generated members whose IAM state differs per account; for trying --org --shard and measuring)")
	fs.IntVar(&o.demoUsers, "demo-users", 0, "with --demo-accounts: `N` IAM users in each generated member account (default: 1 to 5)")
	fs.IntVar(&o.demoRoles, "demo-roles", 0, "with --demo-accounts: `N` roles in each generated member account (default: 1 to 3)")
	fs.DurationVar(&o.reportDelay, "report-delay", 0, "the credential report is ready this `DURATION` after an account's first GenerateCredentialReport, like AWS (default: the first GetCredentialReport answers ReportInProgress, the next the report)")
	fs.StringVar(&o.addr, "addr", "127.0.0.1:4566", "`HOST:PORT` to listen on (port 0 picks a free port)")
	fs.Float64Var(&o.throttleRate, "throttle-rate", 0, "fraction of requests answered with a throttling error (0-1)")
	fs.Float64Var(&o.failRate, "fail-rate", 0, "fraction of requests answered with HTTP 500/503 (0-1)")
	fs.DurationVar(&o.latency, "latency", 0, "delay added to each request, e.g. 50ms")
	fs.StringSliceVar(&o.deny, "deny", nil, "`ACTION`s answered with AccessDenied, e.g. iam:GenerateCredentialReport,sso:* (repeatable)")
	fs.StringSliceVar(&o.throttle, "throttle", nil, "`ACTION`s always answered with the service's throttling error (globs as in --deny; repeatable)")
	fs.Float64Var(&o.rate, "rate", 0, "throttle like AWS: at most `R` requests a second per account and API (token bucket; 0: no limit); throttled answers carry Retry-After")
	fs.IntVar(&o.burst, "burst", 0, "with --rate: token bucket size `N` (default: --rate rounded up)")
	fs.Int64Var(&o.seed, "seed", 1, "seed for the fault rates (same seed, same faults)")
	fs.StringVar(&o.stateFile, "state-file", "", "keep the served state in `FILE`: written after every write call (fix apply, rollback), and served again on restart when it exists")
}

func (o *sandboxOptions) serverOptions() sandbox.Options {
	return sandbox.Options{ThrottleRate: o.throttleRate, FailRate: o.failRate, Latency: o.latency, Deny: o.deny,
		Throttle: o.throttle, Rate: o.rate, Burst: o.burst, Seed: o.seed, StateFile: o.stateFile, ReportDelay: o.reportDelay}
}

func newSandboxCommand(stdout, stderr io.Writer) *cobra.Command {
	var o sandboxOptions
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Serve a snapshot as a fake AWS endpoint for the AWS SDKs and CLI",
		Long: `Serve a snapshot (the built-in demo account unless --snapshot is given) as a
local fake of the AWS APIs iamspect reads: IAM, STS, Organizations, IAM Identity
Center, the Identity Store and IAM Access Analyzer. The AWS CLI and SDKs work
against it with dummy credentials; nothing reaches AWS.

On start it prints the environment to use (export lines on stdout). Requests
for data the snapshot lacks are answered with AccessDenied, so collecting from
the sandbox gives back the same gaps. Fault flags make it throttle, fail, deny
or slow down requests, to test how a client copes. Request counts per API are
served at /_sandbox/stats. The IAM write calls that remediation plans use
change the served state (fix apply and fix rollback run against it);
/_sandbox/snapshot returns the current state and --state-file keeps it
across restarts. Stop it with Ctrl-C. See docs/sandbox.md.`,
		Example: `  iamspect sandbox                # then, in another shell, run the export lines it prints
  aws --endpoint-url http://127.0.0.1:4566 iam get-account-authorization-details
  iamspect sandbox --snapshot org.json --throttle-rate 0.2 --deny 'sso:*'
  iamspect sandbox --rate 2 --burst 1     # throttle like AWS: 2 requests/s per account and API
  iamspect sandbox --demo-accounts 30     # an organisation of 30 accounts, e.g. for collect --org --shard`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runSandbox(cmd.Context(), stdout, stderr, &o)
		},
	}
	o.AddFlags(cmd.Flags())
	return cmd
}

func runSandbox(ctx context.Context, stdout, stderr io.Writer, o *sandboxOptions) error {
	snap := demo.Snapshot()
	what := "the demo account"
	switch {
	case o.demoAccounts != 0 && o.snapshotFile != "":
		return usage(errors.New("--demo-accounts and --snapshot exclude each other"))
	case o.demoAccounts < 0 || o.demoAccounts == 1 || o.demoAccounts > 5000:
		return usage(fmt.Errorf("--demo-accounts %d: want 2 to 5000", o.demoAccounts))
	case (o.demoUsers != 0 || o.demoRoles != 0) && o.demoAccounts == 0:
		return usage(errors.New("--demo-users and --demo-roles need --demo-accounts"))
	case o.demoUsers < 0 || o.demoUsers > 1000 || o.demoRoles < 0 || o.demoRoles > 1000:
		return usage(fmt.Errorf("--demo-users %d --demo-roles %d: want 0 to 1000", o.demoUsers, o.demoRoles))
	case o.reportDelay < 0:
		return usage(fmt.Errorf("--report-delay %s: want a positive duration", o.reportDelay))
	case o.demoAccounts > 0:
		snap, what = demo.OrganizationSized(o.demoAccounts, demo.MemberSize{Users: o.demoUsers, Roles: o.demoRoles}), "the demo organisation"
	}
	if o.snapshotFile != "" {
		s, err := snapshot.Load(o.snapshotFile)
		if err != nil {
			return usage(fmt.Errorf("--snapshot %s: %w", o.snapshotFile, err))
		}
		snap, what = s, o.snapshotFile
	}
	if o.stateFile != "" {
		s, err := sandbox.LoadState(o.stateFile)
		if err != nil {
			return usage(fmt.Errorf("--state-file: %w", err))
		}
		if s != nil {
			snap, what = s, o.stateFile+" (state of an earlier run)"
		}
	}
	h, err := sandbox.New(snap, o.serverOptions())
	if err != nil {
		return usage(err)
	}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return usage(fmt.Errorf("--addr: %w", err))
	}
	if tcp, ok := ln.Addr().(*net.TCPAddr); ok && !tcp.IP.IsLoopback() {
		fmt.Fprintf(stderr, "iamspect: warning: the sandbox listens on %s, beyond this machine\n", ln.Addr())
	}
	url := clientURL(ln.Addr())
	for _, line := range sandbox.Env(url) {
		fmt.Fprintf(stdout, "export %s\n", line)
	}
	fmt.Fprintf(stderr, "iamspect sandbox: serving %s (%s) at %s (%sstats at %s/_sandbox/stats); Ctrl-C stops\n",
		what, wording.Count(len(snap.Accounts), "account"), url, listeningNote(ln.Addr()), url)

	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return fmt.Errorf("sandbox shutdown: %w", err)
	}
	if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	fmt.Fprintln(stderr, "iamspect sandbox: stopped")
	return nil
}
