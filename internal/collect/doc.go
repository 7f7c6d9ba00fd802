// Package collect gathers the IAM state of live AWS accounts into a snapshot
// with aws-sdk-go-v2. It never judges: rules read the snapshot it returns.
//
// Collection uses the bulk, account-wide APIs (GetAccountAuthorizationDetails,
// the credential report, list calls) so that the number of calls grows with
// pagination pages, not with the number of users or roles; Counter records
// every call. What cannot be collected (AccessDenied, an unreachable region or
// account) becomes a snapshot.Gap naming the API and the reason, and the input
// it would have provided is left unmarked so rules answer UNKNOWN.
//
// One file per API family: config.go (credentials, retries), iam.go,
// credreport.go, org.go (Organizations), sso.go (IAM Identity Center),
// analyzer.go (Access Analyzer), fanout.go (organisation member accounts),
// counter.go (call counting middleware) and progress.go.
package collect
