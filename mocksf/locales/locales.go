// Package locales is mocksf's message catalogue: the words of its
// browser pages and of the verification mail in each language it speaks
// (en.toml, nl.toml, ja.toml), read by internal/i18n.
//
// mocksf has one catalogue for all its pages rather than one per package:
// the pages share the layout (global header, Setup tree) and buttons such
// as Save and Cancel, a translator reviews one file per language, and one
// completeness test covers everything mocksf shows. Keys are prefixed with
// the page or part they belong to ("verify.title", "chrome.setup").
//
// OAuth and REST error strings are not here: Salesforce sends them in
// English whatever the user's language, and so does mocksf.
package locales

import (
	"embed"
	"io/fs"

	"github.com/sfharness/sfharness/internal/i18n"
)

//go:embed *.toml
var files embed.FS

// Files is the catalogue's files, for i18n.Check.
func Files() fs.FS { return files }

// Catalogue is mocksf's messages in every language it speaks.
var Catalogue = i18n.MustNew(files)
