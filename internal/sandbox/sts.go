package sandbox

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

var stsHandlers = map[string]handler{
	"GetCallerIdentity": getCallerIdentity,
	"AssumeRole":        assumeRole,
}

// session is a set of credentials returned by AssumeRole. Its access key ID
// is "ASIA" + the account ID + a 4-character counter, so that the account
// can be told even by a server that did not issue it.
type session struct {
	accountID   string
	roleName    string
	sessionName string
}

func accountFromSessionKey(akid string) string {
	if len(akid) != 20 || !strings.HasPrefix(akid, "ASIA") {
		return ""
	}
	id := akid[4:16]
	if _, err := strconv.ParseUint(id, 10, 64); err != nil {
		return ""
	}
	return id
}

func getCallerIdentity(s *Server, c *call) (any, *apiError) {
	userID := callerUserID
	if c.session != nil {
		userID = entityID("", "AROA", c.acct.ID+"/"+c.session.roleName) + ":" + c.session.sessionName
	}
	return struct {
		UserId  string `xml:"UserId"`
		Account string `xml:"Account"`
		Arn     string `xml:"Arn"`
	}{userID, c.acct.ID, c.callerARN()}, nil
}

func assumeRole(s *Server, c *call) (any, *apiError) {
	roleARN := c.form.Get("RoleArn")
	sessionName := c.form.Get("RoleSessionName")
	if roleARN == "" || sessionName == "" {
		return nil, c.validation("RoleArn and RoleSessionName are required")
	}
	duration := 3600
	if v := c.form.Get("DurationSeconds"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 900 || n > 43200 {
			return nil, c.validation("DurationSeconds must be between 900 and 43200")
		}
		duration = n
	}
	parts := strings.SplitN(roleARN, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "iam" || !strings.HasPrefix(parts[5], "role/") {
		return nil, c.validation("invalid role ARN " + roleARN)
	}
	target := s.snap.Account(parts[4])
	if target == nil {
		return nil, c.accessDenied("User: " + c.callerARN() + " is not authorized to perform: sts:AssumeRole on resource: " + roleARN)
	}
	roleName := parts[5][strings.LastIndex(parts[5], "/")+1:]

	s.mu.Lock()
	n := len(s.sessions)
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	suffix := []byte{alphabet[n>>15&31], alphabet[n>>10&31], alphabet[n>>5&31], alphabet[n&31]}
	akid := "ASIA" + target.ID + string(suffix)
	s.sessions[akid] = session{accountID: target.ID, roleName: roleName, sessionName: sessionName}
	s.mu.Unlock()

	roleID := entityID("", "AROA", target.ID+"/"+roleName)
	var out assumeRoleResult
	out.Credentials = xmlCredentials{AccessKeyId: akid, SecretAccessKey: "iamspect-sandbox-dummy-session-secret",
		SessionToken: fmt.Sprintf("iamspect-sandbox-dummy-session-token-%d", n),
		Expiration:   ts(time.Now().Add(time.Duration(duration) * time.Second))}
	out.AssumedRoleUser.AssumedRoleId = roleID + ":" + sessionName
	out.AssumedRoleUser.Arn = "arn:" + partition(target) + ":sts::" + target.ID + ":assumed-role/" + roleName + "/" + sessionName
	return out, nil
}

type xmlCredentials struct {
	AccessKeyId     string `xml:"AccessKeyId"`
	SecretAccessKey string `xml:"SecretAccessKey"`
	SessionToken    string `xml:"SessionToken"`
	Expiration      string `xml:"Expiration"`
}

type assumeRoleResult struct {
	Credentials     xmlCredentials `xml:"Credentials"`
	AssumedRoleUser struct {
		AssumedRoleId string `xml:"AssumedRoleId"`
		Arn           string `xml:"Arn"`
	} `xml:"AssumedRoleUser"`
}
