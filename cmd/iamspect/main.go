// Command iamspect audits AWS IAM security posture. See README.md.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/iamspect/iamspect/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
