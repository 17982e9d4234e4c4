package steps

import (
	"slices"
	"strconv"
	"strings"
)

// uiWord is a label the documentation names (a button or a checkbox) or
// a word a step passes on to its method, in the catalogue's three
// languages: English as today's pages and the English steps have it,
// Dutch and Japanese as the documentation's translations write it
// (/work/shared/docs/seed-docs). IDs are the elements the label names on
// mocksf's and the product's pages, which do not change with the
// language (mocksf/web/templates, client/templates; internal/steps/sfpages.go).
type uiWord struct {
	EN, NL, JA string
	IDs        []string
}

// uiWords are every such label and word: the one place the Dutch and
// Japanese steps' quoted labels are tied to the pages. A step clicks or
// ticks a label in any of its wordings on a page in any language, found
// by its text or, where a page's own translation differs from the
// documentation's, by the element's id.
var uiWords = []uiWord{
	// Part 1, in Setup ("Nieuwe Verbonden App", "Opslaan", ...).
	{"New Connected App", "Nieuwe Verbonden App", "新しく接続されたアプリ", []string{sfNewConnectedApp}},
	{"Save", "Opslaan", "保存", []string{"saveTop", "saveCredentials"}},
	{"Continue", "Doorgaan", "続行", []string{"continue"}},
	{"Add", "Toevoegen", "追加", []string{sfAddScope}},
	{"Enable OAuth Settings", "OAuth-instellingen inschakelen", "OAuth設定を有効にする", []string{"oauthEnabled"}},
	// Not in the documentation, which names them in English only: the
	// wording of mocksf's own translated pages (mocksf/locales).
	{"Create a Connected App", "Een verbonden app maken", "接続されたアプリを作成", nil},
	{"Manage Consumer Details", "Consumentgegevens beheren", "コンシューマーの詳細を管理", []string{"manageConsumerDetails"}},
	// The External Client App's checkbox: not in the documentation,
	// which predates External Client Apps; worded as the one above.
	{"Enable OAuth", "OAuth inschakelen", "OAuthを有効化", []string{"oauthEnabled"}},
	// Part 2, in the pop-up and the product.
	{"Verify", "Verifiëren", "検証", []string{sfVerify}},
	{"Allow", "Toestaan", "許可", []string{sfAllow}},
	// The Japanese documentation keeps the button's English name.
	{"Login with Salesforce", "Aanmelden met Salesforce", "Login with Salesforce", []string{"loginWithSalesforce"}},
	{"Confirm Credentials", "Credentials bevestigen", "資格情報を確認", []string{"confirmCredentials"}},
	{"Start Salesforce Sync", "Salesforce Sync starten", "開始Salesforce同期", []string{"startSalesforceSync"}},
	{"Start Sync", "Sync starten", "開始同期", []string{"startSync"}},

	// Words the steps' methods read (docs/steps*.md).
	{"minutes", "minuten", "分", nil},
	{"hours", "uur", "時間", nil},
	{"ticks", "vinkt aan", "チェックを入れる", nil},
	{"unticks", "vinkt uit", "チェックを外す", nil},
	{"ticked", "aangevinkt", "オン", nil},
	{"not ticked", "niet aangevinkt", "オフ", nil},
	{"a dropped connection", "een verbroken verbinding", "切断された接続", nil},
}

// uiWordOf is the entry with s among its wordings.
func uiWordOf(s string) (uiWord, bool) {
	i := slices.IndexFunc(uiWords, func(u uiWord) bool { return s == u.EN || s == u.NL || s == u.JA })
	if i < 0 {
		return uiWord{}, false
	}
	return uiWords[i], true
}

// inEnglish is s in English when it is one of uiWords' wordings, or s:
// what a step's method compares a word it was given with.
func inEnglish(s string) string {
	if u, ok := uiWordOf(s); ok {
		return u.EN
	}
	return s
}

// labelTexts are the texts a label may have on a page: the label itself
// first, then its other wordings.
func labelTexts(label string) []string {
	out := []string{label}
	if u, ok := uiWordOf(label); ok {
		for _, t := range []string{u.EN, u.NL, u.JA} {
			if !slices.Contains(out, t) {
				out = append(out, t)
			}
		}
	}
	return out
}

// labelIDs are the ids of the elements a documented label names, for a
// page whose translation of it is not the documentation's.
func labelIDs(label string) []string {
	u, _ := uiWordOf(label)
	return u.IDs
}

// jsStrings is a JavaScript array literal of the strings.
func jsStrings(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = strconv.Quote(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}
