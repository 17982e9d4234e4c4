package client

import "github.com/sfharness/sfharness/internal/i18n"

// message is what the admin reads before it is put in their language: a
// key of Beacon's catalogue (client/locales) with the values of its
// placeholders, or a text that is not Beacon's to translate (an error's
// own words, or a message stored before a restart).
type message struct {
	key string
	// args are the placeholders' names and values in pairs, as
	// i18n.Localizer.T takes them; a value that is a message is put in
	// the same language first.
	args []any
	text string
}

// msg is the catalogue's message key with the placeholders' names and
// values in pairs: msg(keyUnavailable, "Status", 503).
func msg(key string, args ...any) message { return message{key: key, args: args} }

// verbatim is a text shown as it is, in any language.
func verbatim(text string) message { return message{text: text} }

// isZero reports whether m is no message at all.
func (m message) isZero() bool { return m.key == "" && m.text == "" }

// in is m in l's language. A key the catalogue lacks shows as the key
// (i18n.Localizer.MustT), which TestMessagesRender rules out.
func (m message) in(l *i18n.Localizer) string {
	if m.key == "" {
		return m.text
	}
	return l.MustT(m.key, localizeArgs(l, m.args)...)
}

// localizeArgs puts the messages among args in l's language.
func localizeArgs(l *i18n.Localizer, args []any) []any {
	out := make([]any, len(args))
	for i, a := range args {
		if m, ok := a.(message); ok {
			a = m.in(l)
		}
		out[i] = a
	}
	return out
}

// inAll is ms in l's language.
func inAll(l *i18n.Localizer, ms []message) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.in(l)
	}
	return out
}
