package snapshot

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// precheckQuotas counts the users, groups, roles and policies of every
// account of a snapshot with a streaming decoder, before the snapshot is
// decoded: a file of millions of tiny entries is refused without first
// expanding to tens of times its size in memory. Data it cannot follow is
// left to the decoder, which describes the problem.
func precheckQuotas(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil
	}
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return nil
		}
		if kt != "accounts" {
			var skip struct{}
			if dec.Decode(&skip) != nil {
				return nil
			}
			continue
		}
		if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
			return nil
		}
		for i := 0; dec.More(); i++ {
			if err := precheckAccount(dec, i); err != nil {
				return err
			}
		}
		return nil
	}
	return nil
}

func precheckAccount(dec *json.Decoder, i int) error {
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil
	}
	id := fmt.Sprintf("accounts[%d]", i)
	counts := map[string]int{}
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return nil
		}
		key, _ := kt.(string)
		switch key {
		case "id":
			var s string
			if dec.Decode(&s) != nil {
				return nil
			}
			id = "account " + s
		case "users", "groups", "roles", "policies":
			if tok, err := dec.Token(); err != nil || (tok != json.Delim('[') && tok != nil) {
				return nil
			} else if tok == nil {
				continue
			}
			for dec.More() {
				var skip struct{}
				if dec.Decode(&skip) != nil {
					return nil
				}
				counts[key]++
			}
			if _, err := dec.Token(); err != nil {
				return nil
			}
		default:
			var skip struct{}
			if dec.Decode(&skip) != nil {
				return nil
			}
		}
	}
	if _, err := dec.Token(); err != nil {
		return nil
	}
	for _, c := range []struct {
		key string
		q   Quota
	}{{"users", QuotaUsers}, {"groups", QuotaGroups}, {"roles", QuotaRoles}} {
		if err := c.q.Check(counts[c.key]); err != nil {
			return fmt.Errorf("%s: %w", id, err)
		}
	}
	if n := counts["policies"]; n > QuotaCustomerPolicies.Limit()+QuotaAWSPolicies.Limit() {
		return fmt.Errorf("%s: %s managed policies, more than ten times AWS's quotas of %s customer managed policies per account and about %s AWS managed policies",
			id, Comma(n), Comma(QuotaCustomerPolicies.AWS), Comma(QuotaAWSPolicies.AWS))
	}
	return nil
}
