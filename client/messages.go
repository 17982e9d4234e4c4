package client

import (
	"errors"
	"fmt"
	"strings"

	"github.com/sfharness/sfharness/client/salesforce"
	"github.com/sfharness/sfharness/client/store"
	"golang.org/x/oauth2"
)

// What the admin reads: every message of the Salesforce pages is here, so
// that wording changes touch one file.
const (
	msgFeatureDisabled        = `OAuth sync with Salesforce is not part of your subscription: the feature "Enable OAuth for SFDC sync" must be enabled. Contact Beacon support to enable it.`
	msgBadCSRF                = "The form expired or did not come from this page (missing or invalid CSRF token). Reload the page and try again."
	msgBadForm                = "The form could not be read. Reload the page and try again."
	msgCredentialsSaved       = "Credentials saved."
	msgNoCredentials          = "Save the Consumer Key and Consumer Secret first, then click Login with Salesforce."
	msgStateMismatch          = "This login did not start from this browser session or was already used (state mismatch). Close this window and click Login with Salesforce again."
	msgMissingCode            = "Salesforce sent no authorization code. Close this window and click Login with Salesforce again."
	msgBadSignature           = "Salesforce's answer failed the signature check, so Beacon discarded the tokens. Check that the Consumer Secret matches the connected app, save it again, then click Login with Salesforce."
	msgNoInstanceURL          = "Salesforce's answer lacks the instance URL or the identity URL. Click Login with Salesforce to try again."
	msgLoginOK                = "You are logged in to Salesforce. Return to Beacon to confirm the credentials."
	msgNoPending              = "No Salesforce login is waiting for confirmation. Click Login with Salesforce."
	msgCancelled              = "Login cancelled: Beacon discarded the Salesforce tokens."
	msgConfirmed              = "Credentials confirmed. The field sync has started."
	msgNotConnected           = "Beacon is not connected to Salesforce yet: log in with Salesforce and confirm the credentials first."
	msgFieldSyncBusy          = "Wait for the field sync to complete, then start the sync."
	msgSyncStarted            = "Sync started."
	msgConnectionLost         = "Connection to Salesforce lost: log in again. Salesforce no longer accepts Beacon's refresh token (it was revoked or expired, or the sync user was deactivated): click Login with Salesforce."
	msgAPIDisabled            = "API access is not enabled for the Salesforce sync user: enable API Enabled on its profile."
	msgRequestLimit           = "Salesforce's daily API request limit is used up; the sync will try again later."
	msgSessionRejected        = "Salesforce rejected Beacon's session (%s) even after a token refresh: click Login with Salesforce to log in again."
	msgBadOAuthToken          = "Salesforce rejected Beacon's access token (%s): click Login with Salesforce to log in again."
	msgNoAPIScope             = "Salesforce says the session is not valid for the REST API: add the \"Manage user data via APIs (api)\" scope to the connected app, then click Login with Salesforce again."
	msgUnreachable            = "Cannot reach Salesforce: %s. Beacon retries automatically, waiting longer after each failure."
	msgTimeout                = "Salesforce did not answer in time (the request timed out). Beacon retries automatically, waiting longer after each failure."
	msgUnavailable            = "Salesforce is not available right now (HTTP %d). Beacon retries automatically, waiting longer after each failure."
	msgStorage                = "Beacon could not save or read its data. Try again; if it keeps failing, check the disk that holds Beacon's database (Beacon's log has the details)."
	msgStorageFull            = "Beacon could not save its data: the disk that holds its database is full. Free space on that disk, then try again; what Beacon stored before is kept."
	msgStorageWrite           = "Beacon could not save its data: writing its database failed. Check the disk that holds it (Beacon's log has the details), then try again; what Beacon stored before is kept."
	msgDisconnected           = "Disconnected from Salesforce: Beacon revoked its access and stopped the sync."
	msgDisconnectedNotRevoked = "Disconnected and the sync stopped, but Beacon could not revoke its access at Salesforce: %s Revoke it in Salesforce under Setup, Connected Apps OAuth Usage."
	msgPopupClosed            = "The Salesforce login window closed before the login finished. If Salesforce showed an error there (for example that the Consumer Key is not active yet, or redirect_uri_mismatch), correct it, then click Login with Salesforce again."
	msgMissingChallenge       = "Salesforce login failed: %s: %s. The connected app requires PKCE (Require Proof Key for Code Exchange), and Beacon is set not to send it. Turn PKCE on in Beacon (start it without -no-pkce), or turn off the requirement in the connected app, then click Login with Salesforce again."

	msgClientCredentialsConnected    = "Connected with the client credentials flow. The field sync has started."
	msgClientCredentialsBadSignature = "Salesforce's answer failed the signature check, so Beacon discarded the token. Check that the Consumer Secret matches the connected app, then click Connect again."
	msgClientCredentialsIncomplete   = "Salesforce's answer lacks the instance URL or the identity URL. Click Connect to try again."
	msgClientCredentialsRenewRefused = "Connection to Salesforce lost: Beacon could not get a new access token with the client credentials flow. %s"
	msgMyDomainMissing               = "Enter your org's My Domain URL, such as https://yourcompany.my.salesforce.com: the client credentials flow is served only there."
	msgMyDomainShape                 = "The My Domain URL must be an https URL with a host name only, such as https://yourcompany.my.salesforce.com (Setup, My Domain)."

	msgConsumerKeyMissing    = "Enter the Consumer Key."
	msgConsumerKeyShape      = "The Consumer Key must be 20 to 255 characters long and contain only letters, digits, dots and underscores. Copy it again from the connected app's consumer details in Salesforce."
	msgConsumerSecretMissing = "Enter the Consumer Secret."
	msgConsumerSecretShape   = "The Consumer Secret must be 8 to 255 characters long, without spaces. Copy it again from the connected app's consumer details in Salesforce."

	textNotConnected      = "Not connected"
	textConnectedAs       = "Connected as %s"
	textFieldSyncWaiting  = "Field sync not started"
	textFieldSyncRunning  = "Field sync in progress"
	textFieldSyncComplete = "Field sync complete"
	textFieldSyncFailed   = "Field sync failed: %s"
	textSyncNotStarted    = "Not started"
	textSyncInitial       = "Initial sync in progress"
	textSyncRunning       = "Sync running"
	textSyncFailed        = "Sync failed: %s"
)

// oauthErrorMessage explains an OAuth error code from the authorize or
// token endpoint, with what to do about it. callbackURL is the exact
// Callback URL the connected app needs.
func oauthErrorMessage(code, description, callbackURL string) string {
	switch code {
	case "access_denied":
		return "You denied access in Salesforce. Click Login with Salesforce and choose Allow."
	case "invalid_client_id":
		return "Salesforce does not recognize the Consumer Key yet: a new connected app takes a few minutes to become active. Wait a few minutes, then click Login with Salesforce again. If it keeps failing, check the Consumer Key."
	case "invalid_client":
		return "Salesforce rejected the client credentials: check the Consumer Secret, save it again, then click Login with Salesforce."
	case "redirect_uri_mismatch":
		return "The connected app's Callback URL must be exactly " + callbackURL + ". Correct it in Salesforce, wait a few minutes, then click Login with Salesforce again."
	case "invalid_request":
		if description == salesforce.DescMissingChallenge {
			// Only a Beacon started without PKCE gets here: say which
			// setting on each side ends the refusal.
			return fmt.Sprintf(msgMissingChallenge, code, description)
		}
	}
	if code == "" {
		code = "unknown_error"
	}
	if description == "" {
		return fmt.Sprintf("Salesforce login failed: %s. Click Login with Salesforce to try again.", code)
	}
	return fmt.Sprintf("Salesforce login failed: %s: %s. Click Login with Salesforce to try again.", code, description)
}

// clientCredentialsErrorMessage explains the token endpoint's refusal of
// the client credentials flow: Salesforce's error code and description as
// it wrote them, then what to do about it.
func clientCredentialsErrorMessage(code, description string) string {
	if code == "" {
		code = "unknown_error"
	}
	said := code
	if description != "" {
		said += ": " + description
	}
	var hint string
	switch {
	case code == "unsupported_grant_type":
		hint = "Enable the client credentials flow in the connected app (Enable Client Credentials Flow) and check that the My Domain URL is your org's, then click Connect again."
	case code == "invalid_grant" && description == salesforce.DescWrongDomain:
		hint = "The client credentials flow is served only on your org's My Domain: enter its My Domain URL (such as https://yourcompany.my.salesforce.com), not the login URL, then click Connect again."
	case code == "invalid_grant" && description == salesforce.DescNoRunAsUser:
		hint = "Choose the Run As user of the client credentials flow in the connected app's policies (Manage, Edit Policies), then click Connect again."
	case code == "invalid_client_id":
		hint = "Salesforce does not recognize the Consumer Key: a new connected app takes a few minutes to become active. Check the Consumer Key, wait a few minutes, then click Connect again."
	case code == "invalid_client":
		hint = "Check the Consumer Key and Consumer Secret, then click Connect again."
	case code == "invalid_app_access":
		hint = "Allow the Run As user to use the connected app (its profile or a permission set), then click Connect again."
	default:
		hint = "Click Connect to try again."
	}
	return fmt.Sprintf("Salesforce refused the client credentials flow: %s. %s", said, hint)
}

// clientCredentialsHTTPMessage explains an answer of the token endpoint
// that is no OAuth error, as from a host that is no Salesforce org.
func clientCredentialsHTTPMessage(status int, myDomain string) string {
	return fmt.Sprintf("%s answered HTTP %d to the client credentials flow, not as a Salesforce token endpoint would. Check the My Domain URL, then click Connect again.", myDomain, status)
}

// clientCredentialsUnreachableMessage explains a client credentials request
// that got no answer.
func clientCredentialsUnreachableMessage(myDomain, cause string) string {
	return fmt.Sprintf("Beacon could not reach Salesforce at %s: %s. Check the My Domain URL, then click Connect again.", myDomain, cause)
}

// syncErrorMessage explains an error of a call to Salesforce, or of the
// database the sync saves to.
func syncErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	if errors.Is(err, salesforce.ErrConnectionLost) {
		return msgConnectionLost
	}
	var re *oauth2.RetrieveError
	if errors.Is(err, salesforce.ErrClientCredentialsRejected) && errors.As(err, &re) {
		return fmt.Sprintf(msgClientCredentialsRenewRefused, clientCredentialsErrorMessage(re.ErrorCode, re.ErrorDescription))
	}
	var apiErr *salesforce.APIError
	if errors.As(err, &apiErr) {
		switch {
		case apiErr.HasCode(salesforce.CodeAPIDisabledForOrg), apiErr.HasCode(salesforce.CodeAPICurrentlyDisabled):
			return msgAPIDisabled
		case apiErr.HasCode(salesforce.CodeRequestLimitExceeded):
			return msgRequestLimit
		case apiErr.StatusCode >= 500:
			return fmt.Sprintf(msgUnavailable, apiErr.StatusCode)
		case apiErr.HasCode(salesforce.CodeInvalidSessionID) && strings.Contains(apiErr.Message(), "not valid for use with the REST API"):
			return msgNoAPIScope
		case apiErr.HasCode(salesforce.CodeInvalidSessionID):
			return fmt.Sprintf(msgSessionRejected, apiErr.Code())
		case apiErr.HasCode(salesforce.CodeBadOAuthToken):
			return fmt.Sprintf(msgBadOAuthToken, apiErr.Code())
		case apiErr.Message() != "" && apiErr.Code() != "":
			return fmt.Sprintf("Salesforce answered %s: %s", apiErr.Code(), apiErr.Message())
		case apiErr.Message() != "":
			return fmt.Sprintf("Salesforce answered HTTP %d: %s", apiErr.StatusCode, apiErr.Message())
		default:
			return fmt.Sprintf("Salesforce answered HTTP %d", apiErr.StatusCode)
		}
	}
	if errors.As(err, &re) {
		// A refresh the token endpoint refused for another reason than a
		// lost grant, such as a changed Consumer Secret (invalid_client).
		return oauthErrorMessage(re.ErrorCode, re.ErrorDescription, "")
	}
	var we *store.WriteError
	if errors.As(err, &we) {
		return storageErrorMessage(err)
	}
	var persisted *store.PersistedError
	if errors.As(err, &persisted) {
		// Stored before a restart: already described.
		return persisted.Message
	}
	if salesforce.IsTimeout(err) {
		// net/http words a time-out several ways; the admin needs one.
		return msgTimeout
	}
	if salesforce.IsTemporary(err) {
		return fmt.Sprintf(msgUnreachable, innermost(err))
	}
	return err.Error()
}

// storageErrorMessage explains a failure of Beacon's own database in the
// admin's words: SQLite's own go to the log, where the callers put them.
func storageErrorMessage(err error) string {
	var we *store.WriteError
	switch {
	case errors.As(err, &we) && we.Full:
		return msgStorageFull
	case errors.As(err, &we):
		return msgStorageWrite
	default:
		return msgStorage
	}
}

// innermost returns the text of the deepest error in err's chain, which is
// the part worth showing after our own context.
func innermost(err error) string {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return strings.TrimSpace(err.Error())
		}
		err = next
	}
}

// fieldPhaseText is one object's line in the field sync list.
func fieldPhaseText(of store.ObjectFields) string {
	switch of.Phase {
	case store.PhaseRunning:
		return of.Object + ": reading fields…"
	case store.PhaseDone:
		return fmt.Sprintf("%s: %d fields", of.Object, len(of.Fields))
	case store.PhaseFailed:
		return of.Object + ": failed"
	default:
		return of.Object + ": waiting"
	}
}
