package sandbox

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/iamspect/iamspect/internal/demo"
	"github.com/iamspect/iamspect/internal/snapshot"
)

// Writes change what later reads see, with AWS's refusals, and never the
// snapshot the server was given.
func TestWritesChangeServedState(t *testing.T) {
	orig := demo.Snapshot()
	state := filepath.Join(t.TempDir(), "state.json")
	srv, err := New(orig, Options{StateFile: state})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	cl := iam.NewFromConfig(sdkConfig(hs.URL, DummyAccessKeyID, DummySecretAccessKey, ""))
	c := ctx(t)
	user := aws.String("alice.martin")

	keys := must[*iam.ListAccessKeysOutput](t)(cl.ListAccessKeys(c, &iam.ListAccessKeysInput{UserName: user}))
	if len(keys.AccessKeyMetadata) != 1 || aws.ToString(keys.AccessKeyMetadata[0].AccessKeyId) != "AKIAEXAMPLEALICE0001" {
		t.Fatalf("keys %+v", keys.AccessKeyMetadata)
	}
	must[*iam.UpdateAccessKeyOutput](t)(cl.UpdateAccessKey(c, &iam.UpdateAccessKeyInput{UserName: user, AccessKeyId: aws.String("AKIAEXAMPLEALICE0001"), Status: types.StatusTypeInactive}))
	keys = must[*iam.ListAccessKeysOutput](t)(cl.ListAccessKeys(c, &iam.ListAccessKeysInput{UserName: user}))
	if keys.AccessKeyMetadata[0].Status != types.StatusTypeInactive {
		t.Fatalf("status %s", keys.AccessKeyMetadata[0].Status)
	}
	_, err = cl.DeleteUser(c, &iam.DeleteUserInput{UserName: user})
	wantCode(t, err, "DeleteConflict")
	_, err = cl.DeleteAccessKey(c, &iam.DeleteAccessKeyInput{UserName: user, AccessKeyId: aws.String("AKIANOSUCHKEY0000000")})
	wantCode(t, err, "NoSuchEntity")

	must[*iam.DeleteLoginProfileOutput](t)(cl.DeleteLoginProfile(c, &iam.DeleteLoginProfileInput{UserName: user}))
	_, err = cl.GetLoginProfile(c, &iam.GetLoginProfileInput{UserName: user})
	wantCode(t, err, "NoSuchEntity")

	// The credential report sees both changes.
	must[*iam.GenerateCredentialReportOutput](t)(cl.GenerateCredentialReport(c, &iam.GenerateCredentialReportInput{}))
	must[*iam.GenerateCredentialReportOutput](t)(cl.GenerateCredentialReport(c, &iam.GenerateCredentialReportInput{}))
	rep := must[*iam.GetCredentialReportOutput](t)(cl.GetCredentialReport(c, &iam.GetCredentialReportInput{}))
	var row string
	for _, l := range strings.Split(string(rep.Content), "\n") {
		if strings.HasPrefix(l, "alice.martin,") {
			row = l
		}
	}
	cells := strings.Split(row, ",")
	if len(cells) < 9 || cells[3] != "false" || cells[8] != "false" {
		t.Fatalf("credential report row after writes: %q", row)
	}

	// GET /_sandbox/snapshot and the state file hold the current state; the
	// caller's snapshot is untouched.
	resp, err := http.Get(hs.URL + "/_sandbox/snapshot")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got, err := snapshot.Decode(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if got.Accounts[0].User("alice.martin").HasConsolePassword() {
		t.Fatal("served snapshot still has alice's password")
	}
	if !orig.Accounts[0].User("alice.martin").HasConsolePassword() {
		t.Fatal("the caller's snapshot was changed")
	}
	saved, err := LoadState(state)
	if err != nil || saved == nil {
		t.Fatalf("state file: %v", err)
	}
	if saved.Accounts[0].User("alice.martin").AccessKeys[0].Status != snapshot.StatusInactive {
		t.Fatal("state file lacks the key change")
	}
	if n := srv.Stats()["iam:UpdateAccessKey"]; n != 1 {
		t.Fatalf("stats %d", n)
	}
}

// A user is deleted only after its dependencies, in AWS's order.
func TestDeleteUserAfterDependencies(t *testing.T) {
	_, cfg := serveDemo(t)
	cl := iam.NewFromConfig(cfg)
	c := ctx(t)
	u := aws.String("bob.chen")
	must[*iam.DeleteLoginProfileOutput](t)(cl.DeleteLoginProfile(c, &iam.DeleteLoginProfileInput{UserName: u}))
	_, err := cl.DeleteUser(c, &iam.DeleteUserInput{UserName: u})
	wantCode(t, err, "DeleteConflict")
	must[*iam.RemoveUserFromGroupOutput](t)(cl.RemoveUserFromGroup(c, &iam.RemoveUserFromGroupInput{UserName: u, GroupName: aws.String("Analysts")}))
	must[*iam.DeleteUserOutput](t)(cl.DeleteUser(c, &iam.DeleteUserInput{UserName: u}))
	_, err = cl.GetUser(c, &iam.GetUserInput{UserName: u})
	wantCode(t, err, "NoSuchEntity")
	det := must[*iam.GetAccountAuthorizationDetailsOutput](t)(cl.GetAccountAuthorizationDetails(c, &iam.GetAccountAuthorizationDetailsInput{}))
	for _, x := range det.UserDetailList {
		if aws.ToString(x.UserName) == "bob.chen" {
			t.Fatal("authorization details still list the deleted user")
		}
	}
}
