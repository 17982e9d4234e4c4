package steps

import "strconv"

// The element ids of mocksf's pages that the steps act on, which are
// Salesforce's own where Salesforce's pages have them
// (mocksf/web/templates): a page that changes an id changes one line here.
const (
	// The login page.
	sfUsername = "username"
	sfPassword = "password"
	sfLogin    = "Login"
	sfLoginErr = "error"

	// Verify Your Identity: the emailed code and its Verify button.
	sfCode   = "emc"
	sfVerify = "save"

	// Allow Access, and the error page of the authorize endpoint.
	sfAllow            = "oaapprove"
	sfApprovalUsername = "approvalUsername"
	sfOAuthError       = "oauthError"

	// Setup: the gear menu, App Manager and Quick Find.
	sfSetupGear       = "setupGear"
	sfSetupMenuItem   = "setupMenuItem"
	sfAppManager      = "appManager"
	sfNewConnectedApp = "newConnectedApp"
	sfQuickFind       = "quickFind"

	// New Connected App: basic details and OAuth settings.
	sfAppName         = "name"
	sfAPIName         = "apiName"
	sfContactEmail    = "contactEmail"
	sfCallbackURL     = "callbackUrl"
	sfAvailableScopes = "availableScopes"
	sfSelectedScopes  = "selectedScopes"
	sfAddScope        = "addScope"
	sfScopesError     = "scopes-error"

	// The app's Consumer Key and Secret, and the External Client App
	// button that opens them in a new tab.
	sfConsumerKey          = "consumerKey"
	sfConsumerSecret       = "consumerSecret"
	sfConsumerKeyAndSecret = "consumerKeyAndSecret"
)

// byID is the JavaScript expression of the element with the id.
func byID(id string) string { return "document.getElementById(" + strconv.Quote(id) + ")" }
