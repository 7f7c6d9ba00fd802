package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestWhoCan(t *testing.T) {
	code, out, errOut := runCLI(t, "who-can", "iam:PassRole", "--demo")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"who can iam:PassRole on some resource", "build-runner", `only if StringEquals iam:PassedToService "lambda.amazonaws.com"`, "carol.ops              user (admin)"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}

	code, out, errOut = runCLI(t, "who-can", "sts:AssumeRole", "--resource", "arn:aws:iam::123456789012:role/bad_role",
		"--authz-details", authzFile, "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got struct {
		Account    string `json:"account_id"`
		Principals []struct {
			Name       string   `json:"name"`
			Statements []string `json:"statements"`
		} `json:"principals"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	// bad_role trusts {"AWS": "*"}: every other user and role can assume it.
	if got.Account != "123456789012" || len(got.Principals) != 5 {
		t.Errorf("got %+v", got)
	}
}

func TestExplain(t *testing.T) {
	code, out, errOut := runCLI(t, "explain", "arn:aws:iam::111122223333:role/build-runner", "--demo")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"Role build-runner", "managed: build-runner-policy", "lambda-001  Pass a role to a new Lambda function, then invoke it -> role report-builder-lambda  [to administrator]",
		"role/build-runner -[iam-001]-> administrator", "lambda                 0 permissions-management,   3 write"} {
		if !strings.Contains(out, want) {
			t.Errorf("explain lacks %q:\n%s", want, out)
		}
	}
	code, out, errOut = runCLI(t, "explain", "report-builder-lambda", "--demo", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var e struct {
		Admin       bool `json:"admin"`
		BecomableBy []struct {
			Name, Via string
		} `json:"becomable_by"`
	}
	if err := json.Unmarshal([]byte(out), &e); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !e.Admin || len(e.BecomableBy) == 0 || e.BecomableBy[0].Name != "build-runner" || e.BecomableBy[0].Via != "lambda-001" {
		t.Errorf("report-builder-lambda: %+v", e)
	}
}

func TestAccessCommandErrors(t *testing.T) {
	for _, args := range [][]string{
		{"explain", "nobody", "--demo"},
		{"explain", "--demo"},
		{"who-can", "--demo"},
		{"who-can", "PassRole", "--demo"},
		{"who-can", "iam:PassRole", "--demo", "--format", "xml"},
		{"who-can", "iam:PassRole", "--demo", "--authz-details", authzFile},
		{"who-can", "iam:PassRole"},
		{"explain", "alice", "--demo", "--account", "999999999999"},
	} {
		if code, _, _ := runCLI(t, args...); code != ExitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, ExitUsage)
		}
	}
}
