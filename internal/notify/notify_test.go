package notify

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/store"
)

func event() Event {
	return Event{Kind: KindFindings, Target: "prod", ScanID: 7, At: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
		Findings: []Finding{
			{Fingerprint: "f1", RuleID: "root-access-keys", Severity: finding.Critical, State: "new", ResourceName: "<root>", Message: "root has a key & more"},
			{Fingerprint: "f2", RuleID: "user-mfa", Severity: finding.Low, State: "reopened", ResourceName: "bob", Message: "no MFA"},
		}}
}

type recorder struct {
	mu     sync.Mutex
	bodies [][]byte
	heads  []http.Header
	fail   int // answer 503 this many times first
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	b, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.bodies, r.heads = append(r.bodies, b), append(r.heads, req.Header.Clone())
	if r.fail > 0 {
		r.fail--
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func noSleep(context.Context, time.Duration) error { return nil }

// A webhook gets the findings at or above its severity, signed; a 503 is
// retried; the delivery is logged with its attempts.
func TestWebhookSignedRetried(t *testing.T) {
	rec := &recorder{fail: 1}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	secret := []byte("hmac-key")
	var logged []store.Delivery
	n := &Notifier{Sleep: noSleep, Log: func(_ context.Context, d store.Delivery) error { logged = append(logged, d); return nil },
		Channels: []*Channel{{Name: "hook", Kind: "webhook", MinSeverity: finding.High, On: []string{KindFindings}, Attempts: 3,
			Backoff: time.Millisecond, Sender: &Webhook{URL: srv.URL, Secret: secret}}}}
	ds := n.Notify(context.Background(), event())
	if len(ds) != 1 || !ds[0].OK || ds[0].Attempts != 2 || len(logged) != 1 {
		t.Fatalf("deliveries %+v, logged %+v", ds, logged)
	}
	body := rec.bodies[1]
	if !Verify(secret, body, rec.heads[1].Get(SignatureHeader)) || !strings.HasPrefix(rec.heads[1].Get(SignatureHeader), "sha256=") {
		t.Fatalf("bad signature %q", rec.heads[1].Get(SignatureHeader))
	}
	var ev Event
	if err := json.Unmarshal(body, &ev); err != nil {
		t.Fatal(err)
	}
	if ev.Schema != Schema || ev.ID != "prod-7-findings" || len(ev.Findings) != 1 || ev.Findings[0].Fingerprint != "f1" {
		t.Fatalf("event %+v", ev)
	}
	if strings.Contains(string(body), "hmac-key") {
		t.Fatal("the secret is in the payload")
	}
	// Nothing at or above critical for a scan_failed-only channel.
	n.Channels[0].On = []string{KindScanFailed}
	if ds := n.Notify(context.Background(), event()); len(ds) != 0 {
		t.Fatalf("sent to a channel that does not want findings: %+v", ds)
	}
}

// A 4xx is not retried; the error names the status, never the URL.
func TestWebhookClientErrorNotRetried(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusForbidden) }))
	defer srv.Close()
	n := &Notifier{Sleep: noSleep, Channels: []*Channel{{Name: "hook", Kind: "webhook", On: []string{KindScanFailed}, Attempts: 4,
		Sender: &Webhook{URL: srv.URL + "/T000/secret-path"}}}}
	ds := n.Notify(context.Background(), Event{Kind: KindScanFailed, Target: "prod", Error: "boom"})
	if len(ds) != 1 || ds[0].OK || ds[0].Attempts != 1 || ds[0].HTTPStatus != 403 {
		t.Fatalf("%+v", ds)
	}
	// A connection failure is retried and logged without the URL.
	srv.Close()
	ds = n.Notify(context.Background(), Event{Kind: KindScanFailed, Target: "prod", Error: "boom"})
	if ds[0].OK || ds[0].Attempts != 4 || strings.Contains(ds[0].Error, "secret-path") || ds[0].Error == "" {
		t.Fatalf("%+v", ds[0])
	}
}

func TestSlackPayload(t *testing.T) {
	rec := &recorder{}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	n := &Notifier{Sleep: noSleep, Channels: []*Channel{{Name: "slack", Kind: "slack", MinSeverity: finding.Low, On: []string{KindFindings}, Attempts: 1,
		Sender: &Slack{URL: srv.URL}}}}
	if ds := n.Notify(context.Background(), event()); len(ds) != 1 || !ds[0].OK {
		t.Fatalf("%+v", ds)
	}
	var msg map[string]string
	if err := json.Unmarshal(rec.bodies[0], &msg); err != nil {
		t.Fatal(err)
	}
	text := msg["text"]
	for _, want := range []string{"2 new or reopened findings on *prod*", "*CRITICAL* new `root-access-keys` &lt;root&gt;: root has a key &amp; more", "*LOW* reopened"} {
		if !strings.Contains(text, want) {
			t.Errorf("slack text lacks %q:\n%s", want, text)
		}
	}
}

// SNS: the SDK's Publish reaches a loopback fake of the SNS Query API with
// the event as the message.
func TestSNSPublish(t *testing.T) {
	var got url.Values
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		got = r.PostForm
		w.Header().Set("Content-Type", "text/xml")
		io.WriteString(w, `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>m-1</MessageId></PublishResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></PublishResponse>`)
	}))
	defer srv.Close()
	client := sns.NewFromConfig(aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "not-a-secret", "")},
		func(o *sns.Options) { o.BaseEndpoint = aws.String(srv.URL) })
	n := &Notifier{Sleep: noSleep, Channels: []*Channel{{Name: "topic", Kind: "sns", MinSeverity: finding.High, On: []string{KindFindings}, Attempts: 1,
		Sender: &SNS{TopicARN: "arn:aws:sns:us-east-1:111122223333:iamspect", Client: client}}}}
	if ds := n.Notify(context.Background(), event()); len(ds) != 1 || !ds[0].OK {
		t.Fatalf("%+v", ds)
	}
	if got.Get("Action") != "Publish" || got.Get("TopicArn") != "arn:aws:sns:us-east-1:111122223333:iamspect" || !strings.Contains(got.Get("Message"), `"rule_id":"root-access-keys"`) {
		t.Fatalf("publish request %v", got)
	}
}
