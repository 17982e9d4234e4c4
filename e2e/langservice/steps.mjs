// Asks the Cucumber language service (@cucumber/language-service, what
// VS Code's Cucumber extension uses) for the step definitions it finds in
// the Go files under a folder, as the extension does with the glue glob of
// .vscode/settings.json, and prints them as JSON:
//
//	node steps.mjs ../   ->  {"expressions": ["^...$", ...], "errors": ["..."]}
//
// TestLanguageServiceFindsEveryStep (e2e/langservice_test.go) runs it
// and compares with the step catalogue; make steps-check runs that test.
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve, sep } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { ExpressionBuilder } from '@cucumber/language-service'
import { WasmParserAdapter } from '@cucumber/language-service/wasm'

const here = dirname(fileURLToPath(import.meta.url))
const dir = resolve(process.argv[2] ?? join(here, '..'))
// The Go grammar the service parses with ships in the package's dist/.
const adapter = new WasmParserAdapter(join(here, 'node_modules/@cucumber/language-service/dist'))
await adapter.init()

// Every .go file under dir, as the glob e2e/**/*.go reads them, but
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
console.log(JSON.stringify({
  expressions: result.expressionLinks.map((l) => l.expression.source),
  uris: result.expressionLinks.map((l) => `${l.locationLink.targetUri}:${l.locationLink.targetSelectionRange.start.line + 1}`),
  errors: result.errors.map((e) => String(e.message ?? e)),
}, null, 2))
