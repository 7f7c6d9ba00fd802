package policy

import (
	"encoding/json"
	"errors"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

const sampleDoc = `{"Version":"2012-10-17","Statement":[{"Sid":"S3","Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::b/*"},{"Effect":"Deny","NotAction":"iam:*","NotResource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],"Condition":{"Bool":{"aws:SecureTransport":false},"NumericLessThan":{"s3:max-keys":10}}}]}`

func TestParseForms(t *testing.T) {
	quoted, _ := json.Marshal(sampleDoc)
	escaped := url.PathEscape(sampleDoc)
	quotedEscaped, _ := json.Marshal(escaped)
	forms := map[string]string{
		"object":                  sampleDoc,
		"object with whitespace":  "\n  " + sampleDoc + "\n",
		"JSON string":             string(quoted),
		"URL-encoded":             escaped,
		"JSON string URL-encoded": string(quotedEscaped),
		// IAM encodes with %XX everywhere; QueryEscape turns spaces into '+'.
		"URL-encoded by IAM": strings.ReplaceAll(url.QueryEscape(sampleDoc), "+", "%20"),
	}
	for name, in := range forms {
		doc, err := ParseString(in)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if len(doc.Statements) != 2 || doc.Version != VersionCurrent {
			t.Errorf("%s: got %d statements, version %q", name, len(doc.Statements), doc.Version)
			continue
		}
		s0, s1 := doc.Statements[0], doc.Statements[1]
		if s0.Sid != "S3" || s0.Effect != Allow || !reflect.DeepEqual(s0.Action, []string{"s3:GetObject", "s3:PutObject"}) || !reflect.DeepEqual(s0.Resource, []string{"arn:aws:s3:::b/*"}) {
			t.Errorf("%s: statement 0 = %+v", name, s0)
		}
		if s1.Index != 1 || s1.Effect != Deny || s1.Action != nil || !reflect.DeepEqual(s1.NotAction, []string{"iam:*"}) || len(s1.NotResource) != 2 {
			t.Errorf("%s: statement 1 = %+v", name, s1)
		}
		if len(s1.Conditions) != 2 {
			t.Fatalf("%s: conditions = %+v", name, s1.Conditions)
		}
		b := s1.ConditionsOn("AWS:SECURETRANSPORT")
		if len(b) != 1 || b[0].Operator != "Bool" || !reflect.DeepEqual(b[0].Values, []string{"false"}) {
			t.Errorf("%s: Bool condition = %+v", name, b)
		}
		n := s1.ConditionsOn("s3:max-keys")
		if len(n) != 1 || !reflect.DeepEqual(n[0].Values, []string{"10"}) {
			t.Errorf("%s: numeric condition = %+v", name, n)
		}
	}
}

func TestParseValue(t *testing.T) {
	var v any
	if err := json.Unmarshal([]byte(sampleDoc), &v); err != nil {
		t.Fatal(err)
	}
	for _, in := range []any{v, sampleDoc, []byte(sampleDoc), json.RawMessage(sampleDoc)} {
		doc, err := ParseValue(in)
		if err != nil || len(doc.Statements) != 2 {
			t.Errorf("ParseValue(%T) = %v, %v", in, doc, err)
		}
	}
	if _, err := ParseValue(nil); err == nil {
		t.Error("ParseValue(nil) succeeded")
	}
}

func TestParseSingleStatementObject(t *testing.T) {
	doc, err := ParseString(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`)
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Statements) != 1 || doc.StatementPath(doc.Statements[0]) != "Statement" {
		t.Errorf("got %+v", doc.Statements)
	}
}

func TestParsePrincipals(t *testing.T) {
	doc, err := ParseString(`{"Version":"2012-10-17","Statement":[
	{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"},
	{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"},
	{"Effect":"Allow","Principal":{"AWS":["123456789012","arn:aws:iam::210987654321:role/r"],"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"},
	{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity",
	 "Condition":{"StringLike":{"token.actions.githubusercontent.com:sub":"repo:org/app:*"},"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"}}},
	{"Effect":"Allow","Principal":{"CanonicalUser":"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"},"Action":"s3:GetObject"},
	{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"*"}]}`)
	if err != nil {
		t.Fatal(err)
	}
	st := doc.Statements
	if !st[0].Principal.IsWildcard() || !st[0].Principal.All || !st[1].Principal.IsWildcard() || st[2].Principal.IsWildcard() {
		t.Error("IsWildcard is wrong")
	}
	p := st[2].Principal
	if !reflect.DeepEqual(p.AWSARNs(), []string{"arn:aws:iam::123456789012:root", "arn:aws:iam::210987654321:role/r"}) {
		t.Errorf("AWSARNs = %v", p.AWSARNs())
	}
	if !reflect.DeepEqual(p.Accounts(), []string{"123456789012", "210987654321"}) {
		t.Errorf("Accounts = %v", p.Accounts())
	}
	if !reflect.DeepEqual(p.Service, []string{"ec2.amazonaws.com"}) {
		t.Errorf("Service = %v", p.Service)
	}
	if len(st[3].Principal.Federated) != 1 || len(st[3].Conditions) != 2 || !st[3].HasCondition("TOKEN.actions.githubusercontent.com:SUB") {
		t.Errorf("federated statement = %+v", st[3])
	}
	if len(st[4].Principal.CanonicalUser) != 1 {
		t.Error("CanonicalUser lost")
	}
	if st[5].Principal != nil || st[5].NotPrincipal == nil || st[5].NotPrincipal.AWS[0] != "arn:aws:iam::123456789012:root" {
		t.Error("NotPrincipal lost")
	}
}

func TestParseConditionShapes(t *testing.T) {
	doc, err := ParseString(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{
		"ForAnyValue:StringLikeIfExists":{"aws:TagKeys":["a*","b"]},
		"NumericEquals":{"k:n":[1,2.5]},
		"Bool":{"aws:MultiFactorAuthPresent":true},
		"Frobnicate":{"k:x":"y"}}}}`)
	if err != nil {
		t.Fatal(err)
	}
	byKey := map[string]Condition{}
	for _, c := range doc.Statements[0].Conditions {
		byKey[c.Key] = c
	}
	c := byKey["aws:TagKeys"]
	if c.Qualifier != ForAnyValue || c.Operator != "StringLike" || !c.IfExists || c.Raw != "ForAnyValue:StringLikeIfExists" || !c.Known() {
		t.Errorf("qualified condition = %+v", c)
	}
	if got := byKey["k:n"].Values; !reflect.DeepEqual(got, []string{"1", "2.5"}) {
		t.Errorf("numbers = %v", got)
	}
	if got := byKey["aws:MultiFactorAuthPresent"].Values; !reflect.DeepEqual(got, []string{"true"}) {
		t.Errorf("bool = %v", got)
	}
	if byKey["k:x"].Known() {
		t.Error("unknown operator reported as known")
	}
	if issues := Validate(doc); !hasCode(issues, CodeBadOperator) {
		t.Errorf("unknown operator not reported: %v", issues)
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		in, path string
	}{
		{`[]`, ""},
		{`{"Version":"2012-10-17"}`, ""},
		{`{"Statement":5}`, "Statement"},
		{`{"Statement":[{"Effect":"Allow"},7]}`, "Statement[1]"},
		{`{"Statement":[{"Effect":1}]}`, "Statement[0].Effect"},
		{`{"Statement":[{"Action":{"a":1}}]}`, "Statement[0].Action"},
		{`{"Statement":[{"Action":["s3:a",3]}]}`, "Statement[0].Action[1]"},
		{`{"Statement":[{},{},{"Resource":null}]}`, "Statement[2].Resource"},
		{`{"Statement":{"Principal":["a"]}}`, "Statement.Principal"},
		{`{"Statement":{"Principal":{"AWS":{"x":1}}}}`, "Statement.Principal.AWS"},
		{`{"Statement":[{},{},{"Condition":{"StringLike":"x"}}]}`, "Statement[2].Condition.StringLike"},
		{`{"Statement":[{"Condition":{"StringLike":{"k":{"nested":1}}}}]}`, "Statement[0].Condition.StringLike.k"},
		{`{"Statement":[{"Condition":{"StringLike":{"k":[null]}}}]}`, "Statement[0].Condition.StringLike.k[0]"},
		{`{"Statement":[{"Condition":[]}]}`, "Statement[0].Condition"},
		{`{"Version":2012,"Statement":[]}`, "Version"},
		{`{"Statement":[]} trailing`, ""},
		{`{"Statement":[`, ""},
		{``, ""},
		{`"just a string"`, ""},
		{`%ZZ`, ""},
		{`plain text`, ""},
	}
	for _, c := range cases {
		_, err := ParseString(c.in)
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("Parse(%s): err = %v, want a ParseError", c.in, err)
			continue
		}
		if pe.Path != c.path {
			t.Errorf("Parse(%s): path %q, want %q (%v)", c.in, pe.Path, c.path, err)
		}
	}
}

func TestParseLimits(t *testing.T) {
	big := `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"` + strings.Repeat("a", MaxDocumentBytes) + `"}]}`
	if _, err := ParseString(big); err == nil {
		t.Error("oversized document accepted")
	}
	many := `{"Statement":[` + strings.Repeat(`{},`, MaxStatements) + `{}]}`
	if _, err := ParseString(many); err == nil {
		t.Error("too many statements accepted")
	}
	vals := `{"Statement":{"Action":[` + strings.Repeat(`"a",`, MaxValues) + `"a"]}}`
	if _, err := ParseString(vals); err == nil {
		t.Error("too many values accepted")
	}
	deep := `{"Statement":{"Condition":{"StringLike":{"k":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}}}}`
	if _, err := ParseString(deep); err == nil {
		t.Error("deep nesting accepted")
	}
	// Encoded three times over: refused rather than unwrapped forever.
	s := sampleDoc
	for range 4 {
		b, _ := json.Marshal(s)
		s = string(b)
	}
	if _, err := ParseString(s); err == nil {
		t.Error("over-encoded document accepted")
	}
}

func TestParseKeepsUnknownsForValidate(t *testing.T) {
	doc, err := ParseString(`{"Version":"2012-10-17","Foo":1,"Statement":[{"Effect":"Alow","Action":["s3:GetObjekt","nosuchsvc:Get","iam:*"],"Resource":"bucket","Extra":true}]}`)
	if err != nil {
		t.Fatalf("soft problems must not fail the parse: %v", err)
	}
	issues := Validate(doc)
	for _, code := range []string{CodeUnknownElement, CodeBadEffect, CodeUnknownAction, CodeUnknownService, CodeBadARN} {
		if !hasCode(issues, code) {
			t.Errorf("missing issue %s in %v", code, issues)
		}
	}
}

func hasCode(issues []Issue, code string) bool {
	for _, is := range issues {
		if is.Code == code {
			return true
		}
	}
	return false
}

func TestTemplateDefaults(t *testing.T) {
	tp := parseTemplate("a/${ aws:username , 'it''s' }/${*}${bad")
	ctx := newEvalContext(&Request{ClosedContext: true})
	g, st, _ := tp.resolve(ctx)
	if st != keyPresent || g.text != "a/it's/*${bad" || !g.match("a/it's/*${bad") || g.match("a/it's/x${bad") {
		t.Errorf("resolve = %q %v", g.text, st)
	}
	if got := Variables("arn:aws:s3:::b/${aws:PrincipalTag/team}/${aws:username, 'x'}/${*}"); len(got) != 2 || got[0] != "aws:PrincipalTag/team" || got[1] != "aws:username" {
		t.Errorf("Variables = %v", got)
	}
}

func TestCache(t *testing.T) {
	c := NewCache()
	p1, err := c.Compile("a", []byte(sampleDoc))
	if err != nil {
		t.Fatal(err)
	}
	p2, _ := c.Compile("a", []byte(sampleDoc))
	if p1 != p2 || c.Len() != 1 {
		t.Error("same document compiled twice")
	}
	if _, err := c.Compile("bad", []byte("{")); err == nil {
		t.Error("bad document compiled")
	}
	if _, err := c.Compile("bad", []byte("{")); err == nil || c.Len() != 2 {
		t.Error("cached error lost")
	}
}

func TestOperatorCaseWarning(t *testing.T) {
	doc, err := ParseString(D(S("Allow", A("s3:GetObject"), R("*"), C(`{"stringequals":{"aws:PrincipalTag/a":"b"}}`))))
	if err != nil {
		t.Fatal(err)
	}
	issues := Validate(doc)
	if len(issues) != 1 || issues[0].Severity != SeverityWarning || issues[0].Code != CodeBadOperator {
		t.Errorf("issues = %v", issues)
	}
	if !doc.Statements[0].Conditions[0].Known() || !doc.Statements[0].Conditions[0].KeyIs("AWS:PRINCIPALTAG/A") {
		t.Error("lower-case operator not recognised")
	}
}
