package importer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// checkSplitMatchesPlain holds the split decoder to the plain one: when it
// answers, the plain decoder succeeds with the same pages; and
// DecodeAuthorizationDetails gives the plain decoder's answer either way.
// It returns whether the split decoder answered.
func checkSplitMatchesPlain(t *testing.T, data []byte) bool {
	t.Helper()
	data = trimBOM(data)
	plain, plainErr := decodeAuthzPlain(bytes.Clone(data))
	split, ok := decodeAuthzSplit(bytes.Clone(data))
	if ok && plainErr != nil {
		t.Fatalf("split decoder accepted what the plain one refuses (%v)", plainErr)
	}
	if ok && !reflect.DeepEqual(split, plain) {
		a, _ := json.Marshal(split)
		b, _ := json.Marshal(plain)
		t.Fatalf("split decoder's pages differ from the plain decoder's:\nsplit %s\nplain %s", a, b)
	}
	got, err := DecodeAuthorizationDetails(bytes.Clone(data))
	if fmt.Sprint(err) != fmt.Sprint(plainErr) || !reflect.DeepEqual(got, plain) {
		t.Fatalf("DecodeAuthorizationDetails = %v, want %v", err, plainErr)
	}
	return ok
}

// cliAuthz is a large account as the AWS CLI prints it: indented by four
// spaces, documents as objects, with strings that need escapes.
func cliAuthz(t *testing.T, n int) []byte {
	t.Helper()
	doc := func(i int) json.RawMessage {
		return json.RawMessage(fmt.Sprintf(`{"Version": "2012-10-17", "Statement": [{"Sid": "S%d", "Effect": "Allow",
			"Action": ["s3:Get*", "iam:PassRole"], "Resource": "arn:aws:s3:::b-%d/a \"quoted\\\" key\\\\/*",
			"Condition": {"StringEquals": {"aws:PrincipalTag/team": ["t %d", "\u00e9\t"]}}}]}`, i, i, i))
	}
	d := AuthzDetails{Policies: []ManagedPolicyDetail{}}
	for i := range n {
		arn := fmt.Sprintf("arn:aws:iam::123456789012:user/u%d", i)
		d.UserDetailList = append(d.UserDetailList, UserDetail{UserName: fmt.Sprintf("u%d", i), Arn: arn, Path: "/",
			GroupList: []string{"g"}, UserPolicyList: []PolicyDetail{{PolicyName: "p", PolicyDocument: doc(i)}},
			Tags: []AWSTag{{Key: "k", Value: "v \"x\""}}})
		d.RoleDetailList = append(d.RoleDetailList, RoleDetail{RoleName: fmt.Sprintf("r%d", i),
			Arn: fmt.Sprintf("arn:aws:iam::123456789012:role/r%d", i), AssumeRolePolicyDocument: doc(i),
			RoleLastUsed: &RoleLastUsed{}})
		if i%2 == 0 {
			d.Policies = append(d.Policies, ManagedPolicyDetail{PolicyName: fmt.Sprintf("p%d", i),
				Arn: fmt.Sprintf("arn:aws:iam::123456789012:policy/p%d", i), DefaultVersionId: "v1",
				PolicyVersionList: []PolicyVersion{{VersionId: "v1", IsDefaultVersion: true, Document: doc(i)}}})
		}
	}
	d.GroupDetailList = []GroupDetail{{GroupName: "g", Arn: "arn:aws:iam::123456789012:group/g"}}
	out, err := json.MarshalIndent(d, "", "    ")
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestSplitDecoderTakesCLIFiles checks that files as the AWS CLI writes
// them are decoded by the split decoder, to the plain decoder's pages.
func TestSplitDecoderTakesCLIFiles(t *testing.T) {
	big := cliAuthz(t, 500)
	for name, data := range map[string][]byte{
		"fixture":          mustRead(t, "fixtures/authz-details.json"),
		"url-encoded":      mustRead(t, "fixtures/authz-details-urlencoded.json"),
		"pages array":      mustRead(t, "fixtures/authz-details-pages-array.json"),
		"generated":        big,
		"generated, BOM":   append([]byte("\xef\xbb\xbf"), big...),
		"generated, pages": []byte("[" + string(big) + ",\n" + string(big) + "]"),
	} {
		t.Run(name, func(t *testing.T) {
			if !checkSplitMatchesPlain(t, data) {
				t.Fatal("the split decoder left a file as the AWS CLI writes it to the plain decoder")
			}
		})
	}
}

// TestSplitDecoderVariants covers what the split decoder must refuse or
// read exactly as encoding/json does.
func TestSplitDecoderVariants(t *testing.T) {
	user := `{"UserName": "a", "Arn": "arn:aws:iam::1:user/a"}`
	for _, tc := range []struct {
		name  string
		data  string
		split bool // the split decoder answers
	}{
		{"plain", `{"UserDetailList": [` + user + `]}`, true},
		{"null list", `{"UserDetailList": [` + user + `], "RoleDetailList": null}`, true},
		{"null list, spaces", "{\"UserDetailList\": null \n, \"Policies\": []}", true},
		{"empty lists", `{"UserDetailList": [], "GroupDetailList": [ ], "RoleDetailList": [], "Policies": []}`, true},
		{"truncated page", `[{"UserDetailList": [` + user + `], "IsTruncated": true, "Marker": "m\"x"}, {"UserDetailList": [], "IsTruncated": null}]`, true},
		{"string documents", `{"RoleDetailList": [{"RoleName": "r", "Arn": "arn:aws:iam::1:role/r", "AssumeRolePolicyDocument": "%7B%22Version%22%3A%222012-10-17%22%7D",
			"RolePolicyList": [{"PolicyName": "p", "PolicyDocument": " {\"Statement\": []} "}]}]}`, true},
		{"lower-case key", `{"userdetaillist": [` + user + `]}`, false},
		{"repeated key", `{"UserDetailList": [` + user + `], "UserDetailList": []}`, false},
		{"unknown key", `{"UserDetailList": [], "schema_version": "1"}`, false},
		{"escaped key", `{"User\u0044etailList": [` + user + `]}`, false},
		{"only IsTruncated", `{"IsTruncated": false}`, false},
		{"empty page", `{}`, false},
		{"null page", `[{"UserDetailList": []}, null]`, false},
		{"empty array", `[]`, false},
		{"trailing data", `{"UserDetailList": []} {}`, false},
		{"trailing comma", `{"UserDetailList": [` + user + `,]}`, false},
		{"missing comma", `{"UserDetailList": [` + user + ` ` + user + `]}`, false},
		{"unclosed", `{"UserDetailList": [` + user, false},
		{"list is object", `{"UserDetailList": {"a": 1}}`, false},
		{"bad date", `{"UserDetailList": [{"UserName": "a", "Arn": "arn:aws:iam::1:user/a", "CreateDate": "yesterday"}]}`, false},
		{"no arn", `{"UserDetailList": [{"UserName": "a"}]}`, false},
		{"null entry", `{"UserDetailList": [null]}`, false},
		{"broken document", `{"RoleDetailList": [{"RoleName": "r", "Arn": "arn:aws:iam::1:role/r", "AssumeRolePolicyDocument": "%7Bbroken"}]}`, false},
		{"document not an object", `{"UserDetailList": [{"UserName": "a", "Arn": "arn:aws:iam::1:user/a", "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": [1]}]}]}`, false},
		{"inline quota", `{"UserDetailList": [{"UserName": "a", "Arn": "arn:aws:iam::1:user/a", "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": {"S": "` + strings.Repeat("x", 21000) + `"}}]}]}`, false},
		{"IsTruncated a string", `{"UserDetailList": [], "IsTruncated": "yes"}`, false},
		{"aws error text", `{"UserDetailList": [{"UserName": "An error occurred (x)", "Arn": "arn:aws:iam::1:user/a"}]}`, false},
		{"csv-looking first line", `{"UserDetailList": [{"GroupList": ["a","user","arn","b"], "UserName": "a", "Arn": "arn:aws:iam::1:user/a"}]}`, false},
		{"credential report", string(mustRead(t, "fixtures/credential-report.json")), false},
		{"not json", "hello", false},
		{"nbsp before", "\u00a0" + `{"UserDetailList": []}`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := checkSplitMatchesPlain(t, []byte(tc.data)); got != tc.split {
				t.Errorf("split decoder answered: %v, want %v", got, tc.split)
			}
		})
	}
}

// TestSplitDecoderQuotas checks that lists beyond AWS's quotas are left to
// the plain decoder, which names the quota, before any entry is decoded.
func TestSplitDecoderQuotas(t *testing.T) {
	many := func(key string, n int, entry string) []byte {
		return []byte(`{"` + key + `": [` + strings.TrimSuffix(strings.Repeat(entry+",", n), ",") + `]}`)
	}
	for _, tc := range []struct {
		data []byte
		want string
	}{
		{many("GroupDetailList", entryLimits[listGroups]+1, "{}"), "groups"},
		{many("Policies", entryLimits[listPolicies]+1, `{"Arn":"arn:aws:iam::aws:policy/P"}`), "AWS managed policies"},
	} {
		if _, ok := decodeAuthzSplit(tc.data); ok {
			t.Fatal("split decoder answered beyond a quota")
		}
		if _, err := DecodeAuthorizationDetails(tc.data); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error %v, want one naming %s", err, tc.want)
		}
	}
}

// TestCompactValidIsCompact holds the in-place compaction of decoded
// documents to json.Compact.
func TestCompactValidIsCompact(t *testing.T) {
	for _, doc := range []string{
		`{}`, `{ "a" : [ 1 , 2.5e3 , true , null ] }`,
		"{\n    \"Statement\": [\n        {\"Resource\": \"a b\\\" \\\\\", \"x\": \"\\u00e9 \\t\"}\n    ]\n}",
		`{"k":"\\\\\"","s":" { } "}`, string(cliAuthz(t, 3)),
	} {
		var want bytes.Buffer
		if err := json.Compact(&want, []byte(doc)); err != nil {
			t.Fatal(err)
		}
		if got := compactValid([]byte(doc)); string(got) != want.String() {
			t.Errorf("compactValid(%s) = %s, want %s", doc, got, want.String())
		}
	}
}

func FuzzSplitDecoder(f *testing.F) {
	for _, p := range []string{"fixtures/authz-details.json", "fixtures/authz-details-urlencoded.json",
		"fixtures/authz-details-pages-array.json"} {
		f.Add(mustRead(f, p))
	}
	f.Add([]byte(`[{"UserDetailList":[{"UserName":"a","Arn":"arn:aws:iam::1:user/a"}],"IsTruncated":true},{"Policies":null}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkSplitMatchesPlain(t, data)
		if json.Valid(data) {
			var want bytes.Buffer
			_ = json.Compact(&want, data)
			if got := compactValid(bytes.Clone(data)); !bytes.Equal(got, bytes.TrimSpace(want.Bytes())) {
				t.Fatalf("compactValid = %s, want %s", got, want.Bytes())
			}
		}
	})
}
