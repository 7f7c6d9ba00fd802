package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// MaxReportBytes bounds a report file read back: far above any real
// organisation's report, low enough to refuse a hostile file before
// decoding it whole.
const MaxReportBytes = 1 << 30

// Load reads a JSON report written by this or an earlier version of
// iamspect, migrating it to SchemaVersion.
func Load(path string) (*Report, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() && st.Size() > MaxReportBytes {
		return nil, fmt.Errorf("%s: %d bytes, more than the %d a report can hold", path, st.Size(), MaxReportBytes)
	}
	r, err := Read(io.LimitReader(f, MaxReportBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return r, nil
}

// Read decodes a JSON report of any known major schema version. Fields a
// newer minor version added are ignored.
func Read(in io.Reader) (*Report, error) {
	data, err := io.ReadAll(in)
	if err != nil {
		return nil, err
	}
	if len(data) > MaxReportBytes {
		return nil, fmt.Errorf("more than the %d bytes a report can hold", MaxReportBytes)
	}
	var head struct {
		SchemaVersion string `json:"schema_version"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, fmt.Errorf("not an iamspect JSON report: %w", err)
	}
	major, err := majorOf(head.SchemaVersion)
	if err != nil {
		return nil, err
	}
	migrations := map[int]func([]byte) ([]byte, error){1: migrate1to2}
	for ; major < currentMajor(); major++ {
		if data, err = migrations[major](data); err != nil {
			return nil, fmt.Errorf("migrating schema %d: %w", major, err)
		}
	}
	var r Report
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("not an iamspect JSON report: %w", err)
	}
	r.SchemaVersion = SchemaVersion
	return &r, nil
}

func currentMajor() int {
	m, _ := strconv.Atoi(strings.SplitN(SchemaVersion, ".", 2)[0])
	return m
}

// majorOf parses "1" or "2.0" style versions and refuses unknown majors.
func majorOf(v string) (int, error) {
	if v == "" {
		return 0, fmt.Errorf("no schema_version: not an iamspect JSON report")
	}
	m, err := strconv.Atoi(strings.SplitN(v, ".", 2)[0])
	if err != nil || m < 1 {
		return 0, fmt.Errorf("schema_version %q is not a version this build knows", v)
	}
	if cur := currentMajor(); m > cur {
		return 0, fmt.Errorf("report schema %s is newer than this build reads (%d.x): upgrade iamspect", v, cur)
	}
	return m, nil
}

// migrate1to2: schema 1 carried a rule's remediation as one string; schema 2
// carries the summary, console, CLI and Terraform steps as an object.
func migrate1to2(data []byte) ([]byte, error) {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	var ruleList []map[string]json.RawMessage
	if raw, ok := doc["rules"]; ok && string(raw) != "null" {
		if err := json.Unmarshal(raw, &ruleList); err != nil {
			return nil, fmt.Errorf("rules: %w", err)
		}
	}
	for _, r := range ruleList {
		var summary string
		if raw, ok := r["remediation"]; ok && json.Unmarshal(raw, &summary) == nil {
			r["remediation"], _ = json.Marshal(Remediation{Summary: summary})
		}
	}
	if ruleList != nil {
		doc["rules"], _ = json.Marshal(ruleList)
	}
	doc["schema_version"], _ = json.Marshal("2.0")
	return json.Marshal(doc)
}
