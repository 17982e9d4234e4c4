package control

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/sfharness/sfharness/internal/httpstatus"
	"github.com/sfharness/sfharness/mocksf/web"
)

// requester is whose request it is, as far as mocksf can tell.
type requester struct {
	OrgID, ClientID, Username string
}

// Observe is the middleware around all of mocksf: it records every
// request outside /__mocksf/ in the journal and lets fault rules answer,
// delay or drop it before mocksf does.
func (c *API) Observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := collapse(r.URL.Path)
		if p == "/__mocksf" || strings.HasPrefix(p, "/__mocksf/") {
			next.ServeHTTP(w, r)
			return
		}
		start := time.Now()
		// The handler gets the body whole, and this parse with it
		// (web.ParseBoundedForm).
		form := web.PeekForm(r)
		who := c.identify(r, form)
		e := Entry{
			// Copies: what comes from the URL may be a slice of the whole
			// request line, which the entry would otherwise keep.
			ID: c.journal.newID(), Time: c.d.Clock.Now(), Method: strings.Clone(r.Method), Host: r.Host, Path: strings.Clone(p),
			Authorization: maskAuthorization(r.Header.Get("Authorization")),
			OrgID:         who.OrgID, ClientID: strings.Clone(who.ClientID), Username: strings.Clone(who.Username),
		}
		budget := maxEntryValues
		e.Query, e.Form = journalValues(r.URL.Query(), &budget), journalValues(form, &budget)
		rec := &httpstatus.Recorder{ResponseWriter: w}
		// record journals the request once, whichever way it ends.
		recorded := false
		record := func(status int, dropped bool) {
			if recorded {
				return
			}
			recorded = true
			e.DurationMs = float64(time.Since(start).Microseconds()) / 1000
			e.Status, e.Dropped = status, dropped
			c.journal.add(e)
		}
		defer func() {
			if v := recover(); v != nil {
				// http.ErrAbortHandler (a dropped connection) or a panic
				// recoverPanics let through: the client got no answer.
				record(0, true)
				panic(v)
			}
			status := rec.Status
			if status == 0 && !e.Dropped {
				status = http.StatusOK // the handler wrote nothing
			}
			record(status, e.Dropped)
		}()
		rule, id, ok := c.faults.take(r.Method, p, who, e.ID)
		if !ok {
			next.ServeHTTP(rec, r)
			return
		}
		e.Fault = id
		if rule.Delay > 0 {
			t := time.NewTimer(rule.Delay)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				e.Dropped = true // the client went away
				return
			}
		}
		if !rule.held(r.Context()) {
			e.Dropped = true // the client went away
			return
		}
		switch {
		case rule.Drop:
			// Journaled before the close: the client sees the close at
			// once and may read the journal before a deferred record
			// would land.
			record(0, true)
			drop(w)
		case rule.answers():
			rule.write(rec)
		default:
			rule.pass(rec, r, next)
		}
	})
}

// drop closes the client's connection without an answer.
func drop(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// HTTP/2 or a recorder: abort the handler, which resets the stream.
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}

// identify works out whose request it is, cheaply: the access token
// (Authorization or oauth_token), the client id (form, query or Basic
// auth), the username field (login form, password grant), else the
// browser session.
func (c *API) identify(r *http.Request, form url.Values) requester {
	var who requester
	st := c.d.Store
	auth := r.Header.Get("Authorization")
	scheme, cred, _ := strings.Cut(auth, " ")
	cred = strings.TrimSpace(cred)
	token := ""
	switch {
	case strings.EqualFold(scheme, "Bearer") || strings.EqualFold(scheme, "OAuth"):
		token = cred
	case r.URL.Query().Get("oauth_token") != "":
		token = r.URL.Query().Get("oauth_token")
	case form.Get("refresh_token") != "":
		token = form.Get("refresh_token") // refresh grant
	case form.Get("token") != "":
		token = form.Get("token") // revoke, introspect
	case r.URL.Query().Get("token") != "":
		token = r.URL.Query().Get("token") // revoke by GET
	}
	if token != "" {
		who.OrgID, who.Username, who.ClientID = st.OrgOfToken(token)
	}
	if who.ClientID == "" {
		who.ClientID = form.Get("client_id")
		if who.ClientID == "" {
			who.ClientID = r.URL.Query().Get("client_id")
		}
		if who.ClientID == "" && strings.EqualFold(scheme, "Basic") {
			if id, _, ok := r.BasicAuth(); ok {
				who.ClientID, _ = url.QueryUnescape(id)
			}
		}
	}
	if who.Username == "" {
		who.Username = strings.TrimSpace(form.Get("username"))
		if who.Username != "" && who.OrgID == "" {
			if u, err := st.UserByUsername(who.Username); err == nil {
				who.OrgID = u.OrgID
			}
		}
	}
	if who.OrgID == "" {
		if cookie, err := r.Cookie(web.SessionCookie); err == nil {
			org, username := st.OrgOfSession(cookie.Value)
			who.OrgID = org
			if who.Username == "" {
				who.Username = username
			}
		}
	}
	if who.OrgID == "" && who.ClientID != "" {
		if app, err := st.AppByKey(who.ClientID); err == nil {
			who.OrgID = app.OrgID
		}
	}
	return who
}

// secretFields are masked in the journal: credentials, codes and tokens.
var secretFields = map[string]bool{
	"client_secret": true, "password": true, "pw": true, "code": true, "code_verifier": true,
	"refresh_token": true, "access_token": true, "token": true, "oauth_token": true, "id_token": true,
	"assertion": true, "client_assertion": true, "emc": true, "_confirmationtoken": true,
}

// mask keeps a secret's first four characters, enough to tell an aPrx
// code from a 5Aep refresh token, and hides the rest.
func mask(v string) string {
	head, tail := maskParts(v)
	return head + tail
}

// maskParts is mask(v) as the part of v it keeps and the mark after it,
// for journalValues to write without joining them first.
func maskParts(v string) (head, tail string) {
	if len(v) <= 8 {
		return "", "****"
	}
	return v[:4], "****"
}

// The journal keeps at most maxJournalValue bytes of one value and
// maxEntryValues of all the query's and form's values of one entry, so
// that its 10,000 entries hold at most some 100 MiB whatever requests
// come (a 60 KB state in every authorize URL held 600 MiB); a value cut
// short ends in clipMark and its full length.
const (
	maxJournalValue = 2 << 10
	maxEntryValues  = 8 << 10
	clipMark        = "…[%d bytes]"
)

// journalValues is what the journal keeps of a query's or form's values:
// secrets masked (secretFields, mask), each value then cut to
// maxJournalValue bytes and to what is left of budget, which it spends in
// the order of the keys. Keys are kept: they say what was sent.
// Everything is copied, as a value parsed from the URL may be a slice of
// the whole request line, which the entry would otherwise keep; it is
// done in one pass into one string, one slice and the map, since every
// request mocksf serves makes an entry, and the journal's 10,000 hold
// them for the garbage collector to go through.
func journalValues(vs url.Values, budget *int) map[string][]string {
	if len(vs) == 0 {
		return nil
	}
	var keysArray [8]string
	keys, size, count := keysArray[:0], 0, 0
	for k, list := range vs {
		keys = append(keys, k)
		size += len(k)
		for _, v := range list {
			size += min(len(v), maxJournalValue+len(clipMark)+20)
		}
		count += len(list)
	}
	slices.Sort(keys)
	var b strings.Builder
	b.Grow(size)
	// spans are where each key and value lie in b, in the order written:
	// the string is only made once b is whole.
	type span struct{ start, end int }
	var spansArray [24]span
	spans := spansArray[:0]
	write := func(parts ...string) {
		start := b.Len()
		for _, p := range parts {
			b.WriteString(p)
		}
		spans = append(spans, span{start, b.Len()})
	}
	for _, k := range keys {
		write(k)
		secret := secretFields[strings.ToLower(k)]
		for _, v := range vs[k] {
			head, tail := v, ""
			if secret {
				head, tail = maskParts(v)
			}
			n := len(head) + len(tail)
			if limit := min(maxJournalValue, max(*budget, 0)); n > limit {
				cut := head + tail
				head, tail = strings.ToValidUTF8(cut[:limit], ""), fmt.Sprintf(clipMark, n)
				n = len(head) + len(tail)
			}
			write(head, tail)
			*budget -= n
		}
	}
	all := b.String()
	out := make(map[string][]string, len(keys))
	values := make([]string, count)
	i := 0
	for _, k := range keys {
		key := all[spans[i].start:spans[i].end]
		i++
		list := values[:len(vs[k]):len(vs[k])]
		values = values[len(vs[k]):]
		for j := range list {
			list[j] = all[spans[i].start:spans[i].end]
			i++
		}
		out[key] = list
	}
	return out
}

// maskAuthorization hides an Authorization header's credentials; Basic
// keeps the client id, which is not a secret.
func maskAuthorization(h string) string {
	if h == "" {
		return ""
	}
	scheme, cred, _ := strings.Cut(h, " ")
	if strings.EqualFold(scheme, "Basic") {
		r := http.Request{Header: http.Header{"Authorization": {h}}}
		if id, _, ok := r.BasicAuth(); ok {
			return scheme + " " + id + ":****"
		}
	}
	return scheme + " " + mask(strings.TrimSpace(cred))
}

func collapse(p string) string {
	for strings.Contains(p, "//") {
		p = strings.ReplaceAll(p, "//", "/")
	}
	return p
}
