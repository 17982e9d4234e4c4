package soap

import (
	"testing"
	"unicode/utf8"
)

// FuzzParseEnvelope: any body parses or fails with a client fault, never
// panics, and a parsed login keeps its arguments as valid text.
func FuzzParseEnvelope(f *testing.F) {
	f.Add([]byte(`<se:Envelope xmlns:se="http://schemas.xmlsoap.org/soap/envelope/"><se:Header/><se:Body><login xmlns="urn:partner.soap.sforce.com"><username>a@b.c</username><password>pw&amp;tok</password></login></se:Body></se:Envelope>`))
	f.Add([]byte(`<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:urn="urn:partner.soap.sforce.com"><soapenv:Header><urn:SessionHeader><urn:sessionId>00D!AQx</urn:sessionId></urn:SessionHeader></soapenv:Header><soapenv:Body><urn:getUserInfo/></soapenv:Body></soapenv:Envelope>`))
	f.Add([]byte(""))
	f.Add([]byte("<"))
	f.Add([]byte(`<!DOCTYPE x [<!ENTITY e "x">]><x>&e;</x>`))
	f.Fuzz(func(t *testing.T, body []byte) {
		c, err := parseEnvelope(body)
		if err != nil {
			if _, ok := err.(errClient); !ok {
				t.Fatalf("error %T %v; want an errClient", err, err)
			}
			return
		}
		if c.Op.Local == "" {
			t.Fatalf("parsed %q without an operation", body)
		}
		if !utf8.ValidString(c.Username) || !utf8.ValidString(c.Password) || !utf8.ValidString(c.SessionID) {
			t.Fatalf("parsed %q into invalid UTF-8", body)
		}
	})
}

func TestParseEnvelope(t *testing.T) {
	t.Parallel()
	c, err := parseEnvelope([]byte(`<se:Envelope xmlns:se="http://schemas.xmlsoap.org/soap/envelope/"><se:Body><login xmlns="urn:partner.soap.sforce.com"><username>a@b.c</username><password>pw&amp;tok</password></login></se:Body></se:Envelope>`))
	if err != nil || c.Op.Space != nsPartner || c.Op.Local != "login" || c.Username != "a@b.c" || c.Password != "pw&tok" {
		t.Errorf("parseEnvelope = %+v, %v; want login of a@b.c with pw&tok", c, err)
	}
	for body, want := range map[string]string{"": clientEmpty, "x": clientProlog, "<a>": clientMalformed, "<a/>": clientNoBody,
		`<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body/></e:Envelope>`: clientNoOperation("", "")} {
		if _, err := parseEnvelope([]byte(body)); err != errClient(want) {
			t.Errorf("parseEnvelope(%q) error = %v; want %q", body, err, want)
		}
	}
}
