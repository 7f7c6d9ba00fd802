// Package importer turns AWS CLI output files into a snapshot, so that an
// account can be audited offline from files someone else produced with
// read-only commands.
//
// Each AWS output has three exported steps, which the live collector reuses
// by JSON-encoding the AWS SDK's output structs (their field names are the
// AWS JSON member names):
//
//	Decode<Thing>(data []byte) (*<Thing>, error)   // parse and validate one file
//	Apply<Thing>(acct *snapshot.Account, ...)       // merge it into an account and MarkCollected
//
// Import ties them together for the CLI: it reads the files named in Options
// (or found by their documented names in Options.Dir), merges users from the
// authorization details and the credential report by ARN, derives the account
// ID from the ARNs, infers MFA device types, and marks each input it read as
// collected. Inputs it was not given stay unmarked so rules answer UNKNOWN.
//
// Problems with an input file are returned as *InputError, naming the file and,
// where possible, the line and column, so the CLI can tell bad input (exit 2)
// apart from internal failures. Nothing here reads the wall clock: the import
// time comes in as Options.Now.
package importer
