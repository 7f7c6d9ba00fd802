package sandbox

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"strconv"
)

// apiError is an AWS error response.
type apiError struct {
	Status  int
	Code    string
	Message string
	// RetryAfter, when positive, is sent as the Retry-After header (seconds).
	RetryAfter int
}

const (
	contentJSON11   = "application/x-amz-json-1.1"
	contentRESTJSON = "application/json"
	contentXML      = "text/xml"
)

var queryNamespaces = map[string]string{
	svcIAM: "https://iam.amazonaws.com/doc/2010-05-08/",
	svcSTS: "https://sts.amazonaws.com/doc/2011-06-15/",
}

// writeResult writes a successful response in the call's protocol.
func (c *call) writeResult(out any) {
	c.w.Header().Set("x-amzn-RequestId", c.reqID)
	switch c.proto {
	case protoQuery:
		c.writeQueryResult(out)
	case protoJSON:
		if out == nil {
			out = struct{}{}
		}
		writeJSON(c.w, 200, contentJSON11, out)
	default:
		if out == nil {
			out = struct{}{}
		}
		writeJSON(c.w, 200, contentRESTJSON, out)
	}
}

func (c *call) writeQueryResult(out any) {
	var buf bytes.Buffer
	buf.WriteString(`<` + c.action + `Response xmlns="` + queryNamespaces[c.service] + `">`)
	if out != nil {
		enc := xml.NewEncoder(&buf)
		if err := enc.EncodeElement(out, xml.StartElement{Name: xml.Name{Local: c.action + "Result"}}); err != nil {
			c.writeError(&apiError{Status: 500, Code: "InternalFailure", Message: "encode response: " + err.Error()})
			return
		}
	}
	buf.WriteString(`<ResponseMetadata><RequestId>` + c.reqID + `</RequestId></ResponseMetadata>`)
	buf.WriteString(`</` + c.action + `Response>`)
	c.w.Header().Set("Content-Type", contentXML)
	c.w.Header().Set("Content-Length", itoa(buf.Len()))
	c.w.WriteHeader(200)
	_, _ = c.w.Write(buf.Bytes())
}

// writeError writes an error response in the call's protocol.
func (c *call) writeError(e *apiError) {
	c.w.Header().Set("x-amzn-RequestId", c.reqID)
	if e.RetryAfter > 0 {
		c.w.Header().Set("Retry-After", strconv.Itoa(e.RetryAfter))
	}
	switch c.proto {
	case protoQuery:
		kind := "Sender"
		if e.Status >= 500 {
			kind = "Receiver"
		}
		ns := queryNamespaces[c.service]
		if ns == "" {
			ns = queryNamespaces[svcIAM]
		}
		var buf bytes.Buffer
		buf.WriteString(`<ErrorResponse xmlns="` + ns + `"><Error><Type>` + kind + `</Type><Code>`)
		_ = xml.EscapeText(&buf, []byte(e.Code))
		buf.WriteString(`</Code><Message>`)
		_ = xml.EscapeText(&buf, []byte(e.Message))
		buf.WriteString(`</Message></Error><RequestId>` + c.reqID + `</RequestId></ErrorResponse>`)
		c.w.Header().Set("Content-Type", contentXML)
		c.w.WriteHeader(e.Status)
		_, _ = c.w.Write(buf.Bytes())
	case protoJSON:
		writeJSON(c.w, e.Status, contentJSON11, map[string]string{"__type": e.Code, "message": e.Message})
	case protoRESTXML, protoEC2:
		c.writeXMLError(e)
	default:
		c.w.Header().Set("X-Amzn-ErrorType", e.Code)
		writeJSON(c.w, e.Status, contentRESTJSON, map[string]string{"message": e.Message})
	}
}

// writeXMLError writes an error as S3 and the other REST-XML services do
// (<Error>), or as EC2 does (<Response><Errors><Error>).
func (c *call) writeXMLError(e *apiError) {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	if c.proto == protoEC2 {
		buf.WriteString("<Response><Errors>")
	}
	buf.WriteString("<Error><Code>")
	_ = xml.EscapeText(&buf, []byte(e.Code))
	buf.WriteString("</Code><Message>")
	_ = xml.EscapeText(&buf, []byte(e.Message))
	buf.WriteString("</Message>")
	if c.proto == protoEC2 {
		buf.WriteString("</Error></Errors><RequestID>" + c.reqID + "</RequestID></Response>")
	} else {
		buf.WriteString("<RequestId>" + c.reqID + "</RequestId></Error>")
	}
	c.w.Header().Set("Content-Type", "application/xml")
	c.w.WriteHeader(e.Status)
	_, _ = c.w.Write(buf.Bytes())
}

// decodeJSON reads a JSON 1.1 request body into v.
func (c *call) decodeJSON(v any) *apiError {
	if len(bytes.TrimSpace(c.body)) == 0 {
		return nil
	}
	if err := json.Unmarshal(c.body, v); err != nil {
		return &apiError{Status: 400, Code: "SerializationException", Message: "cannot decode request: " + err.Error()}
	}
	return nil
}

// validation returns the service's validation error.
func (c *call) validation(msg string) *apiError {
	switch c.service {
	case svcIAM, svcSTS:
		return &apiError{Status: 400, Code: "ValidationError", Message: msg}
	case svcOrganizations:
		return &apiError{Status: 400, Code: "InvalidInputException", Message: msg}
	default:
		return &apiError{Status: 400, Code: "ValidationException", Message: msg}
	}
}

// accessDenied returns the service's access-denied error.
func (c *call) accessDenied(msg string) *apiError {
	code := "AccessDeniedException"
	if c.proto == protoQuery {
		code = "AccessDenied"
	}
	return &apiError{Status: 403, Code: code, Message: msg}
}

// notAuthorized is AWS's message for an action no policy allows.
func (c *call) notAuthorized(resource string) string {
	return "User: " + c.callerARN() + " is not authorized to perform: " + c.key() +
		" on resource: " + resource + " because no identity-based policy allows the " + c.key() + " action"
}

func itoa(n int) string { return strconv.Itoa(n) }
