package ocsf

// The OCSF 1.8.0 attributes iamspect fills, as Go structs so the output's
// key order is fixed. Names and types follow the OCSF dictionary;
// timestamps (timestamp_t) are milliseconds since the Unix epoch.

// Event is a Detection Finding (class 2004) or a Compliance Finding (class
// 2003): the attributes they share, plus Compliance for the latter.
type Event struct {
	ActivityID   int    `json:"activity_id"`
	ActivityName string `json:"activity_name"`
	CategoryUID  int    `json:"category_uid"`
	CategoryName string `json:"category_name"`
	ClassUID     int    `json:"class_uid"`
	ClassName    string `json:"class_name"`
	TypeUID      int    `json:"type_uid"`
	TypeName     string `json:"type_name"`
	SeverityID   int    `json:"severity_id"`
	Severity     string `json:"severity"`
	StatusID     int    `json:"status_id"`
	Status       string `json:"status"`
	StatusCode   string `json:"status_code,omitempty"`
	StatusDetail string `json:"status_detail,omitempty"`
	// Time is when the scan's report was generated, in UTC.
	Time           int64 `json:"time"`
	TimezoneOffset int   `json:"timezone_offset"`
	// IsAlert is true for failing results (Detection Finding only).
	IsAlert     *bool          `json:"is_alert,omitempty"`
	Message     string         `json:"message,omitempty"`
	Comment     string         `json:"comment,omitempty"`
	Metadata    Metadata       `json:"metadata"`
	FindingInfo FindingInfo    `json:"finding_info"`
	Cloud       Cloud          `json:"cloud"`
	Resources   []Resource     `json:"resources,omitempty"`
	Compliance  *Compliance    `json:"compliance,omitempty"`
	Remediation *Remediation   `json:"remediation,omitempty"`
	Unmapped    map[string]any `json:"unmapped,omitempty"`
}

// Metadata names the producer and the schema version.
type Metadata struct {
	Version   string   `json:"version"`
	Product   Product  `json:"product"`
	Profiles  []string `json:"profiles"`
	EventCode string   `json:"event_code,omitempty"`
}

// Product is iamspect.
type Product struct {
	Name       string `json:"name"`
	VendorName string `json:"vendor_name"`
	Version    string `json:"version,omitempty"`
	URLString  string `json:"url_string,omitempty"`
}

// FindingInfo identifies the finding across scans (uid = fingerprint).
type FindingInfo struct {
	UID         string    `json:"uid"`
	Title       string    `json:"title,omitempty"`
	Desc        string    `json:"desc,omitempty"`
	Types       []string  `json:"types,omitempty"`
	CreatedTime int64     `json:"created_time,omitempty"`
	Analytic    *Analytic `json:"analytic,omitempty"`
}

// Analytic is the rule that produced the finding.
type Analytic struct {
	UID    string `json:"uid"`
	Name   string `json:"name,omitempty"`
	TypeID int    `json:"type_id"`
	Type   string `json:"type"`
}

// Cloud is the cloud profile's object: provider AWS and the account.
type Cloud struct {
	Provider string   `json:"provider"`
	Account  *Account `json:"account,omitempty"`
}

// Account is an AWS account.
type Account struct {
	UID    string `json:"uid"`
	Name   string `json:"name,omitempty"`
	TypeID int    `json:"type_id"`
	Type   string `json:"type"`
}

// Resource is an affected AWS resource.
type Resource struct {
	UID  string `json:"uid"`
	Name string `json:"name,omitempty"`
	Type string `json:"type,omitempty"`
}

// Remediation is the rule's fix.
type Remediation struct {
	Desc       string   `json:"desc"`
	References []string `json:"references,omitempty"`
}

// Compliance is one control's outcome (Compliance Finding only).
type Compliance struct {
	Standards  []string `json:"standards"`
	Control    string   `json:"control"`
	Desc       string   `json:"desc,omitempty"`
	StatusID   int      `json:"status_id"`
	Status     string   `json:"status"`
	StatusCode string   `json:"status_code,omitempty"`
	// StatusDetails replaces status_detail, deprecated since OCSF 1.4.0.
	StatusDetails []string `json:"status_details,omitempty"`
}
