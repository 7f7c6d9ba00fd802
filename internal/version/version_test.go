package version

import (
	"runtime/debug"
	"testing"
)

func TestInfoOf(t *testing.T) {
	vcs := []debug.BuildSetting{{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"},
		{Key: "vcs.time", Value: "2026-01-02T03:04:05Z"}, {Key: "vcs.modified", Value: "true"}}
	for _, tc := range []struct {
		name, x string
		bi      *debug.BuildInfo
		want    string
	}{
		{"no build info", "dev", nil, "iamspect dev"},
		{"go install module@version", "dev", &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "v1.4.0"}},
			"iamspect v1.4.0 (go1.26.0)"},
		{"go build in a checkout", "dev", &debug.BuildInfo{GoVersion: "go1.26.0",
			Main: debug.Module{Version: "v1.4.1-0.20260102030405-0123456789ab+dirty"}, Settings: vcs},
			"iamspect v1.4.1-0.20260102030405-0123456789ab+dirty (revision 0123456789abcdef0123456789abcdef01234567, 2026-01-02T03:04:05Z, modified; go1.26.0)"},
		{"-X wins over the module version", "v2.0.0", &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "(devel)"}, Settings: vcs[:1]},
			"iamspect v2.0.0 (revision 0123456789abcdef0123456789abcdef01234567; go1.26.0)"},
		{"(devel) is not a version", "dev", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "iamspect dev"},
	} {
		if got := infoOf(tc.x, tc.bi).Line(); got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, got, tc.want)
		}
	}
}
