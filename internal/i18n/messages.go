package i18n

import "io/fs"

// Messages returns the messages of one file of a catalogue ("nl.toml"),
// as go-i18n reads them: by key (a key inside a TOML table is
// "table.key"), each its text (the "other" form, which is all a message
// without plural forms has). It is for a catalogue whose English is in
// the caller's Go code rather than in en.toml, and which is checked
// against that code; Check is for one whose reference is en.toml.
func Messages(fsys fs.FS, name string) (map[string]string, error) {
	msgs, err := readMessages(fsys, name)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(msgs))
	for key, m := range msgs {
		out[key] = m.Other
	}
	return out, nil
}
