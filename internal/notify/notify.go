// Package notify tells people about new or reopened findings and failed
// scans: a generic webhook (JSON, signed with HMAC-SHA256 in
// X-Iamspect-Signature), a Slack-compatible incoming webhook, and an SNS
// topic. Deliveries are retried with exponential backoff and logged. No
// payload carries a secret: events hold findings (rule, resource, message)
// and scan errors, never credentials, webhook URLs or signing keys, and
// errors are logged without the URL (a Slack URL is itself a secret).
package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"time"

	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/store"
)

// Schema names the shape of Event.
const Schema = "iamspect.notification/v1"

// Event kinds.
const (
	KindFindings   = "findings"
	KindScanFailed = "scan_failed"
)

// Event is what a channel is told, as JSON.
type Event struct {
	Schema   string    `json:"schema"`
	ID       string    `json:"id"`
	Kind     string    `json:"event"`
	Target   string    `json:"target"`
	ScanID   int64     `json:"scan_id"`
	At       time.Time `json:"at"`
	Findings []Finding `json:"findings,omitempty"`
	// Error says why a scan failed.
	Error string `json:"error,omitempty"`
}

// Finding is a new or reopened finding in an event.
type Finding struct {
	Fingerprint  string           `json:"fingerprint"`
	RuleID       string           `json:"rule_id"`
	Title        string           `json:"title,omitempty"`
	Severity     finding.Severity `json:"severity"`
	State        string           `json:"state"`
	AccountID    string           `json:"account_id"`
	ResourceARN  string           `json:"resource_arn"`
	ResourceName string           `json:"resource_name"`
	Message      string           `json:"message"`
}

// FindingOf copies a store finding into an event.
func FindingOf(f store.Finding) Finding {
	return Finding{Fingerprint: f.Fingerprint, RuleID: f.RuleID, Title: f.Title, Severity: f.Severity, State: f.State,
		AccountID: f.AccountID, ResourceARN: f.ResourceARN, ResourceName: f.ResourceName, Message: f.Message}
}

// Sender delivers one event body to a channel. It returns the HTTP status
// (0 when none) and whether a failure is worth retrying.
type Sender interface {
	Send(ctx context.Context, ev *Event, body []byte) (status int, retry bool, err error)
}

// Channel is a configured destination.
type Channel struct {
	Name        string
	Kind        string // webhook, slack, sns
	MinSeverity finding.Severity
	On          []string
	Targets     []string
	Attempts    int
	Backoff     time.Duration
	Sender      Sender
}

// Notifier sends events to channels and logs each delivery.
type Notifier struct {
	Channels []*Channel
	// Log records a delivery (the store's LogDelivery); may be nil.
	Log func(context.Context, store.Delivery) error
	// Now and Sleep are replaced by tests.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
}

// Notify sends ev to every channel that wants it, each in turn, and returns
// the deliveries. Findings below a channel's severity are left out; a
// findings event with nothing left is not sent.
func (n *Notifier) Notify(ctx context.Context, ev Event) []store.Delivery {
	var out []store.Delivery
	for _, ch := range n.Channels {
		e, ok := ch.filter(ev)
		if !ok {
			continue
		}
		d := n.deliver(ctx, ch, e)
		if n.Log != nil {
			// A delivery that cannot be logged is still reported to the caller.
			_ = n.Log(context.WithoutCancel(ctx), d)
		}
		out = append(out, d)
	}
	return out
}

func (ch *Channel) filter(ev Event) (*Event, bool) {
	if !slices.Contains(ch.On, ev.Kind) || len(ch.Targets) > 0 && !slices.Contains(ch.Targets, ev.Target) {
		return nil, false
	}
	e := ev
	e.Schema = Schema
	e.ID = fmt.Sprintf("%s-%d-%s", ev.Target, ev.ScanID, ev.Kind)
	if ev.Kind == KindFindings {
		e.Findings = nil
		for _, f := range ev.Findings {
			if f.Severity.Rank() >= ch.MinSeverity.Rank() {
				e.Findings = append(e.Findings, f)
			}
		}
		if len(e.Findings) == 0 {
			return nil, false
		}
	}
	return &e, true
}

func (n *Notifier) deliver(ctx context.Context, ch *Channel, ev *Event) store.Delivery {
	now, sleep := n.Now, n.Sleep
	if now == nil {
		now = time.Now
	}
	if sleep == nil {
		sleep = sleepCtx
	}
	d := store.Delivery{At: now(), Channel: ch.Name, Kind: ch.Kind, Event: ev.Kind, Target: ev.Target, ScanID: ev.ScanID}
	body, err := json.Marshal(ev)
	if err != nil {
		d.Error = err.Error()
		return d
	}
	wait := ch.Backoff
	for d.Attempts < max(ch.Attempts, 1) {
		if d.Attempts > 0 {
			if sleep(ctx, wait) != nil {
				break
			}
			wait *= 2
		}
		d.Attempts++
		status, retry, err := ch.Sender.Send(ctx, ev, body)
		d.HTTPStatus = status
		if err == nil {
			d.OK, d.Error = true, ""
			return d
		}
		d.Error = cleanError(err)
		if !retry {
			break
		}
	}
	return d
}

// cleanError drops the URL from HTTP client errors: a webhook URL may hold
// a secret (Slack's do).
func cleanError(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Op + ": " + ue.Err.Error()
	}
	return err.Error()
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
