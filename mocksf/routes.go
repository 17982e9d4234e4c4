package mocksf

import (
	"net/http"
	"strings"

	"github.com/gorilla/mux"

	"github.com/sfharness/sfharness/mocksf/control"
	"github.com/sfharness/sfharness/mocksf/identity"
	"github.com/sfharness/sfharness/mocksf/login"
	"github.com/sfharness/sfharness/mocksf/oauth"
	"github.com/sfharness/sfharness/mocksf/rest"
	"github.com/sfharness/sfharness/mocksf/setup"
	"github.com/sfharness/sfharness/mocksf/soap"
	"github.com/sfharness/sfharness/mocksf/web"
)

// routes lists every route mocksf serves.
func (s *Server) routes(pages *web.Pages, verifier *identity.Verifier) http.Handler {
	st, log := s.store, s.cfg.Logger
	ld := login.Deps{Store: st, Pages: pages, Verifier: verifier, MaxLoginFailures: s.cfg.MaxLoginFailures, Log: log}
	ident := oauth.Identity{Store: st, BaseURL: s.cfg.BaseURL, Hosts: s.hosts, NewestAPIVersion: s.cfg.NewestAPIVersion}
	od := oauth.Deps{Identity: ident, Pages: pages, AuthCodeTTL: s.cfg.AuthCodeTTL,
		AppActivationDelay: s.cfg.AppActivationDelay, Log: log, IDTokenTTL: s.cfg.IDTokenTTL,
		MaxLoginFailures: s.cfg.MaxLoginFailures, ExternalClientAppPasswordFlow: s.cfg.ExternalClientAppPasswordFlow,
		SecurityTokenFromLoopback: s.cfg.SecurityTokenFromLoopback, KeepTokensOnCodeReplay: s.cfg.KeepTokensOnCodeReplay,
		KeepTokensOnRefreshReplay: s.cfg.KeepTokensOnRefreshReplay, AllowJWTReplay: s.cfg.AllowJWTReplay,
		MaxAuthorizeURI: s.cfg.MaxAuthorizeURI}
	soapd := soap.Deps{Store: st, Hosts: s.hosts, NewestVersion: s.cfg.NewestAPIVersion, MaxLoginFailures: s.cfg.MaxLoginFailures,
		SecurityTokenFromLoopback: s.cfg.SecurityTokenFromLoopback, RetiredLoginFault: s.cfg.SOAPRetiredLoginFault, Log: log}
	sd := setup.Deps{Store: st, Pages: pages, Verifier: verifier, Log: log,
		RestrictConnectedApps: func(orgID string) bool { o, err := st.Org(orgID); return err == nil && o.RestrictConnectedApps }}
	api := rest.New(rest.Deps{Store: st, BaseURL: s.cfg.BaseURL, Hosts: s.hosts, APIOnLoginHost: s.cfg.APIOnLoginHost, NewestVersion: s.cfg.NewestAPIVersion,
		Router: &rest.Router{}, Bulk: s.cfg.Bulk, Cursors: s.cfg.QueryCursors})

	// Browser pages carry a session cookie; Setup pages need an admin.
	page := web.WithSession(st)
	admin := func(h http.Handler) http.Handler { return page(setup.RequireAdmin(st, pages)(h)) }

	r := mux.NewRouter()
	r.SkipClean(true) // collapseSlashes cleans paths instead of a 301

	// A path that names nothing: the REST API's NOT_FOUND under the data
	// and Bulk APIs, Salesforce's URL No Longer Exists page elsewhere.
	notFound := notFoundHandler(page(web.HandleNotFound(pages)), rest.HandleNotFound())
	r.NotFoundHandler = notFound
	r.PathPrefix("/static/").Handler(web.Static(notFound)).Methods("GET")

	// Login and identity verification (reference §2).
	r.Handle("/", page(login.HandleLoginPage(st, pages))).Methods("GET")
	r.Handle("/", page(login.HandleLogin(ld))).Methods("POST")
	r.Handle(login.VerifyPath, page(login.HandleVerifyPage(st, pages))).Methods("GET")
	r.Handle(login.VerifyPath, page(login.HandleVerify(ld))).Methods("POST")
	r.Handle("/secur/logout.jsp", page(login.HandleLogout(st))).Methods("GET")
	r.Handle(login.ForgotPasswordPath, login.HandleForgotPassword(pages)).Methods("GET")
	r.Handle(login.CustomDomainPath, login.HandleCustomDomain(pages)).Methods("GET")

	// Lightning home, where a login without a start URL lands.
	r.Handle(setup.LightningHomePath, page(setup.RequireLogin(st)(setup.HandleLightningHome(st, pages)))).Methods("GET")

	// Setup: connected apps (reference §10).
	r.Handle(setup.HomePath, admin(setup.HandleHome(sd))).Methods("GET")
	r.Handle(setup.AppManagerPath, admin(setup.HandleAppManager(sd))).Methods("GET")
	r.Handle(setup.ChoosePath, admin(setup.HandleChooseAppType(sd))).Methods("GET")
	r.Handle(setup.ChoosePath, admin(setup.HandleChosenAppType(sd))).Methods("POST")
	r.Handle(setup.EditPath, admin(setup.HandleEditApp(sd))).Methods("GET").Queries("applicationId", "{applicationId}")
	r.Handle(setup.EditPath, admin(setup.HandleUpdateApp(sd))).Methods("POST").Queries("applicationId", "{applicationId}")
	r.Handle(setup.EditPath, admin(setup.HandleNewApp(sd))).Methods("GET")
	r.Handle(setup.EditPath, admin(setup.HandleCreateApp(sd))).Methods("POST")
	r.Handle(setup.SavedPath, admin(setup.HandleSaved(sd))).Methods("GET")
	r.Handle(setup.DetailPath, admin(setup.HandleDetail(sd))).Methods("GET")
	r.Handle(setup.DeletePath, admin(setup.HandleDeletePage(sd))).Methods("GET")
	r.Handle(setup.DeletePath, admin(setup.HandleDeleteApp(sd))).Methods("POST")
	r.Handle(setup.ManageAppsPath, admin(setup.HandleManageApps(sd))).Methods("GET")
	r.Handle(setup.ManageAppPath, admin(setup.HandleManageApp(sd))).Methods("GET")
	r.Handle(setup.ManageAppPath, admin(setup.HandleBlockApp(sd))).Methods("POST")
	r.Handle(setup.PoliciesPath, admin(setup.HandlePoliciesPage(sd))).Methods("GET")
	r.Handle(setup.PoliciesPath, admin(setup.HandleSavePolicies(sd))).Methods("POST")
	r.Handle(setup.ManagePath, admin(setup.HandleManageConsumer(sd))).Methods("POST")
	r.Handle(setup.VerifyPath, admin(setup.HandleVerifyPage(sd))).Methods("GET")
	r.Handle(setup.VerifyPath, admin(setup.HandleVerify(sd))).Methods("POST")
	r.Handle(setup.ConsumerPath, admin(setup.HandleConsumerDetails(sd))).Methods("GET")

	// Setup: External Client Apps (salesforce-today.md §1;
	// docs/mocksf-pages.md).
	r.Handle(setup.ECAManagerPath, admin(setup.HandleECAManager(sd))).Methods("GET")
	r.Handle(setup.ECANewPath, admin(setup.HandleNewECA(sd))).Methods("GET")
	r.Handle(setup.ECANewPath, admin(setup.HandleCreateECA(sd))).Methods("POST")
	r.Handle(setup.ECADetailPath, admin(setup.HandleECADetail(sd))).Methods("GET")
	r.Handle(setup.ECAEditSettingsPath, admin(setup.HandleEditECA(sd))).Methods("GET")
	r.Handle(setup.ECAEditSettingsPath, admin(setup.HandleUpdateECA(sd))).Methods("POST")
	r.Handle(setup.ECAPoliciesPath, admin(setup.HandleECAPoliciesPage(sd))).Methods("GET")
	r.Handle(setup.ECAPoliciesPath, admin(setup.HandleSaveECAPolicies(sd))).Methods("POST")
	r.Handle(setup.ECAConsumerPath, admin(setup.HandleECAConsumerDetails(sd))).Methods("GET")
	r.Handle(setup.ECAConsumerPath, admin(setup.HandleECAConsumer(sd))).Methods("POST")
	r.Handle(setup.ECAVerifyPath, admin(setup.HandleECAVerifyPage(sd))).Methods("GET")
	r.Handle(setup.ECAVerifyPath, admin(setup.HandleECAVerify(sd))).Methods("POST")
	r.Handle(setup.ECADeletePath, admin(setup.HandleECADeletePage(sd))).Methods("GET")
	r.Handle(setup.ECADeletePath, admin(setup.HandleECADelete(sd))).Methods("POST")
	r.Handle(setup.ECASettingsPath, admin(setup.HandleECASettings(sd))).Methods("GET")
	r.Handle(setup.ECASettingsPath, admin(setup.HandleSaveECASettings(sd))).Methods("POST")
	r.Handle(setup.LightningAppPath, admin(setup.HandleLightningApp(sd))).Methods("GET")

	// OAuth 2.0 and identity (reference §1, §3–8).
	r.Handle("/services/oauth2/authorize", page(oauth.HandleAuthorize(od))).Methods("GET")
	r.Handle("/services/oauth2/authorize", page(oauth.HandleAuthorizePost(od))).Methods("POST")
	r.Handle(oauth.ApprovalPath, page(oauth.HandleApprovalPage(od))).Methods("GET")
	r.Handle(oauth.ApprovalPath, page(oauth.HandleApprove(od))).Methods("POST")
	r.Handle("/services/oauth2/token", oauth.HandleToken(od)).Methods("POST")
	r.Handle("/services/oauth2/revoke", oauth.HandleRevoke(st)).Methods("GET", "POST")
	r.Handle("/services/oauth2/userinfo", oauth.HandleUserInfo(ident, s.cfg.UserInfoOnlyOAuthToken)).Methods("GET", "POST")
	r.Handle("/services/oauth2/introspect", oauth.HandleIntrospect(od)).Methods("POST")
	r.Handle("/.well-known/openid-configuration", oauth.HandleDiscovery(ident)).Methods("GET")
	r.Handle("/id/keys", oauth.HandleKeys()).Methods("GET")
	r.Handle("/id/{orgId}/{userId}", oauth.HandleIdentity(ident)).Methods("GET", "POST")

	// REST API (reference §11–12; docs/mocksf-rest.md). Everything under
	// a version, its 404 and 405 answers included, goes through
	// RequireSession: bearer token, daily API allocation, version.
	// rest.Methods routes by method and answers others 405. A trailing
	// slash is trimmed before routing (trimTrailingSlash), so each
	// resource has one route.
	r.Handle("/services/data", rest.HandleVersions(api)).Methods("GET")
	r.Handle("/services/data/", rest.HandleVersions(api)).Methods("GET")
	v := r.PathPrefix("/services/data/{version:v[0-9]+\\.[0-9]}").Subrouter()
	v.Use(rest.RequireSession(api))
	v.NotFoundHandler = rest.RequireSession(api)(rest.HandleNotFound())
	get := func(h http.Handler) rest.Methods { return rest.Methods{"GET": h} }
	v.Handle("", get(rest.HandleResources(api)))
	v.Handle("/limits", get(rest.HandleLimits(api)))
	v.Handle("/sobjects", get(rest.HandleGlobalDescribe(api)))
	v.Handle("/sobjects/{object}/describe", get(rest.HandleDescribe(api)))
	v.Handle("/sobjects/{object}/updated", get(rest.HandleUpdated(api)))
	v.Handle("/sobjects/{object}/deleted", get(rest.HandleDeleted(api)))
	v.Handle("/sobjects/{object}", rest.Methods{"GET": rest.HandleSObjectBasic(api), "POST": rest.HandleCreate(api)})
	record, byExternalID := rest.HandleRecord(api), rest.HandleExternalID(api)
	v.Handle("/sobjects/{object}/{id}", rest.Methods{"GET": record, "PATCH": record, "DELETE": record})
	v.Handle("/sobjects/{object}/{field}/{value}", rest.Methods{"GET": byExternalID, "PATCH": byExternalID, "DELETE": byExternalID})
	v.Handle("/query", get(rest.HandleQuery(api, false)))
	v.Handle("/queryAll", get(rest.HandleQuery(api, true)))
	v.Handle("/query/{locator}", get(rest.HandleQueryMore(api)))
	v.Handle("/queryAll/{locator}", get(rest.HandleQueryMore(api)))
	v.Handle("/recent", get(rest.HandleRecent(api)))
	search := rest.HandleParameterizedSearch(api)
	v.Handle("/search", get(rest.HandleSearch(api)))
	v.Handle("/parameterizedSearch", rest.Methods{"GET": search, "POST": search})
	v.Handle("/tooling/query", get(rest.HandleToolingQuery(api)))
	v.Handle("/tooling/sobjects", get(rest.HandleToolingGlobalDescribe()))
	v.Handle("/tooling/sobjects/{object}/describe", get(rest.HandleToolingDescribe()))

	// SObject Collections and Composite (docs/mocksf-rest.md, "Composite
	// and collections"); subrequests go back through this router.
	collections, retrieve := rest.HandleCollections(api), rest.HandleCollectionRetrieve(api)
	v.Handle("/composite/sobjects", rest.Methods{"POST": collections, "PATCH": collections, "DELETE": collections})
	v.Handle("/composite/sobjects/{object}", rest.Methods{"GET": retrieve, "POST": retrieve})
	v.Handle("/composite/sobjects/{object}/{field}", rest.Methods{"PATCH": rest.HandleCollectionUpsert(api)})
	v.Handle("/composite", rest.Methods{"POST": rest.HandleComposite(api)})
	v.Handle("/composite/batch", rest.Methods{"POST": rest.HandleBatch(api)})
	v.Handle("/composite/tree/{object}", rest.Methods{"POST": rest.HandleTree(api)})

	// SOAP partner API: login, getUserInfo, logout (docs/mocksf-soap.md).
	// serverUrl ends in the org's 15-character ID; every method reaches
	// the handler, which answers other than POST with a SOAP fault.
	r.Handle("/services/Soap/u/{version}", soap.HandleSOAP(soapd))
	r.Handle("/services/Soap/u/{version}/{orgId}", soap.HandleSOAP(soapd))

	// Bulk API 2.0 (docs/mocksf-rest.md, "Bulk API 2.0").
	v.Handle("/jobs/ingest", rest.Methods{"GET": rest.HandleBulkJobs(api, "ingest"), "POST": rest.HandleCreateIngestJob(api)})
	ingestJob := rest.HandleBulkJob(api, "ingest")
	v.Handle("/jobs/ingest/{jobId}", rest.Methods{"GET": ingestJob, "PATCH": ingestJob, "DELETE": ingestJob})
	v.Handle("/jobs/ingest/{jobId}/batches", rest.Methods{"PUT": rest.HandleUploadJobData(api)})
	v.Handle("/jobs/ingest/{jobId}/successfulResults", get(rest.HandleIngestJobResults(api, rest.SuccessfulResults)))
	v.Handle("/jobs/ingest/{jobId}/failedResults", get(rest.HandleIngestJobResults(api, rest.FailedResults)))
	v.Handle("/jobs/ingest/{jobId}/unprocessedrecords", get(rest.HandleIngestJobResults(api, rest.UnprocessedRecords)))
	v.Handle("/jobs/query", rest.Methods{"GET": rest.HandleBulkJobs(api, "query"), "POST": rest.HandleCreateQueryJob(api)})
	queryJob := rest.HandleBulkJob(api, "query")
	v.Handle("/jobs/query/{jobId}", rest.Methods{"GET": queryJob, "PATCH": queryJob, "DELETE": queryJob})
	v.Handle("/jobs/query/{jobId}/results", get(rest.HandleQueryJobResults(api)))

	// Test control (a test tool: never expose it to the internet).
	// Health is open to all, for readiness polling; the rest is Guarded:
	// loopback only (address and Host), or only with -control-token
	// (docs/mocksf-control.md).
	cd := control.New(control.Deps{Store: st, Mailer: s.mailer, Clock: s.clock, Seed: s.seed,
		BaseURL: s.cfg.BaseURL, Hosts: s.hosts, JournalSize: s.cfg.JournalSize, Log: log})
	r.Handle("/__mocksf/health", control.HandleHealth()).Methods("GET")
	guard := control.Guard(s.cfg.ControlToken, s.cfg.BaseURL, s.cfg.InstanceURL)
	r.Handle("/__mocksf/orgs", guard(control.HandleCreateOrg(cd))).Methods("POST")
	r.Handle("/__mocksf/orgs", guard(control.HandleListOrgs(cd))).Methods("GET")
	r.Handle("/__mocksf/orgs/{id}", guard(control.HandleGetOrg(cd))).Methods("GET")
	r.Handle("/__mocksf/orgs/{id}", guard(control.HandleDeleteOrg(cd))).Methods("DELETE")
	r.Handle("/__mocksf/orgs/{id}/records/{object}", guard(control.HandleInsertRecords(cd))).Methods("POST")
	r.Handle("/__mocksf/orgs/{id}/revoke", guard(control.HandleRevoke(cd))).Methods("POST")
	r.Handle("/__mocksf/orgs/{id}/clock", guard(control.HandleGetOrgClock(cd))).Methods("GET")
	r.Handle("/__mocksf/orgs/{id}/clock", guard(control.HandleSetOrgClock(cd))).Methods("POST")
	r.Handle("/__mocksf/orgs/{id}/users/{username}", guard(control.HandleUpdateUser(cd))).Methods("PATCH")
	r.Handle("/__mocksf/orgs/{id}/connectedApps/{consumerKey}", guard(control.HandleUpdateApp(cd))).Methods("PATCH")
	r.Handle("/__mocksf/orgs/{id}/externalClientApps/{consumerKey}", guard(control.HandleUpdateExternalClientApp(cd))).Methods("PATCH")
	r.Handle("/__mocksf/reset", guard(control.HandleReset(cd))).Methods("POST")
	r.Handle("/__mocksf/faults", guard(control.HandleAddFault(cd))).Methods("POST")
	r.Handle("/__mocksf/faults", guard(control.HandleListFaults(cd))).Methods("GET")
	r.Handle("/__mocksf/faults", guard(control.HandleClearFaults(cd))).Methods("DELETE")
	r.Handle("/__mocksf/faults/{id}", guard(control.HandleGetFault(cd))).Methods("GET")
	r.Handle("/__mocksf/faults/{id}", guard(control.HandleDeleteFault(cd))).Methods("DELETE")
	r.Handle("/__mocksf/clock", guard(control.HandleGetClock(cd))).Methods("GET")
	r.Handle("/__mocksf/clock", guard(control.HandleSetClock(cd))).Methods("POST")
	r.Handle("/__mocksf/requests", guard(control.HandleRequests(cd))).Methods("GET")
	r.Handle("/__mocksf/requests", guard(control.HandleClearRequests(cd))).Methods("DELETE")
	r.Handle("/__mocksf/mail", guard(control.HandleMail(s.mailer))).Methods("GET")
	r.Handle("/__mocksf/mail", guard(control.HandleClearMail(s.mailer))).Methods("DELETE")

	api.Router.Set(r)

	// The journal and fault rules see every request first, inside the
	// headers every answer carries.
	secure := secureResponses(strings.HasPrefix(s.cfg.BaseURL, "https://"))
	return secure(cd.Observe(recoverPanics(log)(collapseSlashes(trimTrailingSlash(r)))))
}

// notFoundHandler answers a path no route names: one of the REST and Bulk
// APIs (/services/data/, /services/async/), whose clients read JSON, with
// api's NOT_FOUND, any other with page. (Which answer Salesforce gives to
// other /services/ paths, such as an unknown /services/oauth2/ one, no
// source says: mocksf shows the page; docs/mocksf-pages.md.)
func notFoundHandler(page, api http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/services/data/") || strings.HasPrefix(r.URL.Path, "/services/async/") {
			api.ServeHTTP(w, r)
			return
		}
		page.ServeHTTP(w, r)
	})
}
