package importer

import (
	"strings"

	"github.com/iamspect/iamspect/internal/snapshot"
)

// OIDCProvidersOutput is `aws iam list-open-id-connect-providers` output. Its
// entries have only Arn; iamspect's combined form adds to each entry the
// members of get-open-id-connect-provider (Url, ClientIDList, ...).
type OIDCProvidersOutput struct {
	OpenIDConnectProviderList []OIDCProviderDetail `json:"OpenIDConnectProviderList"`
}

// OIDCProviderDetail is `aws iam get-open-id-connect-provider` output, plus
// the provider's Arn (which that command does not print).
type OIDCProviderDetail struct {
	Arn            string   `json:"Arn"`
	Url            string   `json:"Url"`
	ClientIDList   []string `json:"ClientIDList"`
	ThumbprintList []string `json:"ThumbprintList"`
	CreateDate     Time     `json:"CreateDate"`
	Tags           []AWSTag `json:"Tags"`
}

const oidcExpected = "the output of `aws iam list-open-id-connect-providers` or `aws iam get-open-id-connect-provider`"

// DecodeOIDCProviders parses either form: the list (optionally enriched with
// the get members), or a single get-open-id-connect-provider output.
func DecodeOIDCProviders(data []byte) ([]OIDCProviderDetail, error) {
	switch Detect(data) {
	case KindOIDCProviders:
		var out OIDCProvidersOutput
		if err := decodeJSON(data, KindOIDCProviders, "OpenIDConnectProviderList", oidcExpected, &out); err != nil {
			return nil, err
		}
		return out.OpenIDConnectProviderList, nil
	case KindOIDCProvider:
		var one OIDCProviderDetail
		if err := decodeJSON(data, KindOIDCProvider, "Url", oidcExpected, &one); err != nil {
			return nil, err
		}
		return []OIDCProviderDetail{one}, nil
	}
	var out OIDCProvidersOutput
	if err := decodeJSON(data, KindOIDCProviders, "OpenIDConnectProviderList", oidcExpected, &out); err != nil {
		return nil, err
	}
	return out.OpenIDConnectProviderList, nil
}

// ApplyOIDCProviders merges providers by ARN and marks InputOIDCProviders
// collected. An entry without Arn (plain get output) is matched to a listed
// provider by its URL, or given the ARN AWS would give it in acct (so acct.ID
// must be set first).
func ApplyOIDCProviders(acct *snapshot.Account, providers ...OIDCProviderDetail) {
	var noARN []OIDCProviderDetail
	for _, p := range providers {
		if p.Arn == "" {
			noARN = append(noARN, p)
			continue
		}
		mergeOIDC(acct, p.Arn, p)
	}
	for _, p := range noARN {
		host := hostOf(p.Url)
		arn := ""
		for _, have := range acct.OIDCProviders {
			if have.Host() == host {
				arn = have.ARN
				break
			}
		}
		if arn == "" {
			arn = "arn:" + partitionOr(acct.Partition) + ":iam::" + acct.ID + ":oidc-provider/" + host
		}
		mergeOIDC(acct, arn, p)
	}
	acct.MarkCollected(snapshot.InputOIDCProviders)
}

// mergeOIDC adds or completes the provider with the given ARN; known fields
// are not overwritten by empty ones.
func mergeOIDC(acct *snapshot.Account, arn string, p OIDCProviderDetail) {
	var dst *snapshot.OIDCProvider
	for i := range acct.OIDCProviders {
		if acct.OIDCProviders[i].ARN == arn {
			dst = &acct.OIDCProviders[i]
		}
	}
	if dst == nil {
		acct.OIDCProviders = append(acct.OIDCProviders, snapshot.OIDCProvider{ARN: arn})
		dst = &acct.OIDCProviders[len(acct.OIDCProviders)-1]
	}
	if p.Url != "" {
		dst.URL = p.Url
	}
	if p.ClientIDList != nil {
		dst.ClientIDs = append([]string(nil), p.ClientIDList...)
	}
	if p.ThumbprintList != nil {
		dst.Thumbprints = append([]string(nil), p.ThumbprintList...)
	}
	if t := p.CreateDate.Ptr(); t != nil {
		dst.CreatedAt = t
	}
	if p.Tags != nil {
		dst.Tags = tags(p.Tags)
	}
}

func hostOf(u string) string {
	return strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(u, "https://"), "http://"), "/")
}

func partitionOr(p string) string {
	if p == "" {
		return "aws"
	}
	return p
}
