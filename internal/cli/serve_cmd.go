package cli

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"

	"github.com/spf13/cobra"

	"github.com/iamspect/iamspect/internal/server"
)

// DefaultAddr is where serve listens unless told otherwise: loopback only.
const DefaultAddr = "127.0.0.1:8080"

func newServeCommand(_ io.Writer, stderr io.Writer) *cobra.Command {
	var (
		configFile string
		addr       string
		so         storeOptions
		verbose    bool
		check      bool
	)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Scan targets on a schedule, keep their history, and serve a dashboard, an API and alerts",
		Long: `Run iamspect as a service (docs/serve.md): scan each target of the
configuration on its schedule (an interval or a cron expression), keep every
scan, result and snapshot in the history store (--db: SQLite by default,
or PostgreSQL), follow each finding's lifecycle (new, open, resolved,
reopened), notify webhooks, Slack and SNS about new or reopened findings and
failed scans, and serve a dashboard at /, a JSON API under /api/v1/,
/healthz, /readyz and Prometheus /metrics.

The server listens on 127.0.0.1:8080 by default. It refuses to listen on
another interface unless bearer tokens are configured (auth.tokens_file or
auth.tokens_env). SIGTERM or SIGINT stop it gracefully: a running scan may
finish within shutdown_grace, else it is recorded as interrupted.`,
		Example: `  iamspect serve --config serve.yaml
  iamspect serve --config serve.yaml --check
  iamspect serve --config serve.yaml --db sqlite:/var/lib/iamspect/iamspect.db
  iamspect serve --config serve.yaml --addr 0.0.0.0:8080 --db postgres://iamspect@db/iamspect`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if configFile == "" {
				return usage(errors.New("--config FILE is required (see docs/serve.md)"))
			}
			cfg, err := server.LoadConfig(configFile)
			if err != nil {
				return usage(fmt.Errorf("--config %w", err))
			}
			if addr == "" {
				addr = cfg.Addr
			}
			if addr == "" {
				addr = DefaultAddr
			}
			tokens, err := cfg.Tokens()
			if err != nil {
				return usage(err)
			}
			if !server.IsLoopback(addr) && !tokens.Enabled() {
				return usage(fmt.Errorf("refusing to listen on %s without authentication: configure auth.tokens_file or auth.tokens_env, or listen on 127.0.0.1", addr))
			}
			level := slog.LevelInfo
			if verbose {
				level = slog.LevelDebug
			}
			logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
			ctx := cmd.Context()
			st, err := so.open(ctx, so.dsn(cfg.DB), false)
			if err != nil {
				return err
			}
			defer st.Close()
			n, err := server.BuildNotifier(ctx, cfg, st)
			if err != nil {
				return usage(err)
			}
			if check {
				fmt.Fprintf(stderr, "iamspect: %s is valid: %d target(s), %d notification channel(s), the store opens, auth %s\n",
					configFile, len(cfg.Targets), len(n.Channels), map[bool]string{true: "on", false: "off (loopback only)"}[tokens.Enabled()])
				return nil
			}
			srv, err := server.New(ctx, server.Options{Config: cfg, Store: st, Tokens: tokens, Notifier: n, Logger: logger})
			if err != nil {
				return err
			}
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return usage(fmt.Errorf("--addr %s: %w", addr, err))
			}
			fmt.Fprintf(stderr, "iamspect: serving on %s (%s%d target(s))\n", clientURL(ln.Addr()), listeningNote(ln.Addr()), len(cfg.Targets))
			if err := srv.Serve(ctx, ln); err != nil {
				return err
			}
			fmt.Fprintln(stderr, "iamspect: stopped")
			return nil
		},
	}
	cmd.Flags().StringVar(&configFile, "config", "", "the server's YAML `FILE` (targets, schedules, notifications; docs/serve.md)")
	cmd.Flags().StringVar(&addr, "addr", "", "listen on `HOST:PORT` (default: the configuration's addr, else "+DefaultAddr+"; another interface than loopback needs auth)")
	cmd.Flags().BoolVar(&verbose, "verbose", false, "log debug details (scan warnings)")
	cmd.Flags().BoolVar(&check, "check", false, "check the configuration, its secrets and the store, then exit without serving")
	so.AddFlags(cmd.Flags())
	return cmd
}
