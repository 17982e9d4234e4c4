package product

// What the admin reads, in one place: examples/sfsteps/profile.yaml
// expects these words, so a wording change touches this file and the
// profile only.
const (
	textTitle        = "Ledgerly: Salesforce integration"
	textConnectedAs  = "Connected as "
	textNotConnected = "Not connected"

	msgSaved         = "Salesforce settings saved."
	msgMissingFields = "Enter both the Consumer Key and the Consumer Secret."
	msgBadCSRF       = "This form expired or did not come from Ledgerly. Reload the page and try again."
	msgNoCredentials = "Save the Consumer Key and Consumer Secret before connecting."
	msgBadState      = "This Salesforce callback does not belong to a connection started in this browser. Click Connect to Salesforce again."
	msgNoCode        = "Salesforce sent neither a code nor an error to the callback."
	// msgSalesforce is followed by Salesforce's error and its
	// description, as the callback or the token endpoint gave them.
	msgSalesforce  = "Salesforce refused the connection: "
	msgNoIdentity  = "Salesforce's token answer has no identity URL (id); give the connected app the id scope."
	msgUnreachable = "Ledgerly could not reach Salesforce: "
	msgNotFound    = "Ledgerly has no page at "
)
