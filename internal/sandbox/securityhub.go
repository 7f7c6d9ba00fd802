package sandbox

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// AWS Security Hub (REST-JSON, signing name "securityhub"): the two calls
// a finding provider makes, BatchImportFindings (POST /findings/import) and
// GetFindings (POST /findings), over an in-memory store per server. Imported
// findings are checked as Security Hub checks them: at most 100 per call and
// 6 MB (else the whole call fails), and per finding the required attributes,
// enums, length limits, the product ARN of the caller's own account and
// region, and the 240 KB size — a finding that fails is listed in
// FailedFindings with an ErrorCode and ErrorMessage, and the others are
// imported. Re-importing an Id updates the finding but keeps its Workflow
// (Security Hub ignores imported Workflow, Note, UserDefinedFields and
// VerificationState for findings it has), and applies Security Hub's
// automatic workflow changes: ARCHIVED or PASSED resolves a NEW or NOTIFIED
// finding; ACTIVE again, or failing again, reopens a RESOLVED one.

const svcSecurityHub = "securityhub"

var securityHubHandlers = map[string]handler{
	"BatchImportFindings": batchImportFindings,
	"GetFindings":         getFindings,
}

// The hook into routing: the signing name, the protocol and the handlers.
func init() {
	signingNames["securityhub"] = svcSecurityHub
	handlers[svcSecurityHub] = securityHubHandlers
	protocols[svcSecurityHub] = protoRESTJSON
}

// securityHubAction maps Security Hub's REST paths to actions.
func securityHubAction(method, path string) string {
	if method != http.MethodPost {
		return ""
	}
	switch path {
	case "/findings/import":
		return "BatchImportFindings"
	case "/findings":
		return "GetFindings"
	}
	return ""
}

// hubStore holds imported findings, in import order.
type hubStore struct {
	once     sync.Once
	mu       sync.Mutex
	order    []string // keys, first import first
	findings map[string]map[string]any
}

// hub returns the server's Security Hub store.
func (s *Server) hub() *hubStore {
	s.securityHub.once.Do(func() { s.securityHub.findings = map[string]map[string]any{} })
	return &s.securityHub
}

// SecurityHubFindings returns the findings Security Hub holds for the
// server, in import order (for tests).
func (s *Server) SecurityHubFindings() []map[string]any {
	h := s.hub()
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]map[string]any, 0, len(h.order))
	for _, k := range h.order {
		out = append(out, h.findings[k])
	}
	return out
}

func hubError(status int, code, msg string) *apiError {
	return &apiError{Status: status, Code: code, Message: msg}
}

const (
	hubMaxBatch        = 100
	hubMaxFindingBytes = 240 * 1024
	hubMaxRequestBytes = 6 << 20
)

type importError struct {
	ID           string `json:"Id"`
	ErrorCode    string `json:"ErrorCode"`
	ErrorMessage string `json:"ErrorMessage"`
}

func batchImportFindings(s *Server, c *call) (any, *apiError) {
	if len(c.body) > hubMaxRequestBytes {
		return nil, hubError(413, "InvalidInputException", "the request is larger than the 6 MB BatchImportFindings takes")
	}
	var in struct {
		Findings []json.RawMessage `json:"Findings"`
	}
	if err := json.Unmarshal(c.body, &in); err != nil {
		return nil, hubError(400, "InvalidInputException", "cannot decode request: "+err.Error())
	}
	if in.Findings == nil {
		return nil, hubError(400, "InvalidInputException", "Findings is a required parameter")
	}
	if len(in.Findings) > hubMaxBatch {
		return nil, hubError(400, "InvalidInputException",
			"1 validation error detected: Value at 'findings' failed to satisfy constraint: Member must have length less than or equal to 100")
	}
	h := s.hub()
	h.mu.Lock()
	defer h.mu.Unlock()
	failed := []importError{}
	ok := 0
	for _, raw := range in.Findings {
		var f map[string]any
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if err := dec.Decode(&f); err != nil || f == nil {
			failed = append(failed, importError{"", "InvalidInput", "Finding is not a JSON object"})
			continue
		}
		id, _ := f["Id"].(string)
		if len(raw) > hubMaxFindingBytes {
			failed = append(failed, importError{id, "FindingSizeExceeded", "Finding exceeds the 240 KB size limit"})
			continue
		}
		if code, msg := s.checkFinding(c, f); code != "" {
			failed = append(failed, importError{id, code, msg})
			continue
		}
		h.upsert(f, c.region)
		ok++
	}
	return map[string]any{"FailedCount": len(failed), "SuccessCount": ok, "FailedFindings": failed}, nil
}

// checkFinding validates one finding as ASFF and as the caller's to import.
func (s *Server) checkFinding(c *call, f map[string]any) (code, msg string) {
	bad := func(format string) (string, string) {
		return "InvalidInput", "Finding does not adhere to Amazon Web Services Security Finding Format. " + format
	}
	for _, k := range []string{"SchemaVersion", "Id", "ProductArn", "GeneratorId", "AwsAccountId", "Types",
		"CreatedAt", "UpdatedAt", "Severity", "Title", "Description", "Resources"} {
		if _, ok := f[k]; !ok {
			return bad("data should have required property '" + k + "'")
		}
	}
	str := func(k string, max int) (string, bool) {
		v, ok := f[k].(string)
		return v, ok && strings.TrimSpace(v) != "" && len([]rune(v)) <= max
	}
	for k, max := range map[string]int{"Id": 512, "ProductArn": 512, "GeneratorId": 512, "AwsAccountId": 12,
		"Title": 256, "Description": 1024, "SchemaVersion": 32, "CreatedAt": 64, "UpdatedAt": 64} {
		if _, ok := str(k, max); !ok {
			return bad("data." + k + " should be a non-empty string of at most " + itoa(max) + " characters")
		}
	}
	if f["SchemaVersion"] != "2018-10-08" {
		return bad("data.SchemaVersion should be equal to one of the allowed values: 2018-10-08")
	}
	for _, k := range []string{"CreatedAt", "UpdatedAt", "FirstObservedAt", "LastObservedAt"} {
		if v, ok := f[k].(string); ok {
			if _, err := time.Parse(time.RFC3339Nano, v); err != nil {
				return bad("data." + k + " should match format \"date-time\"")
			}
		}
	}
	acct := f["AwsAccountId"].(string)
	if len(acct) != 12 || strings.Trim(acct, "0123456789") != "" {
		return bad("data.AwsAccountId should match pattern \"^[0-9]{12}$\"")
	}
	want := "arn:" + partition(c.acct) + ":securityhub:" + c.region + ":" + c.acct.ID + ":product/" + c.acct.ID + "/default"
	if f["ProductArn"] != want {
		return "AccessDeniedException", "The product ARN " + f["ProductArn"].(string) +
			" is not a product this account (" + c.acct.ID + ") may import findings for in " + c.region +
			" (the iamspect sandbox accepts only the account's default product, " + want + ")"
	}
	if acct != c.acct.ID {
		return "AccessDeniedException", "Account " + c.acct.ID + " may not import findings for account " + acct +
			" under its default product: the finding's AwsAccountId must be the caller's account"
	}
	types, ok := f["Types"].([]any)
	if !ok || len(types) == 0 || len(types) > 50 {
		return bad("data.Types should be a list of 1 to 50 types")
	}
	for _, t := range types {
		ts, _ := t.(string)
		parts := strings.Split(ts, "/")
		if len(parts) < 1 || len(parts) > 3 || !slices.Contains(hubTypeNamespaces, parts[0]) {
			return bad("data.Types should be namespace/category/classifier with a namespace of " + strings.Join(hubTypeNamespaces, ", ") + ": " + ts)
		}
	}
	sev, ok := f["Severity"].(map[string]any)
	if !ok {
		return bad("data.Severity should be an object")
	}
	if l, has := sev["Label"]; has {
		if !slices.Contains([]string{"INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"}, l.(string)) {
			return bad("data.Severity.Label should be equal to one of the allowed values")
		}
	} else if _, has := sev["Normalized"]; !has {
		return bad("data.Severity should have Label or Normalized")
	}
	resources, ok := f["Resources"].([]any)
	if !ok || len(resources) == 0 || len(resources) > 32 {
		return bad("data.Resources should be a list of 1 to 32 resources")
	}
	for _, r := range resources {
		rm, _ := r.(map[string]any)
		typ, _ := rm["Type"].(string)
		rid, _ := rm["Id"].(string)
		if strings.TrimSpace(typ) == "" || len(typ) > 256 || strings.TrimSpace(rid) == "" || len(rid) > 512 {
			return bad("data.Resources[] should have a Type (at most 256 characters) and an Id (at most 512)")
		}
		if reg, has := rm["Region"].(string); has && (reg == "" || len(reg) > 16) {
			return bad("data.Resources[].Region should be 1 to 16 characters")
		}
		if p, has := rm["Partition"].(string); has && !slices.Contains([]string{"aws", "aws-cn", "aws-us-gov"}, p) {
			return bad("data.Resources[].Partition should be equal to one of the allowed values")
		}
	}
	if rem, ok := f["Remediation"].(map[string]any); ok {
		if rec, ok := rem["Recommendation"].(map[string]any); ok {
			if t, ok := rec["Text"].(string); ok && len([]rune(t)) > 512 {
				return bad("data.Remediation.Recommendation.Text should NOT be longer than 512 characters")
			}
		}
	}
	if comp, ok := f["Compliance"].(map[string]any); ok {
		if st, has := comp["Status"]; has && !slices.Contains([]string{"PASSED", "WARNING", "FAILED", "NOT_AVAILABLE"}, st.(string)) {
			return bad("data.Compliance.Status should be equal to one of the allowed values")
		}
		if reqs, ok := comp["RelatedRequirements"].([]any); ok && len(reqs) > 32 {
			return bad("data.Compliance.RelatedRequirements should NOT have more than 32 items")
		}
	}
	if st, has := f["RecordState"]; has && st != "ACTIVE" && st != "ARCHIVED" {
		return bad("data.RecordState should be equal to one of the allowed values")
	}
	if wf, ok := f["Workflow"].(map[string]any); ok {
		if st, has := wf["Status"]; has && !slices.Contains([]string{"NEW", "NOTIFIED", "RESOLVED", "SUPPRESSED"}, st.(string)) {
			return bad("data.Workflow.Status should be equal to one of the allowed values")
		}
	}
	if pf, ok := f["ProductFields"].(map[string]any); ok {
		if len(pf) > 50 {
			return bad("data.ProductFields should NOT have more than 50 properties")
		}
		for k, v := range pf {
			vs, _ := v.(string)
			if len(k) > 128 || len(vs) > 2048 || strings.TrimSpace(vs) == "" {
				return bad("data.ProductFields keys are at most 128 characters and values 1 to 2048")
			}
		}
	}
	return "", ""
}

// hubTypeNamespaces are the namespaces ASFF finding types may use.
var hubTypeNamespaces = []string{"Software and Configuration Checks", "TTPs", "Effects",
	"Unusual Behaviors", "Sensitive Data Identifications"}

// upsert stores a finding, keeping what Security Hub keeps of an existing one.
func (h *hubStore) upsert(f map[string]any, region string) {
	key := f["ProductArn"].(string) + "\x00" + f["Id"].(string)
	if _, ok := f["RecordState"]; !ok {
		f["RecordState"] = "ACTIVE"
	}
	if _, ok := f["ProductName"]; !ok {
		f["ProductName"] = "Default"
	}
	if _, ok := f["CompanyName"]; !ok {
		f["CompanyName"] = "Personal"
	}
	f["Region"] = region
	f["ProcessedAt"] = time.Now().UTC().Format("2006-01-02T15:04:05.000Z")
	old, exists := h.findings[key]
	if !exists {
		if _, ok := f["Workflow"]; !ok {
			f["Workflow"] = map[string]any{"Status": "NEW"}
		}
		f["WorkflowState"] = "NEW"
		h.order = append(h.order, key)
		h.findings[key] = f
		return
	}
	for _, k := range []string{"Workflow", "WorkflowState", "Note", "UserDefinedFields", "VerificationState"} {
		if v, ok := old[k]; ok {
			f[k] = v
		} else {
			delete(f, k)
		}
	}
	status := workflowOf(old)
	oldComp, newComp := complianceOf(old), complianceOf(f)
	switch {
	case (status == "NEW" || status == "NOTIFIED") &&
		((old["RecordState"] == "ACTIVE" && f["RecordState"] == "ARCHIVED") || (oldComp != "PASSED" && oldComp != "" && newComp == "PASSED")):
		status = "RESOLVED"
	case (status == "RESOLVED" || status == "NOTIFIED") &&
		((old["RecordState"] == "ARCHIVED" && f["RecordState"] == "ACTIVE") || (oldComp == "PASSED" && newComp != "PASSED" && newComp != "")):
		status = "NEW"
	}
	f["Workflow"] = map[string]any{"Status": status}
	h.findings[key] = f
}

func workflowOf(f map[string]any) string {
	if wf, ok := f["Workflow"].(map[string]any); ok {
		if s, ok := wf["Status"].(string); ok {
			return s
		}
	}
	return "NEW"
}

func complianceOf(f map[string]any) string {
	if c, ok := f["Compliance"].(map[string]any); ok {
		s, _ := c["Status"].(string)
		return s
	}
	return ""
}

type hubStringFilter struct {
	Value      string `json:"Value"`
	Comparison string `json:"Comparison"`
}

type hubMapFilter struct {
	Key        string `json:"Key"`
	Value      string `json:"Value"`
	Comparison string `json:"Comparison"`
}

// hubStringFields are the string filters the sandbox implements, with the
// finding attribute each reads.
var hubStringFields = map[string]func(map[string]any) []string{
	"ProductArn":       attr("ProductArn"),
	"AwsAccountId":     attr("AwsAccountId"),
	"Id":               attr("Id"),
	"GeneratorId":      attr("GeneratorId"),
	"Region":           attr("Region"),
	"Title":            attr("Title"),
	"ProductName":      attr("ProductName"),
	"CompanyName":      attr("CompanyName"),
	"RecordState":      attr("RecordState"),
	"Type":             func(f map[string]any) []string { return strs(f["Types"]) },
	"WorkflowStatus":   func(f map[string]any) []string { return []string{workflowOf(f)} },
	"ComplianceStatus": func(f map[string]any) []string { return []string{complianceOf(f)} },
	"SeverityLabel": func(f map[string]any) []string {
		sev, _ := f["Severity"].(map[string]any)
		l, _ := sev["Label"].(string)
		return []string{l}
	},
	"ResourceType": resourceAttr("Type"),
	"ResourceId":   resourceAttr("Id"),
}

func attr(k string) func(map[string]any) []string {
	return func(f map[string]any) []string {
		s, _ := f[k].(string)
		return []string{s}
	}
}

func resourceAttr(k string) func(map[string]any) []string {
	return func(f map[string]any) []string {
		var out []string
		rs, _ := f["Resources"].([]any)
		for _, r := range rs {
			if rm, ok := r.(map[string]any); ok {
				s, _ := rm[k].(string)
				out = append(out, s)
			}
		}
		return out
	}
}

func strs(v any) []string {
	var out []string
	list, _ := v.([]any)
	for _, x := range list {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func getFindings(s *Server, c *call) (any, *apiError) {
	var in struct {
		Filters      map[string]json.RawMessage `json:"Filters"`
		NextToken    string                     `json:"NextToken"`
		MaxResults   int                        `json:"MaxResults"`
		SortCriteria json.RawMessage            `json:"SortCriteria"`
	}
	if len(bytes.TrimSpace(c.body)) > 0 {
		if err := json.Unmarshal(c.body, &in); err != nil {
			return nil, hubError(400, "InvalidInputException", "cannot decode request: "+err.Error())
		}
	}
	if in.MaxResults == 0 {
		in.MaxResults = 100
	}
	if in.MaxResults < 1 || in.MaxResults > 100 {
		return nil, hubError(400, "InvalidInputException", "MaxResults must be between 1 and 100")
	}
	if len(in.Filters) > 10 {
		return nil, hubError(400, "InvalidInputException", "You can filter by up to 10 finding attributes")
	}
	type test func(map[string]any) bool
	var tests []test
	for name, raw := range in.Filters {
		if name == "ProductFields" {
			var fs []hubMapFilter
			if err := json.Unmarshal(raw, &fs); err != nil || len(fs) > 20 {
				return nil, hubError(400, "InvalidInputException", "Filters.ProductFields: want up to 20 map filters")
			}
			if len(fs) == 0 {
				continue
			}
			tests = append(tests, func(f map[string]any) bool {
				pf, _ := f["ProductFields"].(map[string]any)
				// Map filters on different keys all apply.
				for _, m := range fs {
					v, has := pf[m.Key].(string)
					if !matchString([]hubStringFilter{{m.Value, m.Comparison}}, []string{v}) || (!has && isPositive(m.Comparison)) {
						return false
					}
				}
				return true
			})
			continue
		}
		get, ok := hubStringFields[name]
		if !ok {
			return nil, hubError(400, "InvalidInputException", "the iamspect sandbox does not implement the GetFindings filter "+name)
		}
		var fs []hubStringFilter
		if err := json.Unmarshal(raw, &fs); err != nil || len(fs) > 20 {
			return nil, hubError(400, "InvalidInputException", "Filters."+name+": want up to 20 string filters")
		}
		for _, x := range fs {
			if !slices.Contains([]string{"EQUALS", "PREFIX", "NOT_EQUALS", "PREFIX_NOT_EQUALS", "CONTAINS", "NOT_CONTAINS"}, x.Comparison) {
				return nil, hubError(400, "InvalidInputException", "Filters."+name+": unknown Comparison "+x.Comparison)
			}
		}
		if len(fs) == 0 {
			continue
		}
		tests = append(tests, func(f map[string]any) bool { return matchString(fs, get(f)) })
	}
	h := s.hub()
	h.mu.Lock()
	var all []map[string]any
	for _, k := range h.order {
		f := h.findings[k]
		// A caller sees the findings of its own account, in the region
		// it asks.
		if f["AwsAccountId"] != c.acct.ID || f["Region"] != c.region {
			continue
		}
		keep := true
		for _, t := range tests {
			if !t(f) {
				keep = false
				break
			}
		}
		if keep {
			all = append(all, f)
		}
	}
	h.mu.Unlock()
	start := 0
	if in.NextToken != "" {
		n, ok := decodeToken(c.key(), in.NextToken)
		if !ok || n > len(all) {
			return nil, hubError(400, "InvalidInputException", "The NextToken is invalid")
		}
		start = n
	}
	end := min(start+in.MaxResults, len(all))
	out := map[string]any{"Findings": nonNil(all[start:end])}
	if end < len(all) {
		out["NextToken"] = encodeToken(c.key(), end)
	}
	return out, nil
}

func isPositive(cmp string) bool {
	return cmp == "EQUALS" || cmp == "PREFIX" || cmp == "CONTAINS"
}

// matchString applies one attribute's filters as Security Hub does:
// positive comparisons (EQUALS, PREFIX, CONTAINS) are ORed, negative ones
// (NOT_EQUALS, PREFIX_NOT_EQUALS, NOT_CONTAINS) are ANDed, and both kinds
// must hold. An attribute with several values (resources, types) matches
// when any value does.
func matchString(fs []hubStringFilter, values []string) bool {
	anyPositive, positiveOK := false, false
	for _, x := range fs {
		hit := func(pred func(string) bool) bool { return slices.ContainsFunc(values, pred) }
		switch x.Comparison {
		case "EQUALS":
			anyPositive = true
			positiveOK = positiveOK || hit(func(v string) bool { return v == x.Value })
		case "PREFIX":
			anyPositive = true
			positiveOK = positiveOK || hit(func(v string) bool { return strings.HasPrefix(v, x.Value) })
		case "CONTAINS":
			anyPositive = true
			positiveOK = positiveOK || hit(func(v string) bool { return strings.Contains(v, x.Value) })
		case "NOT_EQUALS":
			if hit(func(v string) bool { return v == x.Value }) {
				return false
			}
		case "PREFIX_NOT_EQUALS":
			if hit(func(v string) bool { return strings.HasPrefix(v, x.Value) }) {
				return false
			}
		case "NOT_CONTAINS":
			if hit(func(v string) bool { return strings.Contains(v, x.Value) }) {
				return false
			}
		}
	}
	return !anyPositive || positiveOK
}
