// Asks the Cucumber language service (@cucumber/language-service, what
// VS Code's Cucumber extension uses) for the step definitions it finds in
// the Go files under a folder, as the extension does with the glue glob of
// .vscode/settings.json, and prints them as JSON; given a features folder
// too, it also lists the steps of its .feature files (in any Gherkin
// language: "# language: nl", "# language: ja") that the service would
// underline as undefined:
//
//	node steps.mjs ../   ->  {"expressions": ["^...$", ...], "errors": ["..."]}
//	node steps.mjs . ../features  ->  {..., "features": 3, "undefined": ["features/x.feature:12: ..."]}
//
// TestLanguageServiceFindsEveryStep (internal/steps/langservice_test.go) runs it
// and compares with the step catalogue; make steps-check runs that test.
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve, sep } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { ExpressionBuilder, getGherkinDiagnostics } from '@cucumber/language-service'
import { WasmParserAdapter } from '@cucumber/language-service/wasm'

const here = dirname(fileURLToPath(import.meta.url))
const dir = resolve(process.argv[2] ?? join(here, '..'))
// The Go grammar the service parses with ships in the package's dist/.
const adapter = new WasmParserAdapter(join(here, 'node_modules/@cucumber/language-service/dist'))
await adapter.init()

// Every .go file under dir, as the glob internal/steps/**/*.go reads them, but
// node_modules.
const files = readdirSync(dir, { recursive: true })
  .filter((name) => name.endsWith('.go') && !name.split(sep).includes('node_modules'))
  .sort()
const sources = files.map((name) => ({
  languageName: 'go',
  uri: pathToFileURL(join(dir, name)).href,
  content: readFileSync(join(dir, name), 'utf8'),
}))
const result = new ExpressionBuilder(adapter).build(sources, [])

// The features' undefined steps, as the extension's diagnostics say.
const featureDir = process.argv[3] && resolve(process.argv[3])
const featureFiles = featureDir
  ? readdirSync(featureDir, { recursive: true }).filter((name) => name.endsWith('.feature')).sort()
  : []
const expressions = result.expressionLinks.map((l) => l.expression)
const undefinedSteps = featureFiles.flatMap((name) =>
  getGherkinDiagnostics(readFileSync(join(featureDir, name), 'utf8'), expressions)
    .map((d) => `${name}:${d.range.start.line + 1}: ${d.message}`))

console.log(JSON.stringify({
  expressions: result.expressionLinks.map((l) => l.expression.source),
  uris: result.expressionLinks.map((l) => `${l.locationLink.targetUri}:${l.locationLink.targetSelectionRange.start.line + 1}`),
  errors: result.errors.map((e) => String(e.message ?? e)),
  features: featureFiles.length,
  undefined: undefinedSteps,
}, null, 2))
