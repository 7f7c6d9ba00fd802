package cli

import (
	"context"
	"errors"
	"io"
	"os"
	"slices"

	"github.com/spf13/pflag"

	"github.com/iamspect/iamspect/internal/engine"
	"github.com/iamspect/iamspect/internal/snapshot"
)

// stdin is what an input named "-" reads; tests replace it.
var stdin io.Reader = os.Stdin

// inputOptions say where IAM state comes from: AWS CLI output files, a
// folder of them, or a saved snapshot.
type inputOptions struct {
	authzDetails     []string
	credentialReport string
	fromDir          string
	snapshotFile     string
}

func (o *inputOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringArrayVar(&o.authzDetails, "authz-details", nil, "`FILE` from 'aws iam get-account-authorization-details' (repeat for several pages; - reads standard input)")
	fs.StringVar(&o.credentialReport, "credential-report", "", "`FILE` from 'aws iam get-credential-report' (JSON, or the decoded CSV; - reads standard input)")
	fs.StringVar(&o.fromDir, "from", "", "`DIR` of AWS CLI output files named as 'iamspect export-commands' prints")
	fs.StringVar(&o.snapshotFile, "snapshot", "", "`FILE` written by 'iamspect collect'")
}

func (o *inputOptions) fromFiles() bool {
	return len(o.authzDetails) > 0 || o.credentialReport != "" || o.fromDir != ""
}

// Validate checks that the input flags make sense together.
func (o *inputOptions) Validate() error {
	if o.snapshotFile != "" && o.fromFiles() {
		return usage(errors.New("--snapshot cannot be combined with --authz-details, --credential-report or --from"))
	}
	if o.snapshotFile == "" && !o.fromFiles() {
		return usage(errors.New("no input: give --from DIR, --authz-details FILE and/or --credential-report FILE, or --snapshot FILE (try 'iamspect demo' or 'iamspect export-commands')"))
	}
	dashes := 0
	for _, p := range append(slices.Clone(o.authzDetails), o.credentialReport, o.snapshotFile) {
		if p == "-" {
			dashes++
		}
	}
	if dashes > 1 {
		return usage(errors.New("only one input can be - (standard input)"))
	}
	return nil
}

// source is the engine source the flags name.
func (o *inputOptions) source() engine.Source {
	if o.snapshotFile != "" {
		return engine.SnapshotFile{Path: o.snapshotFile, Stdin: stdin}
	}
	return engine.Files{AuthzDetails: o.authzDetails, CredentialReport: o.credentialReport, Dir: o.fromDir, Stdin: stdin, Now: now}
}

// Load reads the snapshot the flags describe. Warnings (files in --from that
// iamspect does not know) go to stderr so nothing is skipped silently.
func (o *inputOptions) Load(ctx context.Context, stderr io.Writer) (*snapshot.Snapshot, error) {
	s, warnings, err := o.source().Load(ctx)
	warn(stderr, warnings)
	return s, err
}
