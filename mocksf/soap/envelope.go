package soap

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
)

// call is one partner API request read from its envelope.
type call struct {
	// Op is the operation: the Body's first element.
	Op xml.Name
	// SessionID is the SessionHeader's sessionId, if any.
	SessionID string
	// Username and Password are login()'s arguments.
	Username, Password string
}

// envelope is a SOAP 1.1 envelope as the partner API reads it. Element
// names without a namespace match any, as Salesforce's parser is lenient
// about the header's and arguments' prefixes.
type envelope struct {
	XMLName xml.Name
	Header  *struct {
		SessionHeader *struct {
			SessionID string `xml:"sessionId"`
		} `xml:"SessionHeader"`
	} `xml:"http://schemas.xmlsoap.org/soap/envelope/ Header"`
	Body *struct {
		Ops []operation `xml:",any"`
	} `xml:"http://schemas.xmlsoap.org/soap/envelope/ Body"`
}

type operation struct {
	XMLName  xml.Name
	Username string `xml:"username"`
	Password string `xml:"password"`
}

// errClient is a request that is no SOAP call; its text is the client
// fault's faultstring.
type errClient string

func (e errClient) Error() string { return "mocksf: soap: " + string(e) }

// parseEnvelope reads a partner API call. Errors are errClient, worded as
// Salesforce's client faults.
func parseEnvelope(body []byte) (call, error) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return call{}, errClient(clientEmpty)
	}
	if trimmed[0] != '<' {
		return call{}, errClient(clientProlog)
	}
	var env envelope
	dec := xml.NewDecoder(bytes.NewReader(body))
	// Entities other than XML's five are not expanded: no DTDs here.
	dec.Strict = true
	if err := dec.Decode(&env); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return call{}, errClient(clientEmpty)
		}
		return call{}, errClient(clientMalformed)
	}
	if env.XMLName.Space != nsEnvelope || env.XMLName.Local != "Envelope" || env.Body == nil {
		return call{}, errClient(clientNoBody)
	}
	if len(env.Body.Ops) == 0 {
		return call{}, errClient(clientNoOperation("", ""))
	}
	op := env.Body.Ops[0]
	c := call{Op: op.XMLName, Username: op.Username, Password: op.Password}
	if env.Header != nil && env.Header.SessionHeader != nil {
		c.SessionID = env.Header.SessionHeader.SessionID
	}
	return c, nil
}
