package synth

import (
	"fmt"

	"github.com/iamspect/iamspect/internal/snapshot"
)

// OrgID is the generated organisation's ID.
const OrgID = "o-synth00001"

// OrgAccountID is the ID of the organisation's i-th account (0 is the
// management account).
func OrgAccountID(i int) string { return fmt.Sprintf("%012d", 400000000000+i*7919) }

// Organization generates an organisation of accounts small accounts (at
// least 1; the first is the management account), each of the customer shape
// with usersPer users, rolesPer roles, rolesPer/2 customer policies and 5
// groups, every input collected (but the organisation features, which only
// the management account answers), seeded by the account's number.
func Organization(accounts, usersPer, rolesPer int) *snapshot.Snapshot {
	accounts = max(1, accounts)
	shape, _ := ShapeByName("customer")
	shape.knobs.groups = 5
	size := Size{Users: usersPer, Roles: rolesPer, Policies: max(1, rolesPer/2)}
	org := &snapshot.Organization{ID: OrgID, ARN: "arn:aws:organizations::" + OrgAccountID(0) + ":organization/" + OrgID,
		ManagementAccount: OrgAccountID(0), FeatureSet: "ALL",
		Units:              []snapshot.OrgUnit{{ID: "r-syn0", Name: "Root"}, {ID: "ou-syn0-workloads", Name: "Workloads", ParentID: "r-syn0"}},
		EnabledPolicyTypes: []string{"SERVICE_CONTROL_POLICY"},
		Policies: []snapshot.OrgPolicy{{ID: "p-FullAWSAccess", Name: "FullAWSAccess", Type: "SERVICE_CONTROL_POLICY", AWSManaged: true,
			Targets: []string{"r-syn0"}, ARN: "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess",
			Document: snapshot.RawJSON(doc(`{"Effect":"Allow","Action":"*","Resource":"*"}`))}},
	}
	s := &snapshot.Snapshot{SchemaVersion: snapshot.SchemaVersion, CollectedAt: Reference,
		Source: snapshot.Source{Kind: "synth"}, Organization: org}
	for i := range accounts {
		id := OrgAccountID(i)
		a := shape.Account(id, size, uint64(i))
		a.Alias = fmt.Sprintf("synth-%04d", i)
		for _, in := range snapshot.Inputs() {
			if i == 0 || in != snapshot.InputOrganizationsFeatures {
				a.MarkCollected(in)
			}
		}
		a.Summary = map[string]int{"Users": len(a.Users), "Groups": len(a.Groups), "Roles": len(a.Roles), "Policies": size.Policies, "AccountMFAEnabled": 1}
		if i%2 == 0 {
			a.PasswordPolicy = &snapshot.PasswordPolicy{MinimumPasswordLength: 14, RequireSymbols: true, RequireNumbers: true,
				RequireUppercaseCharacters: true, RequireLowercaseCharacters: true, AllowUsersToChangePassword: true, PasswordReusePrevention: 24}
		}
		s.Accounts = append(s.Accounts, a)
		parent := "ou-syn0-workloads"
		if i == 0 {
			parent = "r-syn0"
		}
		org.Accounts = append(org.Accounts, snapshot.OrgAccount{ID: id, Name: a.Alias, Email: "aws-" + a.Alias + "@synth.example",
			Status: "ACTIVE", ParentID: parent})
	}
	return s
}
