package cli

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/pflag"

	"github.com/iamspect/iamspect/internal/importer"
	"github.com/iamspect/iamspect/internal/snapshot"
)

// inputOptions say where IAM state comes from: AWS CLI output files, a
// folder of them, or a saved snapshot.
type inputOptions struct {
	authzDetails     []string
	credentialReport string
	fromDir          string
	snapshotFile     string
}

func (o *inputOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringArrayVar(&o.authzDetails, "authz-details", nil, "`FILE` from 'aws iam get-account-authorization-details' (repeat for several pages)")
	fs.StringVar(&o.credentialReport, "credential-report", "", "`FILE` from 'aws iam get-credential-report' (JSON, or the decoded CSV)")
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
	return nil
}

// Load reads the snapshot the flags describe. Warnings (files in --from that
// iamspect does not know) go to stderr so nothing is skipped silently.
func (o *inputOptions) Load(stderr io.Writer) (*snapshot.Snapshot, error) {
	if o.snapshotFile != "" {
		s, err := snapshot.Load(o.snapshotFile)
		return s, usage(err)
	}
	s, warnings, err := importer.ImportWithWarnings(importer.Options{
		AuthzDetails:     o.authzDetails,
		CredentialReport: o.credentialReport,
		Dir:              o.fromDir,
		Now:              now(),
	})
	for _, w := range warnings {
		fmt.Fprintf(stderr, "iamspect: warning: %s\n", w)
	}
	return s, usage(err)
}
