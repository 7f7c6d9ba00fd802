package policy

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzParse(f *testing.F) {
	seeds := []string{
		sampleDoc,
		D(allAll),
		D(S("Allow", NA(`["iam:*","organizations:*"]`), R("*"))),
		D(S("Allow", A("s3:GetObject"), R("arn:aws:s3:::home/${aws:username, 'x'}/${*}"), C(`{"ForAllValues:StringLikeIfExists":{"aws:TagKeys":["a*",1,true]},"Null":{"k":"true"}}`))),
		D(S("Deny", A("sts:AssumeRole"), "", NP(`{"AWS":["111122223333"],"Service":"ec2.amazonaws.com","Federated":"x","CanonicalUser":"y"}`))),
		`{"Version":"2008-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"*","Resource":"${x}"}}`,
		`"{\"Statement\":[]}"`,
		`%7B%22Statement%22%3A%5B%5D%7D`,
		`{"Statement":[{"Condition":{"DateLessThan":{"aws:CurrentTime":["2020-01-01",1600000000]},"IpAddress":{"aws:SourceIp":"::1/128"}}}]}`,
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := Parse(data)
		if err != nil {
			return
		}
		Validate(doc)
		p := Compile(doc)
		s := &Set{Identity: []*Policy{p}, Resource: []*Policy{p}}
		for _, req := range []Request{
			{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k"},
			{Action: "iam:PassRole", Resource: "*"},
			{Action: "sts:AssumeRole", Principal: "arn:aws:iam::111122223333:user/u", Context: map[string][]string{"aws:TagKeys": {"a", "b"}, "aws:SourceIp": {"10.0.0.1"}, "aws:CurrentTime": {"2021-01-01T00:00:00Z"}}},
			{Action: "ec2:RunInstances", ClosedContext: true},
		} {
			r := s.Evaluate(&req)
			_ = r.Explain()
			if r.Decision == ConditionallyAllowed && len(r.AllowIf) == 0 && len(r.DenyIf) == 0 {
				t.Fatalf("conditional result without conditions: %+v", r)
			}
		}
		IsAdmin(s)
	})
}

// globRegexp is a slow but obviously right reference for the matcher.
func globRegexp(p string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString(`(?s)^`)
	for _, r := range p {
		switch r {
		case '*':
			b.WriteString(`.*`)
		case '?':
			b.WriteString(`.`)
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString(`$`)
	return regexp.MustCompile(b.String())
}

func FuzzMatch(f *testing.F) {
	f.Add("*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
	f.Add("arn:aws:s3:::b/*", "arn:aws:s3:::b/k:x")
	f.Add("a?c", "abc")
	f.Add("?*?", "é")
	f.Add("", "")
	f.Fuzz(func(t *testing.T, pattern, s string) {
		if len(pattern) > 200 || len(s) > 1000 {
			return
		}
		got := MatchWildcard(pattern, s)
		if utf8.ValidString(pattern) && utf8.ValidString(s) {
			if want := globRegexp(pattern).MatchString(s); got != want {
				t.Fatalf("MatchWildcard(%q, %q) = %v, regexp says %v", pattern, s, got, want)
			}
		}
		MatchARN(pattern, s)
		// A case-sensitive match is also a case-insensitive one.
		if got && !MatchWildcardFold(pattern, s) {
			t.Fatalf("MatchWildcard(%q, %q) matches but MatchWildcardFold does not", pattern, s)
		}
	})
}
