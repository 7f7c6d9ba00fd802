package collect

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// DefaultSessionName is the role session name iamspect uses when assuming
// roles, so that CloudTrail shows who read the account.
const DefaultSessionName = "iamspect"

// DefaultMemberRole is the role assumed in member accounts with --org.
const DefaultMemberRole = "OrganizationAccountAccessRole"

// ConfigOptions say how to find credentials. The zero value uses the SDK's
// default chain: environment, shared config and credentials files (including
// IAM Identity Center profiles after `aws sso login`), web identity, container
// and instance roles. AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> are
// honoured by the SDK.
type ConfigOptions struct {
	Profile string
	Region  string
	// RoleARN, when set, is assumed (with ExternalID and SessionName) on top
	// of the base credentials; every call then runs as that role.
	RoleARN     string
	ExternalID  string
	SessionName string

	// MaxAttempts bounds retries of one call (default 10: throttling is
	// expected in large accounts).
	MaxAttempts int
	// MaxBackoff caps the wait between retries (default 20 s); the waits
	// are exponential with full jitter below it (retry.go).
	MaxBackoff time.Duration
	// RetryMode is aws.RetryModeAdaptive (the default: a client-side rate
	// limiter that slows down when AWS throttles and speeds up again as
	// calls succeed) or aws.RetryModeStandard (retries with backoff only).
	RetryMode aws.RetryMode

	// ConnectTimeout bounds connecting (default 5 s), ResponseTimeout the
	// wait for a response's headers (default 30 s) and AttemptTimeout one
	// whole attempt, body included (default 2 min). An attempt that runs
	// out of time is retried. They apply when HTTPClient is nil.
	ConnectTimeout  time.Duration
	ResponseTimeout time.Duration
	AttemptTimeout  time.Duration

	// For tests and the sandbox: a fixed endpoint for every service, static
	// credentials and an HTTP client. Production code leaves them empty.
	BaseEndpoint string
	Credentials  aws.CredentialsProvider
	HTTPClient   *http.Client

	// Counter, when set, counts every API call and attempt.
	Counter *Counter
}

// LoadConfig builds the AWS configuration: default chain or profile, region,
// adaptive retries, call counting, and the optional audit role.
func LoadConfig(ctx context.Context, o ConfigOptions) (aws.Config, error) {
	var opts []func(*config.LoadOptions) error
	if o.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(o.Profile))
	}
	if o.Region != "" {
		opts = append(opts, config.WithRegion(o.Region))
	}
	if o.BaseEndpoint != "" {
		opts = append(opts, config.WithBaseEndpoint(o.BaseEndpoint))
	}
	if o.Credentials != nil {
		opts = append(opts, config.WithCredentialsProvider(o.Credentials))
	}
	if o.HTTPClient != nil {
		opts = append(opts, config.WithHTTPClient(o.HTTPClient))
	} else {
		opts = append(opts, config.WithHTTPClient(httpClient(o)))
	}
	opts = append(opts, config.WithRetryer(newRetryer(o)))
	if o.Counter != nil {
		opts = append(opts, config.WithAPIOptions(o.Counter.APIOptions()))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("load AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		// IAM, STS and Organizations are global; a region is still needed to
		// sign requests. us-east-1 is where the global endpoints live.
		cfg.Region = "us-east-1"
	}
	if o.RoleARN != "" {
		cfg = AssumeRole(cfg, o.RoleARN, o.ExternalID, o.SessionName)
	}
	return cfg, nil
}

// newRetryer returns a factory for the retryer (retry.go): jittered
// exponential backoff, extra retryable errors, and in adaptive mode a
// client-side limiter that slows the client down when AWS throttles and
// recovers as calls succeed. The retry quota is disabled so that a long,
// heavily throttled collection keeps retrying within MaxAttempts.
func newRetryer(o ConfigOptions) func() aws.Retryer {
	attempts := o.MaxAttempts
	if attempts <= 0 {
		attempts = 10
	}
	backoff := o.MaxBackoff
	if backoff <= 0 {
		backoff = 20 * time.Second
	}
	standard := func(so *retry.StandardOptions) {
		so.MaxAttempts = attempts
		so.MaxBackoff = backoff
		so.Backoff = newJitterBackoff(backoff)
		so.RateLimiter = ratelimit.None
		so.Retryables = append(append([]retry.IsErrorRetryable{}, so.Retryables...), retryableExtra)
	}
	if o.RetryMode == aws.RetryModeStandard {
		return func() aws.Retryer { return retry.NewStandard(standard) }
	}
	return func() aws.Retryer {
		return &limitedRetryer{RetryerV2: retry.NewStandard(standard), lim: &aimdLimiter{}}
	}
}

// AssumeRole returns a copy of cfg whose credentials come from assuming
// roleARN with cfg's credentials. Credentials are cached and refreshed; a
// failure to assume the role is an *AssumeRoleError.
func AssumeRole(cfg aws.Config, roleARN, externalID, sessionName string) aws.Config {
	prov := assumeRoleProvider(sts.NewFromConfig(cfg), roleARN, externalID, sessionName)
	out := cfg.Copy()
	out.Credentials = aws.NewCredentialsCache(assumeRoleReporter{prov, roleARN})
	return out
}

// AssumeRoleError says that the audit role (--role-arn) could not be
// assumed: the caller has credentials, but STS refused them for this role
// (AWS's error code, e.g. AccessDenied), or did not answer.
type AssumeRoleError struct {
	Role string
	Err  error
}

func (e *AssumeRoleError) Error() string {
	if ErrorCode(e.Err) != "" {
		return fmt.Sprintf("sts:AssumeRole of %s was refused (%s); check that the role's trust policy admits the caller (and --external-id, if it requires one)",
			e.Role, Reason(e.Err))
	}
	return fmt.Sprintf("sts:AssumeRole of %s failed: %s", e.Role, Reason(e.Err))
}

func (e *AssumeRoleError) Unwrap() error { return e.Err }

// assumeRoleReporter marks the errors of an AssumeRole provider, which the
// SDK would otherwise report as credentials that could not be retrieved.
type assumeRoleReporter struct {
	aws.CredentialsProvider
	role string
}

func (p assumeRoleReporter) Retrieve(ctx context.Context) (aws.Credentials, error) {
	c, err := p.CredentialsProvider.Retrieve(ctx)
	if err != nil {
		return c, &AssumeRoleError{Role: p.role, Err: err}
	}
	return c, nil
}

// assumeRoleWith is AssumeRole through a given STS client: an organisation
// collection shares one for every member account, so that its client-side
// limiter (retry.go) paces all the sts:AssumeRole calls, which AWS counts
// against the caller's account.
func assumeRoleWith(client *sts.Client, cfg aws.Config, roleARN, externalID, sessionName string) aws.Config {
	out := cfg.Copy()
	out.Credentials = aws.NewCredentialsCache(assumeRoleProvider(client, roleARN, externalID, sessionName))
	return out
}

// assumeRoleProvider assumes roleARN through client, uncached.
func assumeRoleProvider(client *sts.Client, roleARN, externalID, sessionName string) aws.CredentialsProvider {
	if sessionName == "" {
		sessionName = DefaultSessionName
	}
	return stscreds.NewAssumeRoleProvider(client, roleARN, func(ao *stscreds.AssumeRoleOptions) {
		ao.RoleSessionName = sessionName
		if externalID != "" {
			ao.ExternalID = aws.String(externalID)
		}
	})
}

// Identity is the caller of sts:GetCallerIdentity.
type Identity struct {
	Account string
	ARN     string
	UserID  string
}

// ErrEndpointUnreachable is wrapped by CallerIdentity's error when the
// endpoint could not be reached or did not answer (refused, reset,
// unresolvable, or timed out) after a few quick attempts.
var ErrEndpointUnreachable = errors.New("AWS endpoint unreachable")

// CallerIdentity asks STS who the credentials belong to. It is the first
// call of every collection, so that credential problems show at once.
// Throttling and server errors are retried as usual; connection errors only
// a few times, with short waits, so that an unreachable endpoint is
// reported in seconds (wrapping ErrEndpointUnreachable).
func CallerIdentity(ctx context.Context, cfg aws.Config) (Identity, error) {
	out, err := sts.NewFromConfig(cfg, func(so *sts.Options) {
		if r, ok := so.Retryer.(aws.RetryerV2); ok {
			so.Retryer = &firstCallRetryer{RetryerV2: r}
		}
		so.APIOptions = append(so.APIOptions, attemptDeadline(firstCallAttemptTimeout))
	}).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		if ctx.Err() == nil && isConnectionError(err) && ErrorCode(err) == "" {
			where := "the STS endpoint"
			if cfg.BaseEndpoint != nil {
				where = *cfg.BaseEndpoint
			}
			return Identity{}, fmt.Errorf("sts:GetCallerIdentity: %w: %s did not answer (%s)", ErrEndpointUnreachable, where, Reason(err))
		}
		if are := (*AssumeRoleError)(nil); errors.As(err, &are) {
			return Identity{}, are
		}
		return Identity{}, fmt.Errorf("sts:GetCallerIdentity: %w", credentialHint(err))
	}
	return Identity{Account: aws.ToString(out.Account), ARN: aws.ToString(out.Arn), UserID: aws.ToString(out.UserId)}, nil
}

// credentialHint adds what to do when no credentials were found.
func credentialHint(err error) error {
	msg := err.Error()
	if containsAny(msg, "failed to retrieve credentials", "no EC2 IMDS role found", "failed to refresh cached credentials") {
		return fmt.Errorf("no usable AWS credentials (set AWS_PROFILE or --profile, run 'aws sso login' for IAM Identity Center profiles, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY): %w", err)
	}
	return err
}
