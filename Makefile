# Salesforce OAuth e2e harness. `make help` lists the targets.
# bash, not Debian's sh (dash): the recipes wait for a port with bash's
# /dev/tcp, which dash lacks (its loops ran out their 10 s instead).
SHELL := /bin/bash
GO      ?= go
FEATURE ?=
TAGS    ?=
SHARD   ?=
RETRIES ?= 0
TRACE   ?=
HEADED  ?=
# TYPING: insert (default) or keys, how the steps type into fields.
TYPING  ?=
N       ?= 20
# CONCURRENCY: scenarios at once (default: two per CPU, chosen by measurement: docs/performance.md).
CONCURRENCY ?=
SMTP    ?=
CHROME_URL ?=
# CHROMIUM: the Chromium program to start (default chromium-headless-shell
# for a headless run when installed, else chromium).
CHROMIUM ?=
MAILPIT_URL ?=
MOCKSF_URL ?=
CLIENT_URL ?=
# PRODUCT: the product profile (default profiles/beacon.yaml).
PRODUCT ?=
# INSTANCE_HOSTS: the e2e mocksf's instance hosts, per-org or shared.
INSTANCE_HOSTS ?= per-org
# RESULTS_DIR: the e2e results folder, replaced at the start of each run;
# relative to where make runs (passed on as an absolute path). FORMAT:
# the console's godog format, pretty or progress. README lists the rest.
RESULTS_DIR ?= results
FORMAT  ?= pretty
E2E_ENV = FEATURE="$(FEATURE)" TAGS="$(TAGS)" SHARD="$(SHARD)" RETRIES="$(RETRIES)" TRACE="$(TRACE)" HEADED="$(HEADED)" TYPING="$(TYPING)" \
	SMTP="$(SMTP)" CHROME_URL="$(CHROME_URL)" CHROMIUM="$(CHROMIUM)" MAILPIT_URL="$(MAILPIT_URL)" \
	MOCKSF_URL="$(MOCKSF_URL)" CLIENT_URL="$(CLIENT_URL)" PRODUCT="$(PRODUCT)" INSTANCE_HOSTS="$(INSTANCE_HOSTS)" \
	RESULTS_DIR="$(abspath $(RESULTS_DIR))" FORMAT="$(FORMAT)"
E2E_ARGS = $(if $(CONCURRENCY),-godog.concurrency=$(CONCURRENCY))
MOCKSF_ADDR ?= 127.0.0.1:8080
CLIENT_ADDR ?= 127.0.0.1:9000

.DEFAULT_GOAL := help
.PHONY: fonts slds help e2e unit-browser e2e-sfsteps playwright-deps compare-playwright report steps-check e2e-repeat e2e-smtp e2e-mailpit e2e-remote-browser e2e-external e2e-goth steps test vet lint fmt-check unit chromium build run clean fuzz bench load soak node conformance e2e-playwright wrk token-wrk

help: ## list the targets
	@grep -hE '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  %-10s %s\n", $$1, $$2}'

e2e: chromium fonts ## run the features in headless Chromium into a fresh results/ (FEATURE=features/x.feature:12 TAGS='@smoke and not @wip' SHARD=1/2 RETRIES=1 TRACE=1 CONCURRENCY=1 INSTANCE_HOSTS=shared RESULTS_DIR=out FORMAT=progress; README lists all)
	$(E2E_ENV) $(GO) test -count=1 -timeout 20m $(E2E_FLAGS) -v ./e2e/ $(E2E_ARGS)

# The log of each run stays outside RESULTS_DIR, which the run replaces;
# a failed run's log is copied into it.
e2e-repeat: chromium fonts ## run the suite N times in a row (default 20), stopping at the first failure
	@log=$$(mktemp); trap 'rm -f "$$log"' EXIT; for i in $$(seq 1 $(N)); do \
		echo "=== e2e run $$i of $(N)"; \
		$(E2E_ENV) $(GO) test -count=1 -timeout 20m -v -run TestFeatures ./e2e/ $(E2E_ARGS) > "$$log" 2>&1 || { \
			cat "$$log"; cp "$$log" "$(abspath $(RESULTS_DIR))/run.log" 2>/dev/null; echo "run $$i of $(N) failed"; exit 1; }; \
		grep -E "^[0-9]+ (passed,|scenarios in|flaky)" "$$log"; \
	done; echo "$(N) runs passed"

# Debian's python3, which python3-aiosmtpd installs into (not a pyenv one).
DEBIAN_PYTHON ?= /usr/bin/python3
CHROMIUM_FLAGS = --headless --no-sandbox --disable-gpu --disable-background-networking \
	--disable-component-update --disable-sync --no-first-run --disable-quic \
	--disable-features=Translate,BlinkGenPropertyTrees,WebUIOmniboxPopup,WebUIOmniboxAimPopup

e2e-smtp: chromium ## the suite with mail relayed through an external SMTP server (Debian's python3-aiosmtpd on SMTP_PORT, default 2525)
	@$(DEBIAN_PYTHON) -c 'import aiosmtpd' 2>/dev/null || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y python3-aiosmtpd; \
		else echo "Install it with: sudo apt-get install -y python3-aiosmtpd" >&2; exit 1; fi; }
	@port=$${SMTP_PORT:-2525}; $(DEBIAN_PYTHON) -m aiosmtpd -n -l 127.0.0.1:$$port > /dev/null 2>&1 & pid=$$!; \
	trap 'kill $$pid 2>/dev/null; wait $$pid 2>/dev/null' EXIT; trap 'exit 130' INT; trap 'exit 143' TERM; \
	for i in $$(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/$$port) 2>/dev/null && break; sleep 0.1; done; \
	echo "aiosmtpd (pid $$pid) on 127.0.0.1:$$port"; \
	$(MAKE) e2e SMTP=127.0.0.1:$$port

e2e-remote-browser: chromium ## the suite driving a separately started Chromium through CHROME_URL (port CDP_PORT, default 9222)
	@port=$${CDP_PORT:-9222}; dir=$$(mktemp -d); \
	chromium $(CHROMIUM_FLAGS) --user-data-dir=$$dir --remote-debugging-address=127.0.0.1 --remote-debugging-port=$$port about:blank > /dev/null 2>&1 & pid=$$!; \
	trap 'kill $$pid 2>/dev/null; wait $$pid 2>/dev/null; rm -rf $$dir' EXIT; trap 'exit 130' INT; trap 'exit 143' TERM; \
	for i in $$(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/$$port) 2>/dev/null && break; sleep 0.1; done; \
	echo "chromium (pid $$pid) on 127.0.0.1:$$port"; \
	$(MAKE) e2e CHROME_URL=http://127.0.0.1:$$port

e2e-external: chromium build ## the @smoke scenarios against separately started bin/mocksf and bin/client (MOCKSF_URL, CLIENT_URL)
	@dir=$$(mktemp -d); printf 'orgs: []\n' > $$dir/empty.yaml; \
	bin/mocksf -addr 127.0.0.1:0 -seed $$dir/empty.yaml -instance-hosts $(INSTANCE_HOSTS) > $$dir/mocksf.out 2>&1 & mpid=$$!; \
	trap 'kill $$mpid $$cpid 2>/dev/null; wait $$mpid $$cpid 2>/dev/null; rm -rf $$dir' EXIT; trap 'exit 130' INT; trap 'exit 143' TERM; \
	for i in $$(seq 1 100); do grep -q 'listening on' $$dir/mocksf.out && break; sleep 0.1; done; \
	murl=$$(sed -n 's/^mocksf listening on //p' $$dir/mocksf.out); \
	bin/client -addr 127.0.0.1:0 -db "" -salesforce $$murl > $$dir/client.out 2>&1 & cpid=$$!; \
	for i in $$(seq 1 100); do grep -q 'listening on' $$dir/client.out && break; sleep 0.1; done; \
	curl_url=$$(sed -n 's/^client listening on //p' $$dir/client.out); \
	echo "mocksf (pid $$mpid) at $$murl, client (pid $$cpid) at $$curl_url"; \
	$(MAKE) e2e MOCKSF_URL=$$murl CLIENT_URL=$$curl_url TAGS='@smoke and not @wip'

e2e-goth: chromium ## the @product-half scenarios against the goth example product (examples/goth: markbates/goth, login by redirect) with profiles/goth.yaml, beside a separately started bin/mocksf
	$(GO) build -o bin/ ./cmd/mocksf ./examples/goth/cmd/gothdemo
	@dir=$$(mktemp -d); printf 'orgs: []\n' > $$dir/empty.yaml; \
	bin/mocksf -addr 127.0.0.1:0 -seed $$dir/empty.yaml -instance-hosts $(INSTANCE_HOSTS) > $$dir/mocksf.out 2>&1 & mpid=$$!; \
	trap 'kill $$mpid $$gpid 2>/dev/null; wait $$mpid $$gpid 2>/dev/null; rm -rf $$dir' EXIT; trap 'exit 130' INT; trap 'exit 143' TERM; \
	for i in $$(seq 1 100); do grep -q 'listening on' $$dir/mocksf.out && break; sleep 0.1; done; \
	murl=$$(sed -n 's/^mocksf listening on //p' $$dir/mocksf.out); \
	bin/gothdemo -addr 127.0.0.1:0 -salesforce $$murl > $$dir/goth.out 2>&1 & gpid=$$!; \
	for i in $$(seq 1 100); do grep -q 'listening on' $$dir/goth.out && break; sleep 0.1; done; \
	gurl=$$(sed -n 's/^gothdemo listening on //p' $$dir/goth.out); \
	echo "mocksf (pid $$mpid) at $$murl, gothdemo (pid $$gpid) at $$gurl"; \
	$(MAKE) e2e MOCKSF_URL=$$murl CLIENT_URL=$$gurl PRODUCT=profiles/goth.yaml TAGS='@product-half and not @wip'

e2e-sfsteps: chromium fonts ## the example module examples/sfsteps (its own go.mod): a team's own product and godog suite importing sfsteps, vetted and tested (its scenario in headless Chromium against an in-process mocksf)
	cd examples/sfsteps && $(GO) vet ./... && $(GO) test -race -count=1 ./...

# MAILPIT_VERSION pins the real Mailpit make e2e-mailpit builds from the Go
# module proxy (toolchain notes: v1.33.1 builds; older ones are refused)
# into .cache/, once.
MAILPIT_VERSION ?= v1.33.1
MAILPIT = .cache/mailpit-$(MAILPIT_VERSION)/mailpit

$(MAILPIT):
	@echo "Building Mailpit $(MAILPIT_VERSION) into $(dir $(MAILPIT)) (minutes, once)..."
	GOBIN=$(CURDIR)/$(dir $(MAILPIT)) GOFLAGS=-mod=mod $(GO) install github.com/axllent/mailpit@$(MAILPIT_VERSION)

e2e-mailpit: chromium $(MAILPIT) ## the suite with mocksf relaying its mail to a real Mailpit (pinned, built into .cache/) and the steps reading the codes through MAILPIT_URL (ports MAILPIT_HTTP_PORT, MAILPIT_SMTP_PORT; default 8025, 1025)
	@http=$${MAILPIT_HTTP_PORT:-8025}; smtp=$${MAILPIT_SMTP_PORT:-1025}; dir=$$(mktemp -d); \
	$(MAILPIT) --listen 127.0.0.1:$$http --smtp 127.0.0.1:$$smtp --database $$dir/mailpit.db --disable-version-check --quiet > $$dir/mailpit.out 2>&1 & pid=$$!; \
	trap 'kill $$pid 2>/dev/null; wait $$pid 2>/dev/null; rm -rf $$dir' EXIT; trap 'exit 130' INT; trap 'exit 143' TERM; \
	for i in $$(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/$$http) 2>/dev/null && break; sleep 0.1; done; \
	kill -0 $$pid 2>/dev/null || { cat $$dir/mailpit.out; echo "Mailpit did not start: are ports $$http and $$smtp free? (MAILPIT_HTTP_PORT, MAILPIT_SMTP_PORT)" >&2; exit 1; }; \
	echo "mailpit (pid $$pid) on 127.0.0.1:$$http (SMTP $$smtp)"; \
	$(MAKE) e2e SMTP=127.0.0.1:$$smtp MAILPIT_URL=http://127.0.0.1:$$http

# HTMLFORMATTER_DIR pins the official Cucumber HTML formatter (npm
# @cucumber/html-formatter) that make report-cucumber runs over the
# run's messages.ndjson (package.json and package-lock.json); its
# node_modules stays out of git and is installed again by npm ci whenever
# the lock file changes.
HTMLFORMATTER_DIR = e2e/htmlformatter
HTMLFORMATTER_STAMP = $(HTMLFORMATTER_DIR)/node_modules/.installed-lock.json

.PHONY: report-cucumber

report-cucumber: node chromium ## the official Cucumber HTML report (npm @cucumber/html-formatter 24.2.0, pinned) of the last run's RESULTS_DIR/messages.ndjson into RESULTS_DIR/cucumber-report.html, then checks the formatter renders a stream of the report code in Chromium
	@if ! cmp -s $(HTMLFORMATTER_DIR)/package-lock.json $(HTMLFORMATTER_STAMP); then \
		start=$$(date +%s); \
		(cd $(HTMLFORMATTER_DIR) && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) || exit 1; \
		cp $(HTMLFORMATTER_DIR)/package-lock.json $(HTMLFORMATTER_STAMP); \
		echo "npm ci took $$(( $$(date +%s) - start ))s"; \
	fi
	@in="$(abspath $(RESULTS_DIR))/messages.ndjson"; out="$(abspath $(RESULTS_DIR))/cucumber-report.html"; \
	if [ ! -f "$$in" ]; then echo "No $$in: run make e2e first (every run writes it; RESULTS_DIR names the folder)" >&2; exit 1; fi; \
	start=$$(date +%s%N); node $(HTMLFORMATTER_DIR)/format.mjs < "$$in" > "$$out.tmp" && mv "$$out.tmp" "$$out" || { rm -f "$$out.tmp"; exit 1; }; \
	echo "$$out: $$(( $$(stat -c %s "$$out") / 1024 )) KiB from $$(( $$(stat -c %s "$$in") / 1024 )) KiB of messages in $$(( ($$(date +%s%N) - start) / 1000000 )) ms"; \
	msg=$$(tail -n 1 "$$in" | sed -n 's/^{"testRunFinished":{"message":"\(.*\)","success".*/\1/p'); \
	if [ -n "$$msg" ]; then echo "NOTE: $$msg. cucumber-report.html does not show this; report.html has every scenario and says when a run was cut short" >&2; fi
	$(GO) test -count=1 -tags htmlformatter -run 'TestCucumberHTMLFormatter|TestMakeReportCucumber' ./e2e/

# SHARDS: the results folders of CI shards (each run with SHARD=i/n and
# its own RESULTS_DIR) that make report merges into RESULTS_DIR.
SHARDS ?=

report: ## merge CI shards' results folders into one report, JUnit and Cucumber JSON in a fresh RESULTS_DIR (SHARDS='results-1 results-2'); fails when a merged scenario failed
	$(GO) run ./cmd/e2ereport -o "$(abspath $(RESULTS_DIR))" $(foreach d,$(SHARDS),"$(abspath $(d))")

steps: ## regenerate docs/steps.md, docs/steps.nl.md and docs/steps.ja.md, the step catalogue in English, Dutch and Japanese, internal/steps/locales/en.toml, the English of the Dutch and Japanese explanations (locales/nl.toml, ja.toml), and internal/steps/catalog_steps.go, its literal step registrations, from internal/steps/catalog.go
	$(GO) test -count=1 -run TestStepCatalogueIsCurrent ./internal/steps/ -update-steps

# LANGSERVICE_DIR pins the Cucumber language service (VS Code's Cucumber
# extension's) that make steps-check runs over internal/steps/ (package.json and
# package-lock.json); its node_modules stays out of git and is installed
# again by npm ci whenever the lock file changes.
LANGSERVICE_DIR = internal/steps/langservice
LANGSERVICE_STAMP = $(LANGSERVICE_DIR)/node_modules/.installed-lock.json

steps-check: node ## the Cucumber language service (npm @cucumber/language-service, pinned) finds every catalogue step in internal/steps/ in its three languages, and every step of features/ (nl and ja too) defined, as VS Code's Cucumber extension does
	@if ! cmp -s $(LANGSERVICE_DIR)/package-lock.json $(LANGSERVICE_STAMP); then \
		start=$$(date +%s); \
		(cd $(LANGSERVICE_DIR) && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) || exit 1; \
		cp $(LANGSERVICE_DIR)/package-lock.json $(LANGSERVICE_STAMP); \
		echo "npm ci took $$(( $$(date +%s) - start ))s"; \
	fi
	$(GO) test -count=1 -tags langservice -run 'TestLanguageService|TestStepCatalogueIsCurrent' ./internal/steps/ -v

test: vet lint fmt-check unit ## go vet, staticcheck, gofmt, unit tests with -race, then the e2e suite with -race
	$(MAKE) unit-browser
	$(MAKE) e2e E2E_FLAGS=-race

vet: ## go vet every package
	$(GO) vet ./...

lint: ## staticcheck every package (pinned in go.mod's tool directive, run with go tool)
	$(GO) tool staticcheck ./...

fmt-check: ## fail when a file is not gofmt'ed
	@out="$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))"; \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

unit: ## unit and handler tests of every package but e2e and the steps (which drive Chromium: make unit-browser), with the race detector
	$(GO) test -race -count=1 $$($(GO) list ./... | grep -v -e '/e2e$$' -e '/internal/steps$$')

unit-browser: chromium fonts ## the tests of the steps (internal/steps, sfsteps), some in headless Chromium, with the race detector
	$(GO) test -race -count=1 ./internal/steps/ ./sfsteps/

chromium: ## install Debian's chromium and chromium-headless-shell (the headless runs' browser) when missing (as root; otherwise prints the command; without root a missing shell only falls back to chromium)
	@missing=""; for p in chromium chromium-headless-shell; do command -v $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
		echo "Installing Debian's$$missing..."; \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y$$missing; \
	elif [ "$$missing" = " chromium-headless-shell" ]; then \
		echo "chromium-headless-shell is missing: headless runs use chromium, slower. Install it with:" >&2; \
		echo "  sudo apt-get update && sudo apt-get install -y chromium-headless-shell" >&2; \
	else \
		echo "Missing:$$missing. Install with:" >&2; \
		echo "  sudo apt-get update && sudo apt-get install -y$$missing" >&2; \
		exit 1; \
	fi

# fonts: Chromium draws Japanese with a CJK font or not at all (empty
# boxes in screenshots and failure artefacts of features/ja). Installed
# with apt-get install alone when the package lists already know it,
# after apt-get update otherwise; -y and DEBIAN_FRONTEND=noninteractive
# with no standard input, as .ci/run runs it. Without root, or when the
# install fails, it says so (with the command) and the suite runs on:
# only the pictures need the font.
fonts: ## install Debian's fonts-noto-cjk when missing (as root; otherwise prints the command), so screenshots of Japanese pages are readable
	@if dpkg-query -W -f='$${Status}' fonts-noto-cjk 2>/dev/null | grep -q 'ok installed' || \
		fc-list :lang=ja family 2>/dev/null | grep -q .; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
		echo "Installing Debian's fonts-noto-cjk package..."; \
		DEBIAN_FRONTEND=noninteractive apt-get install -y fonts-noto-cjk < /dev/null 2>/dev/null || \
		{ apt-get update < /dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y fonts-noto-cjk < /dev/null; } || \
		echo "Could not install fonts-noto-cjk: Japanese pages show as empty boxes in screenshots" >&2; \
	else \
		echo "No CJK font: Japanese pages show as empty boxes in screenshots. Install one with:" >&2; \
		echo "  sudo apt-get update && sudo apt-get install -y fonts-noto-cjk" >&2; \
	fi

node: ## install Debian's nodejs and npm when missing (as root; otherwise prints the command); Node 20 or newer is needed
	@if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "Installing Debian's nodejs and npm packages..."; \
			apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y nodejs npm; \
		else \
			echo "Node.js or npm is missing. Install them with:" >&2; \
			echo "  sudo apt-get update && sudo apt-get install -y nodejs npm" >&2; \
			exit 1; \
		fi; \
	fi; \
	major=$$(node -p 'process.versions.node.split(".")[0]'); \
	if [ "$$major" -lt 20 ]; then echo "Node.js $$(node --version) is too old: the pinned Salesforce CLI and jsforce need 20 or newer (docs/conformance.md)" >&2; exit 1; fi

# CONFORMANCE_DIR pins the real clients make conformance runs
# (package.json and package-lock.json); its node_modules stays out of git
# and is installed again by npm ci whenever the lock file changes.
CONFORMANCE_DIR = conformance
CONFORMANCE_STAMP = $(CONFORMANCE_DIR)/node_modules/.installed-lock.json

conformance: node ## the Salesforce CLI and jsforce, pinned from npm, against an in-process mocksf (cmd/sfconform, docs/conformance.md); fails on any failed check
	@if ! cmp -s $(CONFORMANCE_DIR)/package-lock.json $(CONFORMANCE_STAMP); then \
		start=$$(date +%s); \
		(cd $(CONFORMANCE_DIR) && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) || exit 1; \
		cp $(CONFORMANCE_DIR)/package-lock.json $(CONFORMANCE_STAMP); \
		echo "npm ci took $$(( $$(date +%s) - start ))s"; \
	fi
	$(GO) run ./cmd/sfconform -dir $(CONFORMANCE_DIR)

# PLAYWRIGHT_DIR is the Playwright Test example (docs/other-runners.md):
# its package.json and package-lock.json pin @playwright/test and
# playwright-core; its node_modules stays out of git and is installed
# again by npm ci whenever the lock file changes. It drives Debian's
# Chromium, never a browser Playwright downloads.
PLAYWRIGHT_DIR = examples/playwright
PLAYWRIGHT_STAMP = $(PLAYWRIGHT_DIR)/node_modules/.installed-lock.json

e2e-playwright: playwright-deps chromium fonts build ## the documented flow as a Playwright Test suite (TypeScript, examples/playwright, pinned from npm) in Debian's Chromium against bin/mocksf and bin/client on free ports; fails on any failed test
	cd $(PLAYWRIGHT_DIR) && node_modules/.bin/playwright test

playwright-deps: node
	@if ! cmp -s $(PLAYWRIGHT_DIR)/package-lock.json $(PLAYWRIGHT_STAMP); then \
		start=$$(date +%s); \
		(cd $(PLAYWRIGHT_DIR) && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) || exit 1; \
		cp $(PLAYWRIGHT_DIR)/package-lock.json $(PLAYWRIGHT_STAMP); \
		echo "npm ci took $$(( $$(date +%s) - start ))s"; \
	fi

# ROUNDS: make compare-playwright's alternating rounds.
ROUNDS ?= 5

compare-playwright: playwright-deps chromium fonts build ## the documented flow in the harness against the same flow as a Playwright Test script (examples/playwright), ROUNDS alternating rounds (default 5): each round's times, the medians and the ratio (cmd/flowcompare; docs/performance.md)
	$(GO) run ./cmd/flowcompare -rounds $(ROUNDS)

# SLDS_DIR pins the Salesforce Lightning Design System (package.json and
# package-lock.json); its node_modules stays out of git.
SLDS_DIR = mocksf/web/slds
SLDS_CSS = $(SLDS_DIR)/node_modules/@salesforce-ux/design-system/assets/styles/salesforce-lightning-design-system.min.css

slds: ## regenerate mocksf/web/static/slds.css, the subset of the pinned Lightning Design System's CSS mocksf embeds (needs npm)
	cd $(SLDS_DIR) && npm ci --ignore-scripts --no-audit --no-fund
	node $(SLDS_DIR)/subset.js $(SLDS_CSS) mocksf/web/static/slds.css
	cp $(SLDS_DIR)/node_modules/@salesforce-ux/design-system/scss/License-for-Sass.txt mocksf/web/static/LICENSE-slds.txt

build: ## build bin/mocksf, bin/client and the other commands, and bin/gothdemo (examples/goth)
	$(GO) build -o bin/ ./cmd/... ./examples/goth/cmd/...

# KEEP: make run keeps the client's database in .run/beacon.db (make clean
# removes it); without it each run starts on a temporary one.
KEEP ?=

run: build ## start mocksf and the client together for a person to click through; Ctrl-C stops both (KEEP=1 keeps the client's data in .run/)
	@$(if $(KEEP),mkdir -p .run && )bin/sfrun -mocksf-addr $(MOCKSF_ADDR) -client-addr $(CLIENT_ADDR) $(if $(KEEP),-db .run/beacon.db)

# make goth-example: the goth example product (examples/goth) on
# 127.0.0.1:9100, gothdemo's default and the Callback URL of the connected
# app in examples/goth/seed.yaml, whose key and secret go into its page.
.PHONY: goth-example
goth-example: ## start mocksf on MOCKSF_ADDR, seeded with examples/goth/seed.yaml, and the goth example product (examples/goth, markbates/goth) on 127.0.0.1:9100 for a person to click through; Ctrl-C stops both
	$(GO) build -o bin/ ./cmd/mocksf ./examples/goth/cmd/gothdemo
	@bin/mocksf -addr $(MOCKSF_ADDR) -seed examples/goth/seed.yaml & mpid=$$!; \
	bin/gothdemo -salesforce http://$(MOCKSF_ADDR) & gpid=$$!; \
	trap 'kill $$mpid $$gpid 2>/dev/null; wait' EXIT; trap 'exit 0' INT TERM; \
	echo "Open http://127.0.0.1:9100/ and save the Consumer Key and Secret of examples/goth/seed.yaml; log in as sync@gothdemo.test / Sync-Pass-1."; \
	while kill -0 $$mpid 2>/dev/null && kill -0 $$gpid 2>/dev/null; do sleep 1; done; exit 1

clean: ## remove build output, results, make run's kept data (.run) and the Mailpit build (.cache)
	rm -rf bin results .run .cache

# FUZZTIME: how long make fuzz runs each fuzz target: a duration (10s) or a
# count of inputs (20000x, which cannot hit Go 1.26's fuzztime race; README).
FUZZTIME ?= 10s

fuzz: ## run every fuzz target (func Fuzz* in *_test.go) for FUZZTIME each (default 10s); new finds stay in the build cache
	@set -e; for f in $$(grep -rl --include='*_test.go' '^func Fuzz' . | sort); do \
		for t in $$(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' $$f); do \
			echo "=== $$t ($$(dirname $$f))"; \
			$(GO) test -run '^$$' -fuzz "^$$t\$$" -fuzztime $(FUZZTIME) $$(dirname $$f); \
		done; \
	done

# BENCH: the benchmarks make bench runs (a -bench regexp); BENCHCOUNT: runs
# of each, 6 being the fewest benchstat gives a confidence interval for.
BENCH      ?= .
BENCHCOUNT ?= 6
BENCHSTAT  = golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da

bench: ## the Go benchmarks (token endpoint with and without openid, the token store under 500,000 live tokens, full flows, query over 100,000 Leads, describe, ...) into results/bench.txt, with a benchstat summary (BENCH=Flow BENCHCOUNT=10)
	@mkdir -p results
	$(GO) test -run '^$$' -bench '$(BENCH)' -benchmem -count $(BENCHCOUNT) ./mocksf/... ./cmd/sfload/ 2>&1 | tee results/bench.txt
	@! grep -qE '^(FAIL|--- FAIL|panic:)' results/bench.txt
	@$(GO) run $(BENCHSTAT) results/bench.txt > results/benchstat.txt 2>&1 && cat results/benchstat.txt \
		|| echo "benchstat did not run (no module proxy?): results/bench.txt is its input"

wrk: ## install Debian's wrk when it is missing (as root; otherwise prints the command), for make token-wrk
	@if command -v wrk >/dev/null 2>&1; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
		echo "Installing Debian's wrk package..."; \
		DEBIAN_FRONTEND=noninteractive apt-get install -y wrk < /dev/null || \
		{ apt-get update < /dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y wrk < /dev/null; }; \
	else \
		echo "wrk is missing. Install it with:" >&2; \
		echo "  sudo apt-get update && sudo apt-get install -y wrk" >&2; \
		exit 1; \
	fi

# WRK_ROUNDS: rounds of make token-wrk, each running wrk against each side.
WRK_ROUNDS ?= 10

token-wrk: wrk ## refreshes at the token endpoint against a bare net/http handler, with and without openid, measured with wrk in WRK_ROUNDS alternating rounds (default 10): each round's req/s and CPU per request, the medians and the ratios (sfload -token-wrk; docs/performance.md)
	$(GO) run ./cmd/sfload -token-wrk -token-wrk-openid -token-wrk-rounds $(WRK_ROUNDS) -token-wrk-duration 3s

# SOAK_CONCURRENCY: requests at once in each make soak run.
SOAK_CONCURRENCY ?= 8

soak: ## memory under endless load, not part of make test: 100,000 cookie-less authorize requests with a 15,000-byte state, 10,000 queries of 20,000 Leads, 1,000,000 refreshes, each against an in-process mocksf, printing VmRSS before, during and after (docs/security.md, "Bounds")
	$(GO) run ./cmd/sfload -start -soak authorize -n 100000 -concurrency $(SOAK_CONCURRENCY) -records 0
	$(GO) run ./cmd/sfload -start -soak query -n 10000 -concurrency $(SOAK_CONCURRENCY) -records 20000
	$(GO) run ./cmd/sfload -start -soak refresh -n 1000000 -concurrency $(SOAK_CONCURRENCY) -records 0

load: ## 1,000 browserless OAuth flows, 200 at a time, against an in-process mocksf (cmd/sfload, docs/performance.md); fails on any error
	$(GO) run ./cmd/sfload -start -concurrency 200 -flows 1000 -duration 60s -orgs 20 -records 2000 -timeout 30s
