package importer

import (
	"strings"

	"github.com/iamspect/iamspect/internal/snapshot"
)

// SSHPublicKeysOutput is `aws iam list-ssh-public-keys --user-name U` output.
type SSHPublicKeysOutput struct {
	SSHPublicKeys []struct {
		UserName       string `json:"UserName"`
		SSHPublicKeyId string `json:"SSHPublicKeyId"`
		Status         string `json:"Status"`
		UploadDate     Time   `json:"UploadDate"`
	} `json:"SSHPublicKeys"`
	IsTruncated bool `json:"IsTruncated"`
}

// ServiceCredentialsOutput is `aws iam list-service-specific-credentials
// --user-name U` output.
type ServiceCredentialsOutput struct {
	ServiceSpecificCredentials []struct {
		UserName                    string `json:"UserName"`
		ServiceSpecificCredentialId string `json:"ServiceSpecificCredentialId"`
		ServiceName                 string `json:"ServiceName"`
		Status                      string `json:"Status"`
		CreateDate                  Time   `json:"CreateDate"`
	} `json:"ServiceSpecificCredentials"`
	IsTruncated bool `json:"IsTruncated"`
}

// applyPerUser applies an input written one file per user (the user name
// in the file name). Each listed user gets what its file holds; a user
// without a file is marked as not listed by the input, so coverage knows it
// was not asked about. The input is collected when there is a file, or when
// neither the authorization details nor the credential report (which lists
// every user, whatever filter the details were read with) lists a user:
// there is nobody to ask about.
// Files of users the account does not have (deleted since) are warned about.
func applyPerUser(acct *snapshot.Account, set *entitySet, pat string, apply func(*snapshot.User, *entityFile) error) ([]Warning, error) {
	nobody := acct.Has(snapshot.InputAuthorizationDetails) && acct.Has(snapshot.InputCredentialReport) && len(acct.Users) == 0
	if set.empty() && !nobody {
		return nil, nil
	}
	byName := map[string]*snapshot.User{}
	for _, u := range acct.Users {
		byName[strings.ToLower(u.Name)] = u
	}
	var warnings []Warning
	asked := map[*snapshot.User]bool{}
	for i := range set.byPat[pat] {
		f := &set.byPat[pat][i]
		u := byName[strings.ToLower(f.key)]
		if u == nil {
			warnings = append(warnings, Warning{File: f.path, Msg: "no user " + f.key + " in the account (deleted since?); ignored"})
			continue
		}
		if err := apply(u, f); err != nil {
			return nil, err
		}
		asked[u] = true
	}
	for _, u := range acct.Users {
		if !asked[u] {
			u.MarkNotIn(set.input)
		}
	}
	acct.MarkCollected(set.input)
	return warnings, nil
}

func applySSHKeys(acct *snapshot.Account, set *entitySet) ([]Warning, error) {
	return applyPerUser(acct, set, "ssh-public-keys-*.json", func(u *snapshot.User, f *entityFile) error {
		var out SSHPublicKeysOutput
		if err := f.decode("SSHPublicKeys", "aws iam list-ssh-public-keys", &out); err != nil {
			return err
		}
		if out.IsTruncated {
			return &InputError{File: f.path, Msg: "IsTruncated: more keys follow; run the command without --max-items"}
		}
		u.SSHKeys = nil
		for _, k := range out.SSHPublicKeys {
			u.SSHKeys = append(u.SSHKeys, snapshot.SSHKey{ID: k.SSHPublicKeyId, Status: k.Status, UploadedAt: k.UploadDate.Ptr()})
		}
		return nil
	})
}

func applyServiceCredentials(acct *snapshot.Account, set *entitySet) ([]Warning, error) {
	return applyPerUser(acct, set, "service-specific-credentials-*.json", func(u *snapshot.User, f *entityFile) error {
		var out ServiceCredentialsOutput
		if err := f.decode("ServiceSpecificCredentials", "aws iam list-service-specific-credentials", &out); err != nil {
			return err
		}
		if out.IsTruncated {
			return &InputError{File: f.path, Msg: "IsTruncated: more credentials follow; run the command without --max-items"}
		}
		u.ServiceCredentials = nil
		for _, c := range out.ServiceSpecificCredentials {
			u.ServiceCredentials = append(u.ServiceCredentials, snapshot.ServiceCredential{ID: c.ServiceSpecificCredentialId,
				ServiceName: c.ServiceName, Status: c.Status, CreatedAt: c.CreateDate.Ptr()})
		}
		return nil
	})
}
