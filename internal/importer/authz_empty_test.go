package importer

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// An authorization-details file of {} or null is an input error, not an
// empty account in which every rule would pass.
func TestAuthzDetailsWithoutListsIsAnInputError(t *testing.T) {
	for name, content := range map[string]string{
		"empty object":     "{}",
		"null":             "null",
		"null with spaces": "  null\n",
		"unrelated object": `{"Users":[{"UserName":"a"}]}`,
		"empty page":       `[{"UserDetailList":[],"IsTruncated":true,"Marker":"m"}, {}]`,
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "authz.json")
			if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			s, err := Import(Options{AuthzDetails: []string{path}, Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("got snapshot %v, err %v; want an input error", s != nil, err)
			}
			if !strings.Contains(err.Error(), "authz.json") || !strings.Contains(err.Error(), "get-account-authorization-details") {
				t.Fatalf("message does not name the file and the expected command: %v", err)
			}
		})
	}
	// An account with nothing in it still lists the four keys: that decodes.
	pages, err := DecodeAuthorizationDetails([]byte(`{"UserDetailList":[],"GroupDetailList":[],"RoleDetailList":[],"Policies":[]}`))
	if err != nil || len(pages) != 1 {
		t.Fatalf("empty account: %v", err)
	}
}
