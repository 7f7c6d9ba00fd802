package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/iamspect/iamspect/internal/wording"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/iamspect/iamspect/internal/version"
)

// SignatureHeader carries "sha256=" and the hex HMAC-SHA256 of the body.
const SignatureHeader = "X-Iamspect-Signature"

// Sign returns the signature header value of body under secret.
func Sign(secret, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Verify checks a signature header in constant time (for receivers, and tests).
func Verify(secret, body []byte, header string) bool {
	return hmac.Equal([]byte(Sign(secret, body)), []byte(header))
}

// Webhook posts the event's JSON, signed when Secret is set.
type Webhook struct {
	URL    string
	Secret []byte
	Client *http.Client
}

// Send posts the body.
func (w *Webhook) Send(ctx context.Context, ev *Event, body []byte) (int, bool, error) {
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("X-Iamspect-Event", ev.Kind)
	h.Set("X-Iamspect-Delivery", ev.ID)
	if len(w.Secret) > 0 {
		h.Set(SignatureHeader, Sign(w.Secret, body))
	}
	return post(ctx, w.Client, w.URL, h, body)
}

// Slack posts a Slack-compatible incoming-webhook message ("text" in
// Slack's mrkdwn) summarising the event.
type Slack struct {
	URL    string
	Client *http.Client
}

// Send posts the message.
func (s *Slack) Send(ctx context.Context, ev *Event, _ []byte) (int, bool, error) {
	body, err := json.Marshal(map[string]string{"text": SlackText(ev)})
	if err != nil {
		return 0, false, err
	}
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	return post(ctx, s.Client, s.URL, h, body)
}

// SlackText is the message: a headline and one line per finding (at most
// 20), with Slack's control characters escaped.
func SlackText(ev *Event) string {
	esc := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace
	var b strings.Builder
	switch ev.Kind {
	case KindScanFailed:
		fmt.Fprintf(&b, ":x: iamspect: scan %d of *%s* failed: %s", ev.ScanID, esc(ev.Target), esc(ev.Error))
	default:
		fmt.Fprintf(&b, ":rotating_light: iamspect: %s on *%s* (scan %d)", wording.CountAs(len(ev.Findings), "new or reopened finding", "new or reopened findings"), esc(ev.Target), ev.ScanID)
		for i, f := range ev.Findings {
			if i == 20 {
				fmt.Fprintf(&b, "\n… and %d more", len(ev.Findings)-20)
				break
			}
			fmt.Fprintf(&b, "\n• *%s* %s `%s` %s: %s", strings.ToUpper(string(f.Severity)), f.State, esc(f.RuleID), esc(f.ResourceName), esc(f.Message))
		}
	}
	return b.String()
}

func post(ctx context.Context, c *http.Client, url string, h http.Header, body []byte) (int, bool, error) {
	if c == nil {
		c = http.DefaultClient
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, false, fmt.Errorf("bad webhook URL") // the URL may be a secret: not repeated
	}
	req.Header = h
	req.Header.Set("User-Agent", "iamspect/"+version.String())
	resp, err := c.Do(req)
	if err != nil {
		return 0, ctx.Err() == nil, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16)) // drained for connection reuse; its content is not used
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return resp.StatusCode, false, nil
	}
	retry := resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusRequestTimeout
	return resp.StatusCode, retry, fmt.Errorf("HTTP %d", resp.StatusCode)
}

// SNS publishes the event's JSON to a topic.
type SNS struct {
	TopicARN string
	Client   *sns.Client
}

// Send publishes the body, with a short subject.
func (s *SNS) Send(ctx context.Context, ev *Event, body []byte) (int, bool, error) {
	subject := fmt.Sprintf("iamspect: %s on %s", ev.Kind, ev.Target)
	if len(subject) > 99 {
		subject = subject[:99]
	}
	_, err := s.Client.Publish(ctx, &sns.PublishInput{TopicArn: aws.String(s.TopicARN), Message: aws.String(string(body)), Subject: aws.String(subject)})
	if err != nil {
		return 0, ctx.Err() == nil, err // the SDK already retried; one more round after the backoff
	}
	return 200, false, nil
}
