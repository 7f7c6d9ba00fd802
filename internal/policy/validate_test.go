package policy

import (
	"testing"
)

func TestValidate(t *testing.T) {
	cases := []struct {
		name, doc, code, path string
	}{
		{"effect typo", D(S("Alow", A("s3:GetObject"), R("*"))), CodeBadEffect, "Statement[0].Effect"},
		{"no effect", `{"Version":"2012-10-17","Statement":{"Action":"s3:GetObject","Resource":"*"}}`, CodeBadEffect, "Statement.Effect"},
		{"unknown action", D(S("Allow", A("s3:GetObjekt"), R("*"))), CodeUnknownAction, "Statement[0].Action[0]"},
		{"wildcard matching nothing", D(S("Allow", A("s3:Frob*"), R("*"))), CodeUnknownAction, "Statement[0].Action[0]"},
		{"unknown service", D(S("Allow", A("s4:GetObject"), R("*"))), CodeUnknownService, "Statement[0].Action[0]"},
		{"unknown service in NotAction", D(S("Allow", NA("s4:*"), R("*"))), CodeUnknownService, "Statement[0].NotAction[0]"},
		{"action without service", D(S("Allow", A("GetObject"), R("*"))), CodeBadAction, "Statement[0].Action[0]"},
		{"malformed ARN", D(S("Allow", A("s3:GetObject"), R("bucket/*"))), CodeBadARN, "Statement[0].Resource[0]"},
		{"short ARN", D(S("Allow", A("s3:GetObject"), R("arn:aws:s3"))), CodeBadARN, "Statement[0].Resource[0]"},
		{"bad account in ARN", D(S("Allow", A("iam:GetRole"), R("arn:aws:iam::1234:role/x"))), CodeBadARN, "Statement[0].Resource[0]"},
		{"Action and NotAction", D(S("Allow", A("s3:GetObject"), R("*"), NA("iam:*"))), CodeBadElement, "Statement[0]"},
		{"neither Action nor NotAction", D(S("Allow", "", R("*"))), CodeBadElement, "Statement[0]"},
		{"Resource and NotResource", D(S("Allow", A("s3:GetObject"), R("*"), NR("arn:aws:s3:::x"))), CodeBadElement, "Statement[0]"},
		{"unknown operator", D(S("Allow", A("s3:GetObject"), R("*"), C(`{"StringEqualz":{"aws:PrincipalTag/a":"b"}}`))), CodeBadOperator, "Statement[0].Condition.StringEqualz"},
		{"unknown qualifier", D(S("Allow", A("s3:GetObject"), R("*"), C(`{"ForSomeValues:StringEquals":{"aws:TagKeys":"b"}}`))), CodeBadOperator, "Statement[0].Condition.ForSomeValues:StringEquals"},
		{"Null with IfExists", D(S("Allow", A("s3:GetObject"), R("*"), C(`{"NullIfExists":{"aws:TagKeys":"true"}}`))), CodeBadOperator, "Statement[0].Condition.NullIfExists"},
		{"bad number", D(S("Allow", A("s3:ListBucket"), R("*"), C(`{"NumericLessThan":{"s3:max-keys":"ten"}}`))), CodeBadValue, "Statement[0].Condition.NumericLessThan.s3:max-keys"},
		{"bad date", D(S("Allow", A("s3:ListBucket"), R("*"), C(`{"DateLessThan":{"aws:CurrentTime":"tomorrow"}}`))), CodeBadValue, "Statement[0].Condition.DateLessThan.aws:CurrentTime"},
		{"bad CIDR", D(S("Allow", A("s3:ListBucket"), R("*"), C(`{"IpAddress":{"aws:SourceIp":"10.0.0.0/33"}}`))), CodeBadValue, "Statement[0].Condition.IpAddress.aws:SourceIp"},
		{"bad bool", D(S("Allow", A("s3:ListBucket"), R("*"), C(`{"Bool":{"aws:SecureTransport":"yes"}}`))), CodeBadValue, "Statement[0].Condition.Bool.aws:SecureTransport"},
		{"bad base64", D(S("Allow", A("s3:ListBucket"), R("*"), C(`{"BinaryEquals":{"k:b":"!!"}}`))), CodeBadValue, "Statement[0].Condition.BinaryEquals.k:b"},
		{"literal wildcard", D(S("Allow", A("sts:AssumeRoleWithWebIdentity"), "", C(`{"StringEquals":{"token.actions.githubusercontent.com:sub":"repo:org/*"}}`))), CodeLiteralWildcard, "Statement[0].Condition.StringEquals.token.actions.githubusercontent.com:sub"},
		{"variable under 2008-10-17", `{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/*"}]}`, CodeLiteralVariable, "Statement[0].Resource[0]"},
		{"no version", `{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`, CodeBadVersion, "Version"},
		{"unknown version", `{"Version":"2012-10-18","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`, CodeBadVersion, "Version"},
		{"duplicate Sid", D(`{"Sid":"a","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`, `{"Sid":"a","Effect":"Allow","Action":"s3:PutObject","Resource":"*"}`), CodeDuplicateSid, "Statement[1].Sid"},
		{"unknown element", D(S("Allow", A("s3:GetObject"), R("*"), `"Resources":"*"`)), CodeUnknownElement, "Statement[0].Resources"},
		{"principal wildcard ARN", D(S("Allow", A("sts:AssumeRole"), "", P(`{"AWS":"arn:aws:iam::*:root"}`))), CodeBadPrincipal, "Statement[0].Principal.AWS[0]"},
		{"principal not an ARN", D(S("Allow", A("sts:AssumeRole"), "", P(`{"AWS":"alice"}`))), CodeBadPrincipal, "Statement[0].Principal.AWS[0]"},
		{"principal bare string", D(S("Allow", A("sts:AssumeRole"), "", P(`"arn:aws:iam::111122223333:root"`))), CodeBadPrincipal, "Statement[0].Principal"},
		{"unknown principal type", D(S("Allow", A("sts:AssumeRole"), "", P(`{"Aws":"111122223333"}`))), CodeBadPrincipal, "Statement[0].Principal.Aws"},
		{"deleted role", D(S("Allow", A("sts:AssumeRole"), "", P(`{"AWS":"AROA1234567890EXAMPLE"}`))), CodeBadPrincipal, "Statement[0].Principal.AWS[0]"},
		{"deleted user", D(S("Allow", A("sts:AssumeRole"), "", P(`{"AWS":["111122223333","AIDA1234567890EXAMPLE"]}`))), CodeBadPrincipal, "Statement[0].Principal.AWS[1]"},
		{"service principal without domain", D(S("Allow", A("sts:AssumeRole"), "", P(`{"Service":"ec2"}`))), CodeBadPrincipal, "Statement[0].Principal.Service[0]"},
	}
	for _, c := range cases {
		doc, err := ParseString(c.doc)
		if err != nil {
			t.Errorf("%s: parse: %v", c.name, err)
			continue
		}
		found := false
		for _, is := range Validate(doc) {
			if is.Code == c.code && is.Path == c.path {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: want %s at %s, got %v", c.name, c.code, c.path, Validate(doc))
		}
	}
}

func TestValidateCleanPolicies(t *testing.T) {
	clean := []string{
		D(S("Allow", A("*"), R("*"))),
		D(S("Allow", A(`["s3:Get*","s3:ListBucket","ec2:*"]`), R(`["arn:aws:s3:::b","arn:aws:s3:::b/${aws:username}/*"]`))),
		D(S("Deny", NA("iam:*"), NR("arn:aws:iam::111122223333:role/*"), C(`{"StringNotEqualsIfExists":{"aws:RequestedRegion":["eu-west-1"]},"ForAnyValue:StringLike":{"aws:TagKeys":"team-*"},"NumericLessThan":{"s3:max-keys":10},"DateGreaterThan":{"aws:CurrentTime":"2024-01-01T00:00:00Z"},"IpAddress":{"aws:SourceIp":["10.0.0.0/8","2001:db8::/32"]},"Bool":{"aws:SecureTransport":false},"Null":{"aws:TokenIssueTime":"true"},"ArnLike":{"aws:SourceArn":"arn:aws:sns:*:111122223333:*"}}`))),
		D(S("Allow", A("sts:AssumeRole"), "", P(`{"AWS":["111122223333","arn:aws:iam::444455556666:role/x","arn:aws:sts::444455556666:assumed-role/x/s"],"Service":"ec2.amazonaws.com"}`), C(`{"StringEquals":{"sts:ExternalId":"abc"}}`))),
	}
	for _, d := range clean {
		doc, err := ParseString(d)
		if err != nil {
			t.Fatal(err)
		}
		if issues := Validate(doc); len(issues) != 0 {
			t.Errorf("%s: unexpected issues %v", d, issues)
		}
	}
}

func TestUniqueIDIsAWarning(t *testing.T) {
	doc, _ := ParseString(D(S("Allow", A("sts:AssumeRole"), "", P(`{"AWS":"AIDA1234567890EXAMPLE"}`))))
	issues := Validate(doc)
	if len(issues) != 1 || issues[0].Severity != SeverityWarning {
		t.Errorf("issues = %v", issues)
	}
}

func TestOperatorsList(t *testing.T) {
	ops := Operators()
	if len(ops) != 27 || ops[0] != "ArnEquals" || ops[len(ops)-1] != "StringNotLike" {
		t.Errorf("Operators() = %v", ops)
	}
}

func TestMatchesSomeActionAgreesWithExpandActions(t *testing.T) {
	for _, p := range []string{"s3:Get*", "iam:*", "s3:NoSuch*", "ec2:Describe?nstances", "*", "kms:*Key*", "sts:Assume*", "iam:Zz*"} {
		if got, want := matchesSomeAction(p), len(ExpandActions(p)) > 0; got != want {
			t.Errorf("%s: matchesSomeAction %v, ExpandActions says %v", p, got, want)
		}
	}
}
