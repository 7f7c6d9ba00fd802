package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/iamspect/iamspect/internal/importer"
)

func newExportCommandsCommand(stdout io.Writer) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "export-commands",
		Short: "Print the read-only AWS CLI commands that produce a --from folder",
		Long: `Print a shell script of read-only AWS CLI commands. Run it with credentials
for the account to audit (an auditor can send it to a client); it writes the
files that 'iamspect scan --from DIR' reads, for a complete scan. Nothing in it
changes IAM state except generate-credential-report, which only asks AWS to
refresh the report.

The script works with AWS CLI v1 and v2 and stops at the first failing call,
naming it. When AWS_ENDPOINT_URL is set (for 'iamspect sandbox'), every call
gets --endpoint-url: AWS CLI versions before 2.13 ignore the variable.
IAMSPECT_SSO_REGION names the IAM Identity Center region, IAMSPECT_REGIONS the
regions to list Access Analyzer analyzers in (default: every enabled region).`,
		Example: `  iamspect export-commands > export.sh
  mkdir iam-export && (cd iam-export && sh ../export.sh)
  iamspect scan --from iam-export`,
		Args: noArgs,
		RunE: func(*cobra.Command, []string) error {
			if err := checkOutput(output); err != nil {
				return err
			}
			return writeOutput(stdout, output, 0o755, "script", writeExportScript)
		},
	}
	addOutputFlag(cmd.Flags(), &output, "script")
	return cmd
}

func writeExportScript(w io.Writer) error {
	_, err := io.WriteString(w, exportScript())
	return err
}

// exportScript is the export script: the helpers of exportPreamble, then
// every export command of the input registry, in registry order.
func exportScript() string {
	var b strings.Builder
	b.WriteString(exportPreamble)
	for _, c := range importer.Commands() {
		fmt.Fprintf(&b, "\n# %s\n%s\n", c.Description, c.Command)
	}
	b.WriteString("\njoin\nnote \"done: run 'iamspect scan --from $(pwd)'\"\n")
	return b.String()
}

// exportPreamble holds the helpers the registry's export commands call
// (snapshot.ExportCommand). POSIX sh, AWS CLI v1 and v2: no v2-only flags,
// the pager off through AWS_PAGER, the region also in AWS_DEFAULT_REGION
// (v1 reads only that one). Every file goes through save or save_unless,
// which refuse names that are not plain file names, since names carry IDs
// from AWS answers.
const exportPreamble = `#!/bin/sh
# Read-only AWS CLI commands that write the files of 'iamspect scan --from DIR'.
# Run it in an empty folder with credentials for the account to audit:
#   mkdir iam-export && (cd iam-export && sh ../export.sh)
# Works with AWS CLI v1 and v2; stops at the first failing call, naming it.
# AWS_ENDPOINT_URL (e.g. 'iamspect sandbox') is passed to every call as
# --endpoint-url: AWS CLI versions before 2.13 ignore the variable and would
# call AWS. IAMSPECT_SSO_REGION: the IAM Identity Center region (default: the
# CLI's). IAMSPECT_REGIONS: the regions to list Access Analyzer analyzers in
# (default: every region enabled for the account).
set -euf # -f: names from AWS answers are never globbed
export AWS_PAGER=""
if [ -n "${AWS_REGION:-}" ] && [ -z "${AWS_DEFAULT_REGION:-}" ]; then
  export AWS_DEFAULT_REGION="$AWS_REGION" # AWS CLI v1 reads only this one
fi
# Calls that write files run IAMSPECT_JOBS (default 4) at a time: each AWS CLI
# call starts a Python interpreter, which costs more than the request.
_jobs=${IAMSPECT_JOBS:-4}
_pids=
_tmp=$(mktemp -d)
# On any exit, calls still running are stopped: no file appears later.
trap 'kill $_pids 2>/dev/null || true; rm -rf "$_tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

note() { printf 'iamspect export: %s\n' "$*" >&2; }
fail() { note "$*"; exit 1; }

# awscli ARG...: the AWS CLI, at AWS_ENDPOINT_URL when it is set.
awscli() {
  if [ -n "${AWS_ENDPOINT_URL:-}" ]; then
    aws --endpoint-url "$AWS_ENDPOINT_URL" "$@"
  else
    aws "$@"
  fi
}

# failed ERRFILE CALL: stops, naming the call and its error. A call this AWS
# CLI does not know (older than the API) is skipped with a note instead: its
# input is then missing, which the scan names.
failed() {
  if grep -q "Invalid choice" "$1"; then
    note "skipped 'aws $2': this AWS CLI does not know it; update the AWS CLI for a complete export"
    return 0
  fi
  fail "aws $2 failed: $(cat "$1")"
}

# plain FILE: refuses a file name that is not a plain name (IDs from AWS
# answers are part of names).
plain() {
  case $1 in
  '' | .* | *[!A-Za-z0-9._@+=,-]*) fail "refusing to write a file named '$1'" ;;
  esac
}

# save FILE SERVICE OPERATION [ARG...]: writes the call's JSON output to FILE.
save() { save_unless '' "$@"; }

# save_unless CODES FILE SERVICE OPERATION [ARG...]: save, but an error with
# one of the AWS error CODES is an answer (NoSuchEntity: no password policy),
# written to FILE. Runs in the background; join waits.
save_unless() {
  plain "$2"
  _call "$@" &
  _pids="$_pids $!"
  set -- $_pids
  if [ "$#" -ge "$_jobs" ]; then join; fi
}

_call() {
  _codes=$1 _file=$2
  shift 2
  if awscli "$@" --output json >"$_file" 2>"$_tmp/$_file"; then return 0; fi
  for _code in $_codes; do
    if grep -q "($_code)" "$_tmp/$_file"; then
      cat "$_tmp/$_file" >"$_file"
      return 0
    fi
  done
  rm -f "$_file"
  failed "$_tmp/$_file" "$1 $2"
}

# join: waits for the calls running in the background; stops if one failed
# (it said which).
join() {
  for _pid in $_pids; do
    if ! wait "$_pid"; then
      kill $_pids 2>/dev/null || true
      exit 1
    fi
  done
  _pids=
}

# value SERVICE OPERATION [ARG...] --query QUERY: prints what QUERY selects.
value() {
  if ! awscli "$@" --output text 2>"$_tmp/value.err"; then failed "$_tmp/value.err" "$1 $2"; fi
}

# sso save|value ...: an IAM Identity Center call, in IAMSPECT_SSO_REGION
# when it is set.
sso() {
  if [ -n "${IAMSPECT_SSO_REGION:-}" ]; then
    "$@" --region "$IAMSPECT_SSO_REGION"
  else
    "$@"
  fi
}
`
