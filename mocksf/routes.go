package mocksf

import (
	"net/http"

	"github.com/gorilla/mux"

	"github.com/sfharness/sfharness/mocksf/control"
	"github.com/sfharness/sfharness/mocksf/identity"
	"github.com/sfharness/sfharness/mocksf/login"
	"github.com/sfharness/sfharness/mocksf/oauth"
	"github.com/sfharness/sfharness/mocksf/rest"
	"github.com/sfharness/sfharness/mocksf/setup"
	"github.com/sfharness/sfharness/mocksf/web"
)

// routes lists every route mocksf serves.
func (s *Server) routes(pages *web.Pages, verifier *identity.Verifier) http.Handler {
	st, log := s.store, s.cfg.Logger
	ld := login.Deps{Store: st, Pages: pages, Verifier: verifier, MaxLoginFailures: s.cfg.MaxLoginFailures, Log: log}
	od := oauth.Deps{Store: st, Pages: pages, BaseURL: s.cfg.BaseURL, InstanceURL: s.cfg.InstanceURL, AuthCodeTTL: s.cfg.AuthCodeTTL,
		AppActivationDelay: s.cfg.AppActivationDelay, Log: log}
	sd := setup.Deps{Store: st, Pages: pages, Verifier: verifier, Log: log}
	api := rest.Deps{Store: st, BaseURL: s.cfg.BaseURL, NewestVersion: s.cfg.NewestAPIVersion}

	// Browser pages carry a session cookie; Setup pages need an admin.
	page := web.WithSession(st)
	admin := func(h http.Handler) http.Handler { return page(setup.RequireAdmin(sd)(h)) }

	r := mux.NewRouter()
	r.SkipClean(true) // collapseSlashes cleans paths instead of a 301

	r.PathPrefix("/static/").Handler(web.Static()).Methods("GET")

	// Login and identity verification (reference §2).
	r.Handle("/", page(login.HandleLoginPage(ld))).Methods("GET")
	r.Handle("/", page(login.HandleLogin(ld))).Methods("POST")
	r.Handle(login.VerifyPath, page(login.HandleVerifyPage(ld))).Methods("GET")
	r.Handle(login.VerifyPath, page(login.HandleVerify(ld))).Methods("POST")
	r.Handle("/secur/logout.jsp", page(login.HandleLogout(ld))).Methods("GET")

	// Setup: connected apps (reference §10).
	r.Handle(setup.HomePath, admin(setup.HandleHome(sd))).Methods("GET")
	r.Handle(setup.AppManagerPath, admin(setup.HandleAppManager(sd))).Methods("GET")
	r.Handle(setup.EditPath, admin(setup.HandleNewApp(sd))).Methods("GET")
	r.Handle(setup.EditPath, admin(setup.HandleCreateApp(sd))).Methods("POST")
	r.Handle(setup.SavedPath, admin(setup.HandleSaved(sd))).Methods("GET")
	r.Handle(setup.DetailPath, admin(setup.HandleDetail(sd))).Methods("GET")
	r.Handle(setup.ManagePath, admin(setup.HandleManageConsumer(sd))).Methods("POST")
	r.Handle(setup.VerifyPath, admin(setup.HandleVerifyPage(sd))).Methods("GET")
	r.Handle(setup.VerifyPath, admin(setup.HandleVerify(sd))).Methods("POST")
	r.Handle(setup.ConsumerPath, admin(setup.HandleConsumerDetails(sd))).Methods("GET")

	// OAuth 2.0 and identity (reference §1, §3–8).
	r.Handle("/services/oauth2/authorize", page(oauth.HandleAuthorize(od))).Methods("GET")
	r.Handle(oauth.ApprovalPath, page(oauth.HandleApprovalPage(od))).Methods("GET")
	r.Handle(oauth.ApprovalPath, page(oauth.HandleApprove(od))).Methods("POST")
	r.Handle("/services/oauth2/token", oauth.HandleToken(od)).Methods("POST")
	r.Handle("/services/oauth2/revoke", oauth.HandleRevoke(od)).Methods("GET", "POST")
	r.Handle("/services/oauth2/userinfo", oauth.HandleUserInfo(od)).Methods("GET", "POST")
	r.Handle("/id/{orgId}/{userId}", oauth.HandleIdentity(od)).Methods("GET", "POST")

	// REST API (reference §11–12).
	r.Handle("/services/data", rest.HandleVersions(api)).Methods("GET")
	r.Handle("/services/data/", rest.HandleVersions(api)).Methods("GET")
	v := r.PathPrefix("/services/data/{version:v[0-9]+\\.[0-9]}").Subrouter()
	v.Use(rest.RequireSession(api))
	v.Handle("/", rest.HandleResources(api)).Methods("GET")
	v.Handle("/sobjects", rest.HandleGlobalDescribe(api)).Methods("GET")
	v.Handle("/sobjects/{object}/describe", rest.HandleDescribe(api)).Methods("GET")
	v.Handle("/sobjects/{object}", rest.HandleSObjectBasic(api)).Methods("GET")
	v.Handle("/sobjects/{object}/{id}", rest.HandleRecord(api)).Methods("GET")
	v.Handle("/query", rest.HandleQuery(api, false)).Methods("GET")
	v.Handle("/queryAll", rest.HandleQuery(api, true)).Methods("GET")
	v.Handle("/query/{locator}", rest.HandleQueryMore(api)).Methods("GET")
	v.Handle("/queryAll/{locator}", rest.HandleQueryMore(api)).Methods("GET")

	// Test control (a test tool: never expose it to the internet).
	r.Handle("/__mocksf/health", control.HandleHealth()).Methods("GET")
	r.Handle("/__mocksf/mail", control.HandleMail(s.mailer)).Methods("GET")

	return recoverPanics(log)(collapseSlashes(r))
}
