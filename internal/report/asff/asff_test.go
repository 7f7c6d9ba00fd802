package asff_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/iamspect/iamspect/internal/demo"
	"github.com/iamspect/iamspect/internal/engine"
	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/report"
	"github.com/iamspect/iamspect/internal/report/asff"
	"github.com/iamspect/iamspect/internal/sandbox"
)

func demoReport(t *testing.T) *report.Report {
	t.Helper()
	at := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	out, err := engine.Scan(context.Background(), demo.Snapshot(), engine.Options{Clock: func() time.Time { return at }})
	if err != nil {
		t.Fatal(err)
	}
	return out.Report
}

// Every result becomes one finding with the attributes Security Hub
// requires, within its limits; Ids are unique and follow the fingerprint;
// times are the scan's, whatever the clock says when rendering.
func TestFindingsOfTheDemo(t *testing.T) {
	rep := demoReport(t)
	var buf bytes.Buffer
	if err := asff.Write(&buf, rep, asff.Options{}); err != nil {
		t.Fatal(err)
	}
	var fs []map[string]any
	if err := json.Unmarshal(buf.Bytes(), &fs); err != nil {
		t.Fatal(err)
	}
	if len(fs) != rep.Results.Len() {
		t.Fatalf("%d findings for %d results", len(fs), rep.Results.Len())
	}
	ids := map[string]bool{}
	statuses := map[string]int{}
	for i, f := range fs {
		res := rep.Results.Slice()[i]
		for _, k := range []string{"SchemaVersion", "Id", "ProductArn", "GeneratorId", "AwsAccountId", "Types",
			"CreatedAt", "UpdatedAt", "Severity", "Title", "Description", "Resources", "Compliance", "Workflow", "RecordState"} {
			if f[k] == nil {
				t.Fatalf("finding %d lacks %s", i, k)
			}
		}
		id := f["Id"].(string)
		if ids[id] || id != asff.ID(res.Fingerprint) {
			t.Errorf("Id %s (fingerprint %s)", id, res.Fingerprint)
		}
		ids[id] = true
		if f["CreatedAt"] != "2026-11-23T08:00:00.000Z" || f["UpdatedAt"] != f["CreatedAt"] {
			t.Errorf("times %v %v", f["CreatedAt"], f["UpdatedAt"])
		}
		want := "arn:aws:securityhub:us-east-1:" + res.AccountID + ":product/" + res.AccountID + "/default"
		if f["ProductArn"] != want || f["AwsAccountId"] != res.AccountID || f["GeneratorId"] != "iamspect/"+res.RuleID {
			t.Errorf("product %v account %v generator %v", f["ProductArn"], f["AwsAccountId"], f["GeneratorId"])
		}
		if n := utf8.RuneCountInString(f["Title"].(string)); n > 256 {
			t.Errorf("title of %d characters", n)
		}
		if n := utf8.RuneCountInString(f["Description"].(string)); n > 1024 {
			t.Errorf("description of %d characters", n)
		}
		st := f["Compliance"].(map[string]any)["Status"].(string)
		statuses[string(res.Status)+"->"+st]++
		for _, ty := range f["Types"].([]any) {
			if !strings.HasPrefix(ty.(string), "Software and Configuration Checks/") {
				t.Errorf("type %v", ty)
			}
		}
		r0 := f["Resources"].([]any)[0].(map[string]any)
		switch res.ResourceType {
		case finding.TypeUser:
			if r0["Type"] != "AwsIamUser" || r0["Id"] != res.ResourceARN {
				t.Errorf("user resource %v", r0)
			}
		case finding.TypeRoot, finding.TypeAccount:
			if r0["Type"] != "AwsAccount" || r0["Id"] != "AWS::::Account:"+res.AccountID {
				t.Errorf("account resource %v", r0)
			}
		}
		if r0["Partition"] != "aws" || r0["Region"] != "us-east-1" {
			t.Errorf("resource %v", r0)
		}
		pf := f["ProductFields"].(map[string]any)
		if pf["iamspect/Fingerprint"] != res.Fingerprint || pf["ProviderName"] != "iamspect" {
			t.Errorf("product fields %v", pf)
		}
	}
	if statuses["FAIL->FAILED"] == 0 || statuses["PASS->PASSED"] == 0 || len(statuses) != 2 {
		t.Errorf("statuses %v", statuses)
	}
}

// Region and product ARN options; MUTED, UNKNOWN and long texts.
func TestOptionsAndEdges(t *testing.T) {
	rep := demoReport(t)
	rep.Results = finding.ListOf(rep.Results.Slice()[:3])
	rep.Results.Slice()[0].Status = finding.Muted
	rep.Results.Slice()[0].MuteReason = "accepted until the migration"
	rep.Results.Slice()[1].Status = finding.Unknown
	rep.Results.Slice()[1].MissingInputs = []string{"credential_report"}
	rep.Results.Slice()[2].Message = strings.Repeat("é", 2000)
	rep.Results = finding.ListOf(append(rep.Results.Slice(), rep.Results.Slice()[2])) // one fingerprint twice
	fs, err := asff.Findings(rep, asff.Options{Region: "eu-west-1", ProductARN: "arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default"})
	if err != nil {
		t.Fatal(err)
	}
	if fs[0].Compliance.Status != "FAILED" || fs[0].Workflow.Status != "SUPPRESSED" || fs[0].ProductFields["iamspect/MuteReason"] == "" {
		t.Errorf("muted: %+v %+v", fs[0].Compliance, fs[0].Workflow)
	}
	if fs[1].Compliance.Status != "NOT_AVAILABLE" || fs[1].ProductFields["iamspect/MissingInputs"] != "credential_report" {
		t.Errorf("unknown: %+v", fs[1].Compliance)
	}
	if d := fs[2].Description; utf8.RuneCountInString(d) > 1024 || len(d) > 1024 || !utf8.ValidString(d) || !strings.HasSuffix(d, "...") {
		t.Errorf("description of %d bytes", len(d))
	}
	if fs[3].ID != fs[2].ID+"/2" {
		t.Errorf("duplicate Ids %s %s", fs[2].ID, fs[3].ID)
	}
	if fs[0].Region != "eu-west-1" || fs[0].Resources[0].Region != "eu-west-1" || !strings.Contains(fs[0].ProductArn, "eu-west-1") {
		t.Errorf("region: %+v", fs[0])
	}
	if _, err := asff.Findings(rep, asff.Options{Region: "a-region-name-far-too-long"}); err == nil {
		t.Error("a region over 16 characters was accepted")
	}
}

// The real AWS CLI accepts the file for 'aws securityhub
// batch-import-findings --findings file://...': its own client-side
// parameter validation runs, then the request goes over HTTP to the
// sandbox's Security Hub, which checks each finding as AWS does. Every
// finding of the demo is sent, 100 per call, each account's with
// credentials acting in that account.
func TestAWSCLIImportsTheFile(t *testing.T) {
	aws, err := exec.LookPath("aws")
	if err != nil {
		t.Skip("the AWS CLI is not on PATH (apt-get install awscli; .ci/run installs it): ASFF not checked by the real CLI")
	}
	if testing.Short() {
		t.Skip("slow: starts the AWS CLI once per 100 findings")
	}
	srv, err := sandbox.New(demo.Snapshot(), sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	rep := demoReport(t)
	fs, err := asff.Findings(rep, asff.Options{})
	if err != nil {
		t.Fatal(err)
	}
	byAccount := map[string][]asff.Finding{}
	for _, f := range fs {
		byAccount[f.AwsAccountID] = append(byAccount[f.AwsAccountID], f)
	}
	dir := t.TempDir()
	type job struct{ file, key string }
	var jobs []job
	for acct, list := range byAccount {
		// The sandbox's session keys name the account they act in.
		key := sandbox.DummyAccessKeyID
		if acct != demo.AccountID {
			key = "ASIA" + acct + "0001"
		}
		for i := 0; i < len(list); i += asff.MaxBatch {
			data, _ := json.Marshal(list[i:min(i+asff.MaxBatch, len(list))])
			file := filepath.Join(dir, fmt.Sprintf("%s-%d.json", acct, i))
			if err := os.WriteFile(file, data, 0o600); err != nil {
				t.Fatal(err)
			}
			jobs = append(jobs, job{file, key})
		}
	}
	var mu sync.Mutex
	success := 0
	var wg sync.WaitGroup
	sem := make(chan struct{}, 3)
	for _, j := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			cmd := exec.Command(aws, "--endpoint-url", ts.URL, "--region", "us-east-1", "--output", "json",
				"securityhub", "batch-import-findings", "--findings", "file://"+j.file)
			cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "AWS_ACCESS_KEY_ID=" + j.key,
				"AWS_SECRET_ACCESS_KEY=" + sandbox.DummySecretAccessKey, "AWS_DEFAULT_REGION=us-east-1",
				"AWS_CONFIG_FILE=" + filepath.Join(dir, "none"), "AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(dir, "none"),
				"AWS_EC2_METADATA_DISABLED=true", "AWS_PAGER="}
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Errorf("%s: %v\n%s", filepath.Base(j.file), err, stderr.String())
				return
			}
			var resp struct {
				FailedCount, SuccessCount int
				FailedFindings            []map[string]string
			}
			if err := json.Unmarshal(stdout.Bytes(), &resp); err != nil || resp.FailedCount != 0 {
				t.Errorf("%s: %v %s", filepath.Base(j.file), err, stdout.String())
			}
			mu.Lock()
			success += resp.SuccessCount
			mu.Unlock()
		}()
	}
	wg.Wait()
	if success != len(fs) || len(srv.SecurityHubFindings()) != len(fs) {
		t.Errorf("the CLI imported %d of %d findings; the sandbox holds %d", success, len(fs), len(srv.SecurityHubFindings()))
	}
}

// Streaming keeps the shape of one JSON array, also when empty.
func TestWriteEmptyAndStreamed(t *testing.T) {
	var buf bytes.Buffer
	if err := asff.Write(&buf, &report.Report{}, asff.Options{}); err != nil || buf.String() != "[]\n" {
		t.Fatalf("%q %v", buf.String(), err)
	}
	rep := demoReport(t)
	buf.Reset()
	if err := asff.Write(&buf, rep, asff.Options{}); err != nil {
		t.Fatal(err)
	}
	fs, _ := asff.Findings(rep, asff.Options{})
	want, _ := json.MarshalIndent(fs, "", "  ")
	var a, b any
	if json.Unmarshal(buf.Bytes(), &a) != nil || json.Unmarshal(want, &b) != nil || fmt.Sprint(a) != fmt.Sprint(b) {
		t.Error("the streamed array differs from the findings")
	}
}
