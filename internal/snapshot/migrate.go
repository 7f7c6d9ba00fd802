package snapshot

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Snapshot schema versions are "MAJOR.MINOR" (docs/snapshot.md, Versioning):
//
//   - A MINOR version adds optional fields, or gives a value a meaning it did
//     not have, without changing what existing fields mean. Every MINOR of a
//     known MAJOR is read: an older one is migrated up to SchemaVersion, a
//     newer one (written by a newer iamspect) is read leniently, ignoring the
//     fields this build does not know.
//   - A MAJOR version renames, removes or changes the meaning of a field.
//     This build reads only the MAJORs listed in supportedMajors; any other
//     is refused with an error naming both.
//
// "1", as the first builds wrote it, is "1.0".

// SchemaVersion is the version of the snapshot JSON written by this build.
const SchemaVersion = "1.3"

// supportedMajors are the MAJOR versions this build reads.
var supportedMajors = []int{1}

// version is a parsed schema version.
type version struct{ major, minor int }

func (v version) String() string { return strconv.Itoa(v.major) + "." + strconv.Itoa(v.minor) }

func (v version) less(w version) bool {
	return v.major < w.major || (v.major == w.major && v.minor < w.minor)
}

// parseVersion reads "MAJOR" or "MAJOR.MINOR" (small non-negative decimal
// numbers, no signs or spaces).
func parseVersion(s string) (version, error) {
	majorStr, minorStr, hasMinor := strings.Cut(s, ".")
	num := func(p string) (int, bool) {
		if p == "" || len(p) > 4 || strings.Trim(p, "0123456789") != "" {
			return 0, false
		}
		n, err := strconv.Atoi(p)
		return n, err == nil
	}
	var v version
	var ok bool
	if v.major, ok = num(majorStr); !ok {
		return v, fmt.Errorf("snapshot schema_version %q is not a version (want MAJOR.MINOR, e.g. %q)", s, SchemaVersion)
	}
	if hasMinor {
		if v.minor, ok = num(minorStr); !ok {
			return v, fmt.Errorf("snapshot schema_version %q is not a version (want MAJOR.MINOR, e.g. %q)", s, SchemaVersion)
		}
	}
	return v, nil
}

var current = func() version {
	v, err := parseVersion(SchemaVersion)
	if err != nil {
		panic(err)
	}
	return v
}()

// checkVersion says whether this build reads the version, and whether it
// is newer than this build's (read leniently).
func checkVersion(s string) (v version, newer bool, err error) {
	v, err = parseVersion(s)
	if err != nil {
		return v, false, err
	}
	known := false
	for _, m := range supportedMajors {
		known = known || m == v.major
	}
	if !known {
		return v, false, fmt.Errorf("snapshot schema_version %q is not supported: this build of iamspect reads major version %s (%s up to %s, and later %d.x minors); %s",
			s, majorList(), migrations[0].from, SchemaVersion, current.major, upgradeHint(v))
	}
	return v, current.less(v), nil
}

func majorList() string {
	var parts []string
	for _, m := range supportedMajors {
		parts = append(parts, strconv.Itoa(m))
	}
	return strings.Join(parts, ", ")
}

func upgradeHint(v version) string {
	if current.less(v) {
		return "it was written by a newer iamspect: upgrade iamspect to read it"
	}
	return "it was written by an iamspect too old for this build to convert: collect it again"
}

// migration converts a snapshot decoded from version from to version to.
// Minor migrations work on the decoded Snapshot (an older minor decodes into
// today's types, having only fewer fields); a future major migration would
// decode the old major into its own kept types and convert them.
type migration struct {
	from, to version
	// why says what changed, for the documentation and errors.
	why   string
	apply func(*Snapshot) error
}

// migrations is the chain, oldest first: each one's to is the next one's
// from, and the last one's to is SchemaVersion (TestMigrationChain).
var migrations = []migration{
	{from: version{1, 0}, to: version{1, 1},
		why:   "users and roles record the inputs that did not list them (not_in)",
		apply: migrateNotIn},
	{from: version{1, 1}, to: version{1, 2},
		why:   "gaps record the AWS error code of the failed call (error_code)",
		apply: migrateGapCodes},
	{from: version{1, 2}, to: version{1, 3},
		why:   "a part of a sharded collection records its shard (source.shard)",
		apply: migrateShard},
}

// migrate brings a snapshot of version v up to SchemaVersion.
func migrate(s *Snapshot, v version) error {
	for _, m := range migrations {
		if v.less(m.to) && !v.less(m.from) {
			if err := m.apply(s); err != nil {
				return fmt.Errorf("migrating schema %s to %s: %w", m.from, m.to, err)
			}
			v = m.to
		}
	}
	if v != current && v.less(current) {
		return fmt.Errorf("no migration from schema %s to %s", v, SchemaVersion)
	}
	s.SchemaVersion = SchemaVersion
	return nil
}

// migrateNotIn (1.0 to 1.1): before not_in existed, a user missing from the
// credential report was one without credential fields (no password object:
// the report has a row, and so a password_enabled value, for every user it
// lists), and a role missing from the role list one without a maximum
// session duration (ListRoles gives every role one, at least 3600 s).
// Record both as not_in, so that the scanner answers UNKNOWN for them
// exactly as it does for a snapshot written today.
func migrateNotIn(s *Snapshot) error {
	for _, a := range s.Accounts {
		if a.Has(InputCredentialReport) {
			for _, u := range a.Users {
				if u != nil && u.Password == nil {
					u.MarkNotIn(InputCredentialReport)
				}
			}
		}
		if a.Has(InputRoleDetails) {
			for _, r := range a.Roles {
				if r != nil && r.MaxSessionDuration == 0 {
					r.MarkNotIn(InputRoleDetails)
				}
			}
		}
	}
	return nil
}

// migrateGapCodes (1.1 to 1.2): a gap's reason for a failed AWS call starts
// with the error code ("AccessDenied: User ... is not authorized ..."); give
// such gaps that code as error_code. Other reasons leave it empty.
func migrateGapCodes(s *Snapshot) error {
	for i, g := range s.Gaps {
		if g.ErrorCode != "" {
			continue
		}
		code, _, ok := strings.Cut(g.Reason, ": ")
		if ok && looksLikeErrorCode(code) {
			s.Gaps[i].ErrorCode = code
		}
	}
	return nil
}

// migrateShard (1.2 to 1.3): source.shard is new and optional; a snapshot
// written before it existed is not a shard part, which is what its absence
// means. One that has it was not written by a 1.2 writer (older minors
// decode into today's types, so the strict decoding cannot tell).
func migrateShard(s *Snapshot) error {
	if s.Source.Shard != nil {
		return errors.New(`unknown field "shard" in source: source.shard was added in schema 1.3`)
	}
	return nil
}

// looksLikeErrorCode: an AWS error code is one CamelCase word
// ("AccessDenied", "TooManyRequestsException", "Throttling").
func looksLikeErrorCode(s string) bool {
	if len(s) < 4 || len(s) > 64 || s[0] < 'A' || s[0] > 'Z' {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.') {
			return false
		}
	}
	return true
}
