package client

import (
	"errors"
	"strings"

	"github.com/sfharness/sfharness/client/salesforce"
	"github.com/sfharness/sfharness/client/store"
	"golang.org/x/oauth2"
)

// What the admin reads: every message of Beacon's pages is named here,
// its words are in the catalogue (client/locales/*.toml, the key in
// msg), so that wording changes touch one file per language and the
// logic that picks a message one file.
var (
	msgFeatureDisabled               = msg("msg.featureDisabled")
	msgBadCSRF                       = msg("msg.badCsrf")
	msgBadForm                       = msg("msg.badForm")
	msgCredentialsSaved              = msg("msg.credentialsSaved")
	msgNoCredentials                 = msg("msg.noCredentials")
	msgStateMismatch                 = msg("msg.stateMismatch")
	msgMissingCode                   = msg("msg.missingCode")
	msgBadSignature                  = msg("msg.badSignature")
	msgNoInstanceURL                 = msg("msg.noInstanceUrl")
	msgLoginOK                       = msg("msg.loginOk")
	msgNoPending                     = msg("msg.noPending")
	msgCancelled                     = msg("msg.cancelled")
	msgConfirmed                     = msg("msg.confirmed")
	msgNotConnected                  = msg("msg.notConnected")
	msgFieldSyncBusy                 = msg("msg.fieldSyncBusy")
	msgSyncStarted                   = msg("msg.syncStarted")
	msgConnectionLost                = msg("msg.connectionLost")
	msgAPIDisabled                   = msg("msg.apiDisabled")
	msgRequestLimit                  = msg("msg.requestLimit")
	msgNoAPIScope                    = msg("msg.noApiScope")
	msgTimeout                       = msg("msg.timeout")
	msgStorage                       = msg("msg.storage")
	msgStorageFull                   = msg("msg.storageFull")
	msgStorageWrite                  = msg("msg.storageWrite")
	msgDisconnected                  = msg("msg.disconnected")
	msgPopupClosed                   = msg("msg.popupClosed")
	msgClientCredentialsConnected    = msg("msg.clientCredentialsConnected")
	msgClientCredentialsBadSignature = msg("msg.clientCredentialsBadSignature")
	msgClientCredentialsIncomplete   = msg("msg.clientCredentialsIncomplete")
	msgMyDomainMissing               = msg("msg.myDomainMissing")
	msgMyDomainShape                 = msg("msg.myDomainShape")
	msgConsumerKeyMissing            = msg("msg.consumerKeyMissing")
	msgConsumerKeyShape              = msg("msg.consumerKeyShape")
	msgConsumerSecretMissing         = msg("msg.consumerSecretMissing")
	msgConsumerSecretShape           = msg("msg.consumerSecretShape")
	textNotConnected                 = msg("status.notConnected")
	textFieldSyncWaiting             = msg("status.fieldSyncWaiting")
	textFieldSyncRunning             = msg("status.fieldSyncRunning")
	textFieldSyncComplete            = msg("status.fieldSyncComplete")
	textSyncNotStarted               = msg("status.syncNotStarted")
	textSyncInitial                  = msg("status.syncInitial")
	textSyncRunning                  = msg("status.syncRunning")
)

// oauthErrorMessage explains an OAuth error code from the authorize or
// token endpoint, with what to do about it. callbackURL is the exact
// Callback URL the connected app needs. Salesforce's code and
// description stay as it sent them, in English.
func oauthErrorMessage(code, description, callbackURL string) message {
	switch code {
	case "access_denied":
		return msg("oauth.accessDenied")
	case "invalid_client_id":
		return msg("oauth.invalidClientId")
	case "invalid_client":
		return msg("oauth.invalidClient")
	case "redirect_uri_mismatch":
		return msg("oauth.redirectUriMismatch", "CallbackURL", callbackURL)
	case "invalid_request":
		if description == salesforce.DescMissingChallenge {
			// Only a Beacon started without PKCE gets here: say which
			// setting on each side ends the refusal.
			return msg("oauth.missingChallenge", "Code", code, "Description", description)
		}
	}
	if code == "" {
		code = "unknown_error"
	}
	if description == "" {
		return msg("oauth.failed", "Code", code)
	}
	return msg("oauth.failedWithDescription", "Code", code, "Description", description)
}

// exchangeFailedMessage explains a code exchange that got no answer.
func exchangeFailedMessage(cause string) message {
	return msg("oauth.exchangeFailed", "Cause", cause)
}

// clientCredentialsErrorMessage explains the token endpoint's refusal of
// the client credentials flow: Salesforce's error code and description as
// it wrote them, then what to do about it.
func clientCredentialsErrorMessage(code, description string) message {
	if code == "" {
		code = "unknown_error"
	}
	said := code
	if description != "" {
		said += ": " + description
	}
	var hint message
	switch {
	case code == "unsupported_grant_type":
		hint = msg("cc.hint.unsupportedGrantType")
	case code == "invalid_grant" && description == salesforce.DescWrongDomain:
		hint = msg("cc.hint.wrongDomain")
	case code == "invalid_grant" && description == salesforce.DescNoRunAsUser:
		hint = msg("cc.hint.noRunAsUser")
	case code == "invalid_client_id":
		hint = msg("cc.hint.invalidClientId")
	case code == "invalid_client":
		hint = msg("cc.hint.invalidClient")
	case code == "invalid_app_access":
		hint = msg("cc.hint.invalidAppAccess")
	default:
		hint = msg("cc.hint.retry")
	}
	return msg("cc.refused", "Said", said, "Hint", hint)
}

// clientCredentialsHTTPMessage explains an answer of the token endpoint
// that is no OAuth error, as from a host that is no Salesforce org.
func clientCredentialsHTTPMessage(status int, myDomain string) message {
	return msg("cc.notSalesforce", "MyDomain", myDomain, "Status", status)
}

// clientCredentialsUnreachableMessage explains a client credentials request
// that got no answer.
func clientCredentialsUnreachableMessage(myDomain, cause string) message {
	return msg("cc.unreachable", "MyDomain", myDomain, "Cause", cause)
}

// identityErrorMessage explains a failed identity lookup.
func identityErrorMessage(err error) message {
	if errors.Is(err, errNoPending) {
		return msgNoPending
	}
	return msg("msg.identityFailed", "Cause", describeSyncError(err))
}

// disconnectedNotRevokedMessage explains a disconnect whose revocation
// Salesforce did not take.
func disconnectedNotRevokedMessage(revokeErr error) message {
	return msg("msg.disconnectedNotRevoked", "Cause", describeSyncError(revokeErr))
}

// connectedAsText says whom Beacon is connected as.
func connectedAsText(username string) message {
	return msg("status.connectedAs", "Username", username)
}

// fieldSyncFailedText and syncFailedText are the sync statuses of a
// failure.
func fieldSyncFailedText(err error) message {
	return msg("status.fieldSyncFailed", "Error", describeSyncError(err))
}

func syncFailedText(err error) message {
	return msg("status.syncFailed", "Error", describeSyncError(err))
}

// syncErrorMessage is describeSyncError in English: what Beacon's
// database keeps for an error (store.Options.Describe), and so what a
// sync error read back after a restart says in every language.
func syncErrorMessage(err error) string { return describeSyncError(err).in(english) }

// describeSyncError explains an error of a call to Salesforce, or of the
// database the sync saves to. Salesforce's own codes and messages stay
// as it sent them.
func describeSyncError(err error) message {
	if err == nil {
		return message{}
	}
	if errors.Is(err, salesforce.ErrConnectionLost) {
		return msgConnectionLost
	}
	var re *oauth2.RetrieveError
	if errors.Is(err, salesforce.ErrClientCredentialsRejected) && errors.As(err, &re) {
		return msg("msg.clientCredentialsRenewRefused", "Cause", clientCredentialsErrorMessage(re.ErrorCode, re.ErrorDescription))
	}
	var apiErr *salesforce.APIError
	if errors.As(err, &apiErr) {
		switch {
		case apiErr.HasCode(salesforce.CodeAPIDisabledForOrg), apiErr.HasCode(salesforce.CodeAPICurrentlyDisabled):
			return msgAPIDisabled
		case apiErr.HasCode(salesforce.CodeRequestLimitExceeded):
			return msgRequestLimit
		case apiErr.StatusCode >= 500:
			return msg("msg.unavailable", "Status", apiErr.StatusCode)
		case apiErr.HasCode(salesforce.CodeInvalidSessionID) && strings.Contains(apiErr.Message(), "not valid for use with the REST API"):
			return msgNoAPIScope
		case apiErr.HasCode(salesforce.CodeInvalidSessionID):
			return msg("msg.sessionRejected", "Code", apiErr.Code())
		case apiErr.HasCode(salesforce.CodeBadOAuthToken):
			return msg("msg.badOAuthToken", "Code", apiErr.Code())
		case apiErr.Message() != "" && apiErr.Code() != "":
			return msg("msg.apiAnswered", "Code", apiErr.Code(), "Message", apiErr.Message())
		case apiErr.Message() != "":
			return msg("msg.apiAnsweredStatus", "Status", apiErr.StatusCode, "Message", apiErr.Message())
		default:
			return msg("msg.apiAnsweredStatusOnly", "Status", apiErr.StatusCode)
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
		// Stored before a restart: already described, in English.
		return verbatim(persisted.Message)
	}
	if salesforce.IsTimeout(err) {
		// net/http words a time-out several ways; the admin needs one.
		return msgTimeout
	}
	if salesforce.IsTemporary(err) {
		return msg("msg.unreachable", "Cause", innermost(err))
	}
	return verbatim(err.Error())
}

// storageErrorMessage explains a failure of Beacon's own database in the
// admin's words: SQLite's own go to the log, where the callers put them.
func storageErrorMessage(err error) message {
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
func fieldPhaseText(of store.ObjectFields) message {
	switch of.Phase {
	case store.PhaseRunning:
		return msg("status.objectReading", "Object", of.Object)
	case store.PhaseDone:
		return msg("status.objectDone", "Object", of.Object, "Count", len(of.Fields))
	case store.PhaseFailed:
		return msg("status.objectFailed", "Object", of.Object)
	default:
		return msg("status.objectWaiting", "Object", of.Object)
	}
}
