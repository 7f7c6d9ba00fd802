package plan

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
	"time"
)

func sample() *Plan {
	pl := &Plan{SchemaVersion: SchemaVersion, CreatedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Tool: Tool{Name: "iamspect", Version: "test"}, Kind: KindFix,
		Accounts: []Account{{ID: "111122223333"}}}
	a := Action{Stage: StageDeactivate, AccountID: "111122223333", Title: "deactivate key",
		Resolves:   []FindingRef{{RuleID: "iam-access-key-unused", Fingerprint: "abc"}},
		Call:       NewCall("iam", "UpdateAccessKey", "UserName", "alice", "AccessKeyId", "AKIAEXAMPLE", "Status", "Inactive"),
		Inverse:    NewCall("iam", "UpdateAccessKey", "UserName", "alice", "AccessKeyId", "AKIAEXAMPLE", "Status", "Active"),
		Reversible: true,
		Precond:    &Precondition{Description: "key is Active", Checks: []Check{{Kind: "access-key", Resource: "alice/AKIAEXAMPLE", Field: "Status", Expect: "Active"}}}}
	a.ID = ActionID(&a)
	pl.Actions = append(pl.Actions, a)
	return pl
}

func encode(t *testing.T, pl *Plan) string {
	t.Helper()
	var b bytes.Buffer
	if err := pl.Encode(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestRoundTripKeepsParamOrder(t *testing.T) {
	s := encode(t, sample())
	pl, err := Read(strings.NewReader(s))
	if err != nil {
		t.Fatal(err)
	}
	if got := string(pl.Actions[0].Call.Params); !strings.Contains(strings.Join(strings.Fields(got), ""), `"UserName":"alice","AccessKeyId":"AKIAEXAMPLE","Status":"Inactive"`) {
		t.Fatalf("params %s", got)
	}
	if pl.Actions[0].ID != ActionID(&pl.Actions[0]) {
		t.Fatal("action ID not stable across a round trip")
	}
}

func TestReadRefusals(t *testing.T) {
	good := encode(t, sample())
	cases := []struct {
		name, old, new, want string
	}{
		{"unknown field", `"reversible": true`, `"reversible": true, "surprise": 1`, "field actions[0].surprise: not a field"},
		{"unknown operation", `"operation": "UpdateAccessKey"`, `"operation": "DeleteAccountAlias"`, "field actions[0].call: iam:DeleteAccountAlias is not an operation"},
		{"unknown param", `"Status": "Inactive"`, `"Status": "Inactive", "Force": true`, "has no parameter Force"},
		{"bad enum", `"Status": "Inactive"`, `"Status": "Gone"`, `"Gone" is not one of`},
		{"newer major", `"schema_version": "1.0"`, `"schema_version": "2.0"`, "newer than this build reads"},
		{"bad stage", `"stage": "deactivate"`, `"stage": "someday"`, `actions[0].stage: "someday" is not a stage`},
		{"wrong type", `"reversible": true`, `"reversible": "yes"`, "field actions.reversible: string"},
		{"unknown account", `"account_id": "111122223333"`, `"account_id": "999999999999"`, "not among the plan's accounts"},
		{"syntax", `"kind": "fix",`, `"kind": "fix"`, "line 9"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc := strings.Replace(good, c.old, c.new, 1)
			if doc == good {
				t.Fatalf("fixture lacks %q:\n%s", c.old, good)
			}
			_, err := Read(strings.NewReader(doc))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want %q\n%s", err, c.want, doc)
			}
		})
	}
}

func TestNewerMinorTolerated(t *testing.T) {
	doc := strings.Replace(encode(t, sample()), `"schema_version": "1.0"`, `"schema_version": "1.7", "future_field": {"x": 1}`, 1)
	if _, err := Read(strings.NewReader(doc)); err != nil {
		t.Fatal(err)
	}
}

func TestEveryOperationHasService(t *testing.T) {
	for _, op := range Operations() {
		if op.Service == "" || op.Name == "" {
			t.Fatalf("%+v", op)
		}
	}
}

func TestUnknownFieldLineIsExact(t *testing.T) {
	good := encode(t, sample())
	lines := strings.Split(good, "\n")
	n := 0
	for i, l := range lines {
		if strings.Contains(l, `"reversible"`) {
			lines[i] = l + ` "surprise": 1,`
			lines[i] = strings.Replace(lines[i], `true "surprise": 1,`, `true, "surprise": 1`, 1)
			n = i + 1
			break
		}
	}
	_, err := Read(strings.NewReader(strings.Join(lines, "\n")))
	want := "line " + strconv.Itoa(n) + ": field actions[0].surprise"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("got %v, want %q", err, want)
	}
}
