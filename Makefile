# Salesforce OAuth e2e harness. `make help` lists the targets.
GO      ?= go
FEATURE ?=
TAGS    ?=
SHARD   ?=
RETRIES ?= 0
TRACE   ?=
N       ?= 20
# CONCURRENCY: scenarios at once (default: one per CPU).
CONCURRENCY ?=
E2E_ENV = FEATURE="$(FEATURE)" TAGS="$(TAGS)" SHARD="$(SHARD)" RETRIES="$(RETRIES)" TRACE="$(TRACE)"
E2E_ARGS = $(if $(CONCURRENCY),-godog.concurrency=$(CONCURRENCY))
MOCKSF_ADDR ?= 127.0.0.1:8080
CLIENT_ADDR ?= 127.0.0.1:9000

.DEFAULT_GOAL := help
.PHONY: help e2e e2e-repeat steps test vet fmt-check unit chromium build run clean

help: ## list the targets
	@grep -hE '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  %-10s %s\n", $$1, $$2}'

e2e: chromium ## run the features in headless Chromium (FEATURE=features/x.feature:12 TAGS='@smoke and not @wip' SHARD=1/2 RETRIES=1 TRACE=1 CONCURRENCY=1)
	$(E2E_ENV) $(GO) test -count=1 -timeout 20m $(E2E_FLAGS) -v ./e2e/ $(E2E_ARGS)

e2e-repeat: chromium ## run the suite N times in a row (default 20), stopping at the first failure
	@mkdir -p results; for i in $$(seq 1 $(N)); do \
		echo "=== e2e run $$i of $(N)"; \
		$(E2E_ENV) $(GO) test -count=1 -timeout 20m -run TestFeatures ./e2e/ $(E2E_ARGS) > results/run.log 2>&1 || { cat results/run.log; echo "run $$i of $(N) failed"; exit 1; }; \
		grep -E "^[0-9]+ (passed|scenarios|flaky)" results/run.log; \
	done; echo "$(N) runs passed"

steps: ## regenerate docs/steps.md, the step catalogue, from e2e/catalog.go
	$(GO) test -count=1 -run TestStepCatalogueIsCurrent ./e2e/ -update-steps

test: vet fmt-check unit ## go vet, gofmt, unit tests with -race, then the e2e suite with -race
	$(MAKE) e2e E2E_FLAGS=-race

vet: ## go vet every package
	$(GO) vet ./...

fmt-check: ## fail when a file is not gofmt'ed
	@out="$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))"; \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

unit: ## unit and handler tests of every package but e2e, with the race detector
	$(GO) test -race -count=1 $$($(GO) list ./... | grep -v '/e2e$$')

chromium: ## install Debian's chromium when it is missing (as root; otherwise prints the command)
	@if command -v chromium >/dev/null 2>&1; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
		echo "Installing Debian's chromium package..."; \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; \
	else \
		echo "Chromium is missing. Install it with:" >&2; \
		echo "  sudo apt-get update && sudo apt-get install -y chromium" >&2; \
		exit 1; \
	fi

build: ## build bin/mocksf and bin/client
	$(GO) build -o bin/ ./cmd/...

run: build ## start mocksf and the client together for a person to click through
	@echo "mocksf: http://$(MOCKSF_ADDR)/ (admin@acme.test / Admin-Pass-1, sync@acme.test / Sync-Pass-1)"
	@echo "client: http://$(CLIENT_ADDR)/admin  (codes: http://$(MOCKSF_ADDR)/__mocksf/mail)"
	@trap 'kill 0' INT TERM EXIT; \
	bin/mocksf -addr $(MOCKSF_ADDR) & \
	bin/client -addr $(CLIENT_ADDR) -salesforce http://$(MOCKSF_ADDR) & \
	wait

clean: ## remove build output and results
	rm -rf bin results
