package server

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/notify"
	"github.com/iamspect/iamspect/internal/store"
)

// BuildNotifier turns the configured notifications into channels, reading
// URLs and signing keys from the environment or files now, so that a
// missing secret stops the server at start rather than at the first event.
func BuildNotifier(ctx context.Context, c *Config, st store.Store) (*notify.Notifier, error) {
	n := &notify.Notifier{}
	if st != nil {
		n.Log = st.LogDelivery
	}
	client := &http.Client{Timeout: 15 * time.Second}
	for i := range c.Notifications {
		cfg := &c.Notifications[i]
		sev, _ := finding.ParseSeverity(cfg.MinSeverity)
		ch := &notify.Channel{Name: cfg.Name, Kind: cfg.Type, MinSeverity: sev, On: cfg.On, Targets: cfg.Targets,
			Attempts: cfg.Attempts, Backoff: cfg.Backoff.D()}
		url := cfg.URL
		if cfg.URLEnv != "" {
			if url = os.Getenv(cfg.URLEnv); url == "" {
				return nil, fmt.Errorf("notifications %s: url_env: the environment variable %s is not set", cfg.Name, cfg.URLEnv)
			}
			if err := checkURL(url); err != nil {
				return nil, fmt.Errorf("notifications %s: url_env %s: %w", cfg.Name, cfg.URLEnv, err)
			}
		}
		switch cfg.Type {
		case "webhook":
			secret, err := secretOf(cfg)
			if err != nil {
				return nil, fmt.Errorf("notifications %s: %w", cfg.Name, err)
			}
			ch.Sender = &notify.Webhook{URL: url, Secret: secret, Client: client}
		case "slack":
			ch.Sender = &notify.Slack{URL: url, Client: client}
		case "sns":
			var opts []func(*awsconfig.LoadOptions) error
			if cfg.Region != "" {
				opts = append(opts, awsconfig.WithRegion(cfg.Region))
			}
			if cfg.Profile != "" {
				opts = append(opts, awsconfig.WithSharedConfigProfile(cfg.Profile))
			}
			awsCfg, err := awsconfig.LoadDefaultConfig(ctx, opts...)
			if err != nil {
				return nil, fmt.Errorf("notifications %s: AWS configuration: %w", cfg.Name, err)
			}
			ch.Sender = &notify.SNS{TopicARN: cfg.TopicARN, Client: sns.NewFromConfig(awsCfg)}
		}
		n.Channels = append(n.Channels, ch)
	}
	return n, nil
}

func secretOf(cfg *Notification) ([]byte, error) {
	switch {
	case cfg.SecretEnv != "":
		v := os.Getenv(cfg.SecretEnv)
		if v == "" {
			return nil, fmt.Errorf("secret_env: the environment variable %s is not set", cfg.SecretEnv)
		}
		return []byte(v), nil
	case cfg.SecretFile != "":
		b, err := os.ReadFile(cfg.SecretFile)
		if err != nil {
			return nil, fmt.Errorf("secret_file: %w", err)
		}
		return []byte(strings.TrimSpace(string(b))), nil
	}
	return nil, nil
}
