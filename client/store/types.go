package store

import (
	"time"

	"golang.org/x/oauth2"
)

// Credentials are the connected app's Consumer Key and Consumer Secret.
type Credentials struct {
	// ConsumerKey is the connected app's OAuth client id.
	ConsumerKey string
	// ConsumerSecret is the connected app's OAuth client secret; show it
	// only through MaskedSecret and never log it. It is stored encrypted.
	ConsumerSecret string
}

// MaskedSecret returns the secret with all but its last four characters
// hidden, for display.
func (c Credentials) MaskedSecret() string {
	const shown = 4
	if len(c.ConsumerSecret) <= shown {
		return "••••"
	}
	return "••••••••" + c.ConsumerSecret[len(c.ConsumerSecret)-shown:]
}

// Identity is who the connection logged in as, from the identity URL.
type Identity struct {
	// Username is the Salesforce username.
	Username string
	// OrganizationID is the 18-character org id.
	OrganizationID string
	// UserID is the 18-character user id.
	UserID string
	// DisplayName is the user's full name.
	DisplayName string
}

// Flow is how a connection got its tokens, and so how it gets new ones.
type Flow string

// Flows of a connection.
const (
	// FlowWebServer is Login with Salesforce, the OAuth 2.0 web server
	// flow: a user logs in, and a refresh token renews the access token.
	// The zero Flow means it too.
	FlowWebServer Flow = "web_server"
	// FlowClientCredentials is the client credentials flow on the org's
	// My Domain: the connected app's Run As user, no refresh token; a new
	// access token is asked for with the Consumer Key and Secret.
	FlowClientCredentials Flow = "client_credentials"
)

// Connection is an authorized link to one Salesforce org. Token is treated
// as immutable: a refresh replaces it.
type Connection struct {
	// Flow is how the tokens were obtained; "" means FlowWebServer.
	Flow Flow
	// MyDomainURL is the org's My Domain URL, where the client credentials
	// flow is served; set for FlowClientCredentials only.
	MyDomainURL string
	// Token holds the access and refresh tokens; they are stored encrypted.
	Token *oauth2.Token
	// InstanceURL is the org's REST API base URL.
	InstanceURL string
	// IdentityURL is the identity URL from the token response.
	IdentityURL string
	// Identity is nil until the identity URL has been read.
	Identity *Identity
	// ConnectedAt is when the admin confirmed the connection.
	ConnectedAt time.Time
}

// Field is one field of a Salesforce object, as the field sync found it.
type Field struct {
	// Name is the field's API name.
	Name string
	// Type is the describe type, such as string or email.
	Type string
}

// Phase is the progress of one step of the field sync.
type Phase string

// Phases of the field sync of one object.
const (
	PhaseWaiting Phase = "waiting"
	PhaseRunning Phase = "running"
	PhaseDone    Phase = "done"
	PhaseFailed  Phase = "failed"
)

// ObjectFields is the field sync state of one object.
type ObjectFields struct {
	// Object is the object's API name.
	Object string
	// Phase is how far its field sync got.
	Phase Phase
	// Fields are the fields found, once Phase is PhaseDone.
	Fields []Field
	// Err is why the field sync failed, when Phase is PhaseFailed.
	Err error
}

// SyncState is the state of the record sync.
type SyncState string

// States of the record sync.
const (
	SyncNotStarted SyncState = "not_started"
	// SyncInitial is the first full pull.
	SyncInitial SyncState = "initial"
	// SyncRunning means the first full pull is done and changes are pulled
	// periodically.
	SyncRunning SyncState = "running"
	// SyncFailed means the sync stopped on an error that needs the admin.
	SyncFailed SyncState = "failed"
)

// Active reports whether a sync in state s is meant to be running, so that
// it resumes after a restart.
func (s SyncState) Active() bool { return s == SyncInitial || s == SyncRunning }

// RecordSync is the state of the record sync.
type RecordSync struct {
	// State is where the sync is.
	State SyncState
	// Err is why the sync failed, when State is SyncFailed.
	Err error
	// LastError is the latest error, including ones the sync recovered from.
	LastError error
	// LastPull is when the last complete pull of all objects finished.
	LastPull time.Time
}

// Record is one synced record: field name to value.
type Record map[string]any

// RecordVersion is a record as one pull saw it: a live record with its
// fields, or the fact that it was deleted.
type RecordVersion struct {
	// ID is the Salesforce record id.
	ID string
	// LastModified is its LastModifiedDate (for a deletion, when it was
	// deleted). A version older than the stored one is ignored, so that a
	// late page cannot undo a newer change or bring a deleted record back.
	LastModified time.Time
	// Deleted reports that the record was deleted in Salesforce.
	Deleted bool
	// Fields are the record's fields; nil for a deletion.
	Fields Record
}

// Cursor is where the record sync of one object stands, saved with every
// page so that a restart resumes where the sync stopped.
type Cursor struct {
	// FullDone reports that the first full pull finished; later pulls ask
	// only for changes.
	FullDone bool
	// Since is the newest LastModifiedDate of the last finished pull: the
	// next pull asks for records modified after it.
	Since time.Time
	// Pulling reports that a pull is under way (or was, when the program
	// stopped): the fields below say how to go on.
	Pulling bool
	// PullFrom is the newest LastModifiedDate stored by the unfinished
	// pull, whose query is ordered by LastModifiedDate: the pull can start
	// over from it without missing a record.
	PullFrom time.Time
	// NextRecordsURL is the unfinished pull's next page, while Salesforce
	// keeps its query locator (15 minutes of inactivity).
	NextRecordsURL string
	// ReplicatedTo is the end of the last window of the replication API
	// (sObject deleted and updated) already applied.
	ReplicatedTo time.Time
}

// Status is a snapshot of the connection and both syncs.
type Status struct {
	// Version grows with every write that may change the status: of two
	// snapshots, the one with the lower Version is the older (equal ones
	// may differ only by writes that do not count).
	Version uint64
	// Connection is nil when no connection is confirmed.
	Connection *Connection
	// Fields lists the field sync state of each object, in sync order.
	Fields []ObjectFields
	// Sync is the record sync state.
	Sync RecordSync
	// Counts maps each object to its number of synced (live) records.
	Counts map[string]int
}

// PersistedError is an error read back from the database: only its
// message survives a restart. The message is what Options.Describe made
// of the original error.
type PersistedError struct {
	// Message is the error's description.
	Message string
}

// Error returns the message.
func (e *PersistedError) Error() string { return e.Message }
