package importer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/iamspect/iamspect/internal/snapshot"
)

// Before the authorization details are decoded, a streaming pass counts
// the entries of every list, one at a time and without keeping them,
// against AWS's quotas (snapshot.Quota, with its margin): a file listing
// far more users, roles, groups or policies than any account can hold is
// refused naming the quota it exceeds. Decoding such a file at once let
// a file of many tiny entries expand to tens of times its size in memory.
// A file the pass cannot read is left to the decoder, which describes
// the problem.

// authzCounts counts the entries of every page of one file.
type authzCounts struct{ users, groups, roles, customer, aws int }

func checkAuthzQuotas(data []byte) error {
	var c authzCounts
	if !countAuthz(data, &c) {
		return nil
	}
	for _, x := range []struct {
		n int
		q snapshot.Quota
	}{{c.users, snapshot.QuotaUsers}, {c.groups, snapshot.QuotaGroups}, {c.roles, snapshot.QuotaRoles},
		{c.customer, snapshot.QuotaCustomerPolicies}, {c.aws, snapshot.QuotaAWSPolicies}} {
		if err := x.q.Check(x.n); err != nil {
			return &InputError{Msg: err.Error()}
		}
	}
	return nil
}

// countAuthz counts the entries of a page or a list of pages; false when
// the data is not shaped as expected.
func countAuthz(data []byte, c *authzCounts) bool {
	dec := json.NewDecoder(bytes.NewReader(data))
	if firstByte(data) != '[' {
		return countPage(dec, c)
	}
	if _, err := dec.Token(); err != nil {
		return false
	}
	for dec.More() {
		if !countPage(dec, c) {
			return false
		}
	}
	return true
}

func countPage(dec *json.Decoder, c *authzCounts) bool {
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return false
	}
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return false
		}
		key, _ := kt.(string)
		var ok bool
		switch {
		case strings.EqualFold(key, "UserDetailList"):
			ok = countList(dec, func(struct{}) { c.users++ })
		case strings.EqualFold(key, "GroupDetailList"):
			ok = countList(dec, func(struct{}) { c.groups++ })
		case strings.EqualFold(key, "RoleDetailList"):
			ok = countList(dec, func(struct{}) { c.roles++ })
		case strings.EqualFold(key, "Policies"):
			ok = countList(dec, func(p struct{ Arn string }) {
				if snapshot.IsAWSManagedPolicyARN(p.Arn) {
					c.aws++
				} else {
					c.customer++
				}
			})
		default:
			var skip struct{}
			ok = dec.Decode(&skip) == nil
		}
		if !ok {
			return false
		}
	}
	_, err := dec.Token()
	return err == nil
}

// countList reads a JSON list (or null) entry by entry, decoding each into
// a small T (struct{} skips it) and passing it to fn.
func countList[T any](dec *json.Decoder, fn func(T)) bool {
	tok, err := dec.Token()
	if err != nil {
		return false
	}
	if tok == nil {
		return true
	}
	if tok != json.Delim('[') {
		return false
	}
	for dec.More() {
		var v T
		if err := dec.Decode(&v); err != nil {
			return false
		}
		fn(v)
	}
	_, err = dec.Token()
	return err == nil
}

// checkDocQuota refuses a policy document far larger than AWS allows.
func checkDocQuota(q snapshot.Quota, doc []byte, where func() string) *InputError {
	if err := q.Check(snapshot.PolicyChars(doc)); err != nil {
		return &InputError{Msg: fmt.Sprintf("%s: %v", where(), err)}
	}
	return nil
}
