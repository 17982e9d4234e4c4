package gothapp

import "fmt"

// What the admin reads: every message and label of the page is here, so
// that a wording change (and the product profile that expects it) touches
// one file.
const (
	textTitle         = "Goth demo: Salesforce connection"
	textNotConnected  = "Not connected"
	textConnectedAs   = "Connected as %s"
	textConnectButton = "Connect to Salesforce"

	msgSaved             = "Settings saved."
	msgBadCSRF           = "The form expired or did not come from this page (missing or invalid CSRF token). Reload the page and try again."
	msgBadForm           = "The form could not be read. Reload the page and try again."
	msgKeyMissing        = "Enter the Consumer Key."
	msgSecretMissing     = "Enter the Consumer Secret."
	msgLoginURLBad       = "The Salesforce login URL must be an http or https URL with a host and no query, such as https://login.salesforce.com."
	msgNoCredentials     = "Save the Consumer Key and Consumer Secret first, then click Connect to Salesforce."
	msgNoLogin           = "This callback does not belong to a login started in this browser (no login in progress, or a state mismatch). Click Connect to Salesforce again."
	msgNoIdentity        = "Salesforce's token answer lacks the identity URL (id), so the user cannot be read. Check that the connected app has the id scope, then click Connect to Salesforce again."
	msgLoginFailed       = "The Salesforce login could not be completed: %s. Click Connect to Salesforce to try again."
	msgBeginFailed       = "The Salesforce login could not start: %s."
	msgUnreachable       = "Cannot reach Salesforce: %s. Check the Salesforce login URL, then click Connect to Salesforce again."
	msgNoQueryURL        = "Salesforce's identity lists no query URL (urls.query), so no records can be read."
	msgRecordsFailed     = "Reading the first records failed: %s"
	msgRecordsUnreadable = "Reading the first records failed: Salesforce's answer could not be read (%v)."
)

// oauthErrorMessage explains an OAuth error code from the authorize
// redirect or the token endpoint, with what to do about it. callbackURL
// is the exact Callback URL the connected app needs.
func oauthErrorMessage(code, description, callbackURL string) string {
	said := code
	if description != "" {
		said += ": " + description
	}
	switch code {
	case "access_denied":
		return "You denied access in Salesforce (" + said + "). Click Connect to Salesforce and choose Allow."
	case "invalid_client_id":
		return "Salesforce does not recognize the Consumer Key (" + said + "). A new connected app takes a few minutes to become active: wait, then click Connect to Salesforce again. If it keeps failing, copy the Consumer Key again and save it."
	case "invalid_client":
		return "Salesforce rejected the Consumer Secret (" + said + "). Copy the Consumer Secret again from the connected app, save it, then click Connect to Salesforce."
	case "redirect_uri_mismatch":
		return "The connected app's Callback URL must be exactly " + callbackURL + " (" + said + "). Correct it in Salesforce, then click Connect to Salesforce again."
	case "invalid_request":
		if description == "missing required code challenge" {
			// goth's Salesforce provider sends no code_challenge.
			return "The connected app requires PKCE (" + said + "), which goth's Salesforce provider does not send. Turn off Require Proof Key for Code Exchange (PKCE) in the connected app, then click Connect to Salesforce again."
		}
	}
	if code == "" {
		said = "unknown_error"
		if description != "" {
			said += ": " + description
		}
	}
	return fmt.Sprintf("Salesforce login failed (%s). Click Connect to Salesforce to try again.", said)
}
