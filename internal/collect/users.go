package collect

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"golang.org/x/sync/errgroup"

	"github.com/iamspect/iamspect/internal/snapshot"
)

// probeCandidates returns the users whose SSH public keys are worth a call:
// those the credential report shows with no console password and no access
// key. Such a user otherwise looks credential-less, yet may authenticate to
// CodeCommit with an SSH key or Git credentials, so its SSH keys decide
// whether it is really unused. Users with a password or a key already hold a
// long-term credential that the credential rules judge; they are not probed,
// which keeps the calls bounded in accounts with thousands of users.
func probeCandidates(a *snapshot.Account) []*snapshot.User {
	var out []*snapshot.User
	for _, u := range a.Users {
		if u.HasConsolePassword() || len(u.AccessKeys) > 0 {
			continue
		}
		out = append(out, u)
	}
	return out
}

// probeUsers fills in service-specific credentials (one account-wide,
// paginated ListServiceSpecificCredentials call with AllUsers) and the SSH
// public keys of the probe candidates (one ListSSHPublicKeys call each, at
// most MaxProbedUsers). It needs the credential report to choose the users.
func (c *iamCollector) probeUsers(ctx context.Context, a *snapshot.Account) error {
	if !a.Has(snapshot.InputAuthorizationDetails) || !a.Has(snapshot.InputCredentialReport) {
		return &inputsErr{inputs: []snapshot.Input{snapshot.InputSSHKeys, snapshot.InputServiceCredentials},
			err: apiErr("iam:GetCredentialReport", fmt.Errorf("SSH keys and service-specific credentials are read only with the credential report and authorization details, to choose which users to ask about"))}
	}
	var errs []error
	if err := c.serviceCredentials(ctx, a); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		errs = append(errs, &inputsErr{inputs: []snapshot.Input{snapshot.InputServiceCredentials}, err: err})
	} else {
		a.MarkCollected(snapshot.InputServiceCredentials)
	}
	if err := c.sshKeys(ctx, a); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		errs = append(errs, &inputsErr{inputs: []snapshot.Input{snapshot.InputSSHKeys}, err: err})
	} else {
		a.MarkCollected(snapshot.InputSSHKeys)
	}
	if len(errs) == 1 {
		return errs[0]
	}
	if len(errs) == 2 {
		return &multiInputsErr{errs}
	}
	return nil
}

// multiInputsErr carries two independent failures (gapFor splits them).
type multiInputsErr struct{ errs []error }

func (e *multiInputsErr) Error() string   { return e.errs[0].Error() + "; " + e.errs[1].Error() }
func (e *multiInputsErr) Unwrap() []error { return e.errs }

func (c *iamCollector) serviceCredentials(ctx context.Context, a *snapshot.Account) error {
	const api = "iam:ListServiceSpecificCredentials"
	byName := map[string]*snapshot.User{}
	for _, u := range a.Users {
		byName[u.Name] = u
	}
	var all []types.ServiceSpecificCredentialMetadata
	in := &iam.ListServiceSpecificCredentialsInput{AllUsers: aws.Bool(true), MaxItems: aws.Int32(pageSize)}
	for {
		out, err := c.client.ListServiceSpecificCredentials(ctx, in)
		if err != nil {
			if hasCode(err, "ValidationError", "InvalidInput") {
				// An endpoint without AllUsers: ask per user, for the same
				// users as the SSH keys.
				return c.serviceCredentialsPerUser(ctx, a)
			}
			return apiErr(api, err)
		}
		all = append(all, out.ServiceSpecificCredentials...)
		if !out.IsTruncated || aws.ToString(out.Marker) == "" {
			break
		}
		in.Marker = out.Marker
	}
	for _, m := range all {
		if u := byName[aws.ToString(m.UserName)]; u != nil { // nil: created after the authorization details were read
			u.ServiceCredentials = append(u.ServiceCredentials, serviceCredential(m))
		}
	}
	return nil
}

func serviceCredential(m types.ServiceSpecificCredentialMetadata) snapshot.ServiceCredential {
	return snapshot.ServiceCredential{ID: aws.ToString(m.ServiceSpecificCredentialId), ServiceName: aws.ToString(m.ServiceName),
		Status: string(m.Status), CreatedAt: utc(m.CreateDate)}
}

// serviceCredentialsPerUser lists service-specific credentials of the probe
// candidates one user at a time.
func (c *iamCollector) serviceCredentialsPerUser(ctx context.Context, a *snapshot.Account) error {
	return c.perCandidate(ctx, a, "iam:ListServiceSpecificCredentials", func(ctx context.Context, u *snapshot.User) (func(), error) {
		out, err := c.client.ListServiceSpecificCredentials(ctx, &iam.ListServiceSpecificCredentialsInput{UserName: aws.String(u.Name)})
		if err != nil {
			return nil, err
		}
		var creds []snapshot.ServiceCredential
		for _, m := range out.ServiceSpecificCredentials {
			creds = append(creds, serviceCredential(m))
		}
		return func() { u.ServiceCredentials = creds }, nil
	})
}

// perCandidate calls f for each probe candidate, Parallel at a time, and
// applies the results once all succeeded. A user deleted since the
// authorization details were read (NoSuchEntity) is skipped.
func (c *iamCollector) perCandidate(ctx context.Context, a *snapshot.Account, api string, f func(context.Context, *snapshot.User) (func(), error)) error {
	users := probeCandidates(a)
	if len(users) > max(0, c.o.MaxProbedUsers) {
		return apiErr(api, fmt.Errorf("%d users have neither a password nor an access key; asking about more than %d users (--max-probed-users) was skipped",
			len(users), c.o.MaxProbedUsers))
	}
	applies := make([]func(), len(users))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(c.o.Parallel)
	for i, u := range users {
		g.Go(func() error {
			apply, err := f(gctx, u)
			if err != nil && !hasCode(err, "NoSuchEntity") {
				return apiErr(api, err)
			}
			applies[i] = apply
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	for _, apply := range applies {
		if apply != nil {
			apply()
		}
	}
	return nil
}

func (c *iamCollector) sshKeys(ctx context.Context, a *snapshot.Account) error {
	return c.perCandidate(ctx, a, "iam:ListSSHPublicKeys", func(ctx context.Context, u *snapshot.User) (func(), error) {
		var keys []snapshot.SSHKey
		p := iam.NewListSSHPublicKeysPaginator(c.client, &iam.ListSSHPublicKeysInput{UserName: aws.String(u.Name)})
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				return nil, err
			}
			for _, k := range out.SSHPublicKeys {
				keys = append(keys, snapshot.SSHKey{ID: aws.ToString(k.SSHPublicKeyId), Status: string(k.Status), UploadedAt: utc(k.UploadDate)})
			}
		}
		return func() { u.SSHKeys = keys }, nil
	})
}
