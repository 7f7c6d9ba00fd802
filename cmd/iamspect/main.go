// Command iamspect audits AWS IAM security posture. See README.md.
package main

import (
	"os"

	"github.com/iamspect/iamspect/internal/cli"
)

func main() { os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr)) }
