// Package version holds the build's version, set with
// -ldflags "-X github.com/iamspect/iamspect/internal/version.Version=v1.2.3",
// and what the Go toolchain recorded about the build (module version, VCS
// revision).
package version

import (
	"runtime/debug"
	"strings"
)

// Version is the release version; "dev" for local builds.
var Version = "dev"

// String returns the version, falling back to the module version recorded by
// `go install` when no -X flag was given.
func String() string {
	bi, _ := debug.ReadBuildInfo()
	return infoOf(Version, bi).Version
}

// Info is what a build knows about itself.
type Info struct {
	Version   string // -X value, else the module version, else "dev"
	Revision  string // VCS commit, when built from a checkout
	Time      string // VCS commit time (RFC 3339)
	Modified  bool   // the checkout had uncommitted changes
	GoVersion string
}

// Get reads the running binary's build information.
func Get() Info {
	bi, _ := debug.ReadBuildInfo()
	return infoOf(Version, bi)
}

// infoOf combines the -X version with the build information: `go install
// module@v1.2.3` records the module version (and no VCS data); `go build`
// in a checkout records the revision (and a pseudo-version).
func infoOf(x string, bi *debug.BuildInfo) Info {
	in := Info{Version: x}
	if bi == nil {
		return in
	}
	in.GoVersion = bi.GoVersion
	if x == "dev" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		in.Version = bi.Main.Version
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			in.Revision = s.Value
		case "vcs.time":
			in.Time = s.Value
		case "vcs.modified":
			in.Modified = s.Value == "true"
		}
	}
	return in
}

// Line is the one line 'iamspect version' and 'iamspect --version' print:
// "iamspect v1.2.3 (revision 0123abcd…, 2026-01-02T03:04:05Z, modified; go1.26)".
func (in Info) Line() string {
	var extra []string
	if in.Revision != "" {
		rev := "revision " + in.Revision
		if in.Time != "" {
			rev += ", " + in.Time
		}
		if in.Modified {
			rev += ", modified"
		}
		extra = append(extra, rev)
	}
	if in.GoVersion != "" {
		extra = append(extra, in.GoVersion)
	}
	line := "iamspect " + in.Version
	if len(extra) > 0 {
		line += " (" + strings.Join(extra, "; ") + ")"
	}
	return line
}
