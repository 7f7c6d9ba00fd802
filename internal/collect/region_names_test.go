package collect

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestCheckRegion(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"eu-west-1", ""},
		{"us-gov-west-1", ""},
		{"eu-wset-1", `region "eu-wset-1" does not exist (did you mean eu-west-1, eu-west-2 or eu-west-3?)`},
		{"us-east-9", `region "us-east-9" does not exist (did you mean us-east-1, us-east-2 or ap-east-1?)`},
		{"mars", `region "mars" does not exist (regions look like us-east-1 or eu-west-2)`},
	} {
		got := ""
		if err := CheckRegion(tc.in); err != nil {
			got = err.Error()
		}
		if got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.in, got, tc.want)
		}
	}
}

// The list is the pinned SDK's: read its partitions.json from the module
// cache when it is there.
func TestKnownRegionsMatchSDK(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/aws/aws-sdk-go-v2").Output()
	if err != nil {
		t.Skipf("go list: %v (no Go toolchain or module cache)", err)
	}
	data, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(out)), "internal/endpoints/awsrulesfn/partitions.json"))
	if err != nil {
		t.Skipf("the SDK's partitions.json is not in the module cache: %v", err)
	}
	var doc struct {
		Partitions []struct {
			Regions map[string]json.RawMessage `json:"regions"`
		} `json:"partitions"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	var sdk []string
	for _, p := range doc.Partitions {
		for r := range p.Regions {
			if !strings.HasSuffix(r, "-global") {
				sdk = append(sdk, r)
			}
		}
	}
	slices.Sort(sdk)
	ours := slices.Sorted(slices.Values(knownRegions))
	if !slices.Equal(sdk, ours) {
		t.Errorf("knownRegions differs from the SDK's partitions.json:\n SDK %v\nours %v", sdk, ours)
	}
}
