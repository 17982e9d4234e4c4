package soap

import (
	"bytes"
	"encoding/xml"
	"net/http"
)

const xmlHeader = `<?xml version="1.0" encoding="UTF-8"?>`

// esc is s escaped for XML text.
func esc(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// field is one element of a result, in the WSDL's order; a nil one is
// written <name xsi:nil="true"/>.
type field struct {
	name, value string
	nil         bool
}

func writeFields(b *bytes.Buffer, fields []field) {
	for _, f := range fields {
		if f.nil {
			b.WriteString("<" + f.name + ` xsi:nil="true"/>`)
			continue
		}
		b.WriteString("<" + f.name + ">" + esc(f.value) + "</" + f.name + ">")
	}
}

// writeResponse answers 200 with body (the operation's response element)
// in Salesforce's envelope, the partner namespace as default.
func writeResponse(w http.ResponseWriter, body string) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(xmlHeader + `<soapenv:Envelope xmlns:soapenv="` + nsEnvelope + `" xmlns="` + nsPartner +
		`" xmlns:xsi="` + nsXSI + `"><soapenv:Body>` + body + `</soapenv:Body></soapenv:Envelope>`))
}

// writeFault answers an API fault as Salesforce does: HTTP 500, faultcode
// sf:CODE, faultstring "CODE: message", and the typed detail.
func writeFault(w http.ResponseWriter, f fault) {
	writeFaultStatus(w, http.StatusInternalServerError, `<faultcode>sf:`+f.Code+`</faultcode><faultstring>`+esc(f.Code+": "+f.Message)+
		`</faultstring><detail><sf:`+f.Type+` xsi:type="sf:`+f.Type+`"><sf:exceptionCode>`+f.Code+
		`</sf:exceptionCode><sf:exceptionMessage>`+esc(f.Message)+`</sf:exceptionMessage></sf:`+f.Type+`></detail>`)
}

// writeClientFault answers a request that is no partner API call:
// faultcode soapenv:Client, without detail.
func writeClientFault(w http.ResponseWriter, status int, msg string) {
	writeFaultStatus(w, status, `<faultcode>soapenv:Client</faultcode><faultstring>`+esc(msg)+`</faultstring>`)
}

func writeFaultStatus(w http.ResponseWriter, status int, inner string) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = w.Write([]byte(xmlHeader + `<soapenv:Envelope xmlns:soapenv="` + nsEnvelope + `" xmlns:sf="` + nsFault +
		`" xmlns:xsi="` + nsXSI + `"><soapenv:Body><soapenv:Fault>` + inner + `</soapenv:Fault></soapenv:Body></soapenv:Envelope>`))
}
