package collect

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/iamspect/iamspect/internal/snapshot"
)

// fetchFunc fetches one input for one account. The function it returns
// applies the result to the account; applies run one after another in
// registry order, after all fetches, so no two goroutines touch the account
// at once.
type fetchFunc func(ctx context.Context) (apply func(*snapshot.Account) error, err error)

// stage says when an input is collected.
type stage int

const (
	// stageAccount inputs are fetched in parallel for each account.
	stageAccount stage = iota
	// stageProbe inputs are read afterwards, for users chosen from the
	// credential report and authorization details (probeUsers).
	stageProbe
	// stageOrganization is read once per snapshot (collectOrganization),
	// by the management account with --org.
	stageOrganization
)

// collector is how a live collection gathers one input.
type collector struct {
	stage stage
	// fetch builds the input's fetch for one account (stageAccount only).
	fetch func(e *accountEnv) fetchFunc
}

// accountEnv is what a fetch needs: the account's credentials and clients.
type accountEnv struct {
	cfg aws.Config
	o   *Options
	iam *iamCollector
}

func perAccount(f func(e *accountEnv) fetchFunc) collector {
	return collector{stage: stageAccount, fetch: f}
}

// collectors is the live collection of every input of the registry
// (snapshot.Specs); TestEveryInputHasACollector keeps the two in step.
var collectors = map[snapshot.Input]collector{
	snapshot.InputAuthorizationDetails:  perAccount(func(e *accountEnv) fetchFunc { return e.iam.authorizationDetails }),
	snapshot.InputRoleDetails:           perAccount(func(e *accountEnv) fetchFunc { return e.iam.roleSettings }),
	snapshot.InputCredentialReport:      perAccount(func(e *accountEnv) fetchFunc { return e.iam.credentialReport }),
	snapshot.InputPasswordPolicy:        perAccount(func(e *accountEnv) fetchFunc { return e.iam.passwordPolicy }),
	snapshot.InputAccountSummary:        perAccount(func(e *accountEnv) fetchFunc { return e.iam.accountSummary }),
	snapshot.InputVirtualMFADevices:     perAccount(func(e *accountEnv) fetchFunc { return e.iam.virtualMFADevices }),
	snapshot.InputOIDCProviders:         perAccount(func(e *accountEnv) fetchFunc { return e.iam.oidcProviders }),
	snapshot.InputSAMLProviders:         perAccount(func(e *accountEnv) fetchFunc { return e.iam.samlProviders }),
	snapshot.InputServerCertificates:    perAccount(func(e *accountEnv) fetchFunc { return e.iam.serverCertificates }),
	snapshot.InputAccountAliases:        perAccount(func(e *accountEnv) fetchFunc { return e.iam.accountAliases }),
	snapshot.InputOrganizationsFeatures: perAccount(func(e *accountEnv) fetchFunc { return e.iam.organizationsFeatures }),
	snapshot.InputIdentityCenter:        perAccount(func(e *accountEnv) fetchFunc { return ssoTask(e.cfg, e.o).fetch }),
	snapshot.InputAccessAnalyzer:        perAccount(func(e *accountEnv) fetchFunc { return analyzerTask(e.cfg, e.o).fetch }),
	snapshot.InputServiceCredentials:    {stage: stageProbe},
	snapshot.InputSSHKeys:               {stage: stageProbe},
	snapshot.InputOrganization:          {stage: stageOrganization},
}

// accountTasks returns the per-account tasks, in registry order.
func accountTasks(e *accountEnv) []task {
	var out []task
	for _, in := range snapshot.Inputs() {
		if c, ok := collectors[in]; ok && c.stage == stageAccount {
			out = append(out, task{in, c.fetch(e)})
		}
	}
	return out
}
