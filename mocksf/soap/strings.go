package soap

import "fmt"

// Namespaces of Salesforce's partner API messages (partner WSDL; SOAP API
// Developer Guide, "Sample SOAP Messages").
const (
	nsEnvelope = "http://schemas.xmlsoap.org/soap/envelope/"
	nsPartner  = "urn:partner.soap.sforce.com"
	nsFault    = "urn:fault.partner.soap.sforce.com"
	nsXSI      = "http://www.w3.org/2001/XMLSchema-instance"
)

// contentType is what Salesforce answers SOAP calls with.
const contentType = "text/xml;charset=UTF-8"

// Detail types of the partner WSDL's faults.
const (
	loginFault      = "LoginFault"
	unexpectedFault = "UnexpectedErrorFault"
)

// fault is a Salesforce API fault: faultcode sf:<Code>, faultstring
// "<Code>: <Message>", and a detail element of type Type carrying the
// code and message again.
type fault struct{ Code, Message, Type string }

// Salesforce's faults, with its wire strings. Sources: captured fault
// envelopes in client tests (INVALID_LOGIN, LOGIN_MUST_USE_SECURITY_TOKEN,
// UNSUPPORTED_API_VERSION), forcedotcom/wsc#363 (the retired login at
// 65.0), the SOAP API's ExceptionCode list for the others; docs/mocksf-soap.md
// says which are unconfirmed.
var (
	faultInvalidLogin = fault{"INVALID_LOGIN", "Invalid username, password, security token; or user locked out.", loginFault}
	faultMustUseToken = fault{"LOGIN_MUST_USE_SECURITY_TOKEN", "Invalid username, password, security token; or user locked out. " +
		"Are you at a new location? When accessing Salesforce--either via a desktop client or the API--from outside of your " +
		"company\u2019s trusted networks, you must add a security token to your password to log in. To get your new security " +
		"token, log in to Salesforce. From your personal settings, enter Reset My Security Token in the Quick Find box, then " +
		"select Reset My Security Token.", loginFault}
	faultAPIDisabledForOrg = fault{"API_DISABLED_FOR_ORG", "API is not enabled for this Organization or Partner", loginFault}
	// A user without "API Enabled" (reference §11).
	faultAPIDisabledForUser = fault{"API_CURRENTLY_DISABLED", "API is disabled for this User", loginFault}
	faultBadVersion         = fault{RetiredLoginUnsupportedVersion, "Invalid Api version specified on URL", unexpectedFault}
	faultInvalidSession     = fault{"INVALID_SESSION_ID", "Invalid Session ID found in SessionHeader: Illegal Session", unexpectedFault}
	faultLimitExceeded      = fault{"REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.", unexpectedFault}
)

// The faults Deps.RetiredLoginFault may name: INVALID_OPERATION, as
// Salesforce was seen answering, or UNSUPPORTED_API_VERSION.
const (
	RetiredLoginInvalidOperation   = "INVALID_OPERATION"
	RetiredLoginUnsupportedVersion = "UNSUPPORTED_API_VERSION"
)

// CheckRetiredLoginFault refuses a Deps.RetiredLoginFault other than the
// two above, naming them.
func CheckRetiredLoginFault(code string) error {
	if code != RetiredLoginInvalidOperation && code != RetiredLoginUnsupportedVersion {
		return fmt.Errorf("%q: want %s or %s", code, RetiredLoginInvalidOperation, RetiredLoginUnsupportedVersion)
	}
	return nil
}

// faultLoginRetired is login() at a version past LastLoginVersion, as
// forcedotcom/wsc#363 quotes Salesforce at 65.0.
func faultLoginRetired(version string) fault {
	return fault{RetiredLoginInvalidOperation, "The SOAP Login operation is not available in the API version specified (" + version +
		"). Refer to the documentation for supported versions.", unexpectedFault}
}

// Client faults (faultcode soapenv:Client, no detail) for a request that
// is not a partner API call. The parser messages are Salesforce's Java
// parser's (seen in answers to empty and non-XML bodies); the others are
// mocksf's words, Salesforce's being unconfirmed.
const (
	clientEmpty     = "Premature end of file."
	clientProlog    = "Content is not allowed in prolog."
	clientMalformed = "XML document structures must start and end within the same entity."
	clientNoBody    = "Unable to find a SOAP Body in the Envelope"
	clientTooLarge  = "Request too large"
	clientMethod    = "Only POST is supported"
)

// clientNoOperation answers an operation the service does not have; the
// wording is Salesforce's dispatch fault.
func clientNoOperation(space, local string) string {
	return "No operation available for request {" + space + "}" + local + ", please check the WSDL for the service."
}
