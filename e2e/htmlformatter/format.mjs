// Writes the official Cucumber HTML report of a Cucumber Messages stream:
//
//	node e2e/htmlformatter/format.mjs < results/messages.ndjson > results/cucumber-report.html
//
// @cucumber/html-formatter 24 has no command of its own (its package.json
// has no "bin"; cucumber-js drives its CucumberHtmlStream), so this is
// that command: one JSON envelope a line in, one self-contained HTML page
// out. A line that is not JSON stops it with the line's number.
import { createInterface } from 'node:readline'
import { pipeline } from 'node:stream/promises'
import { Readable } from 'node:stream'
import { CucumberHtmlStream } from '@cucumber/html-formatter'

async function* envelopes(input) {
  let n = 0
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    n++
    if (line.trim() === '') continue
    try {
      yield JSON.parse(line)
    } catch (err) {
      throw new Error(`line ${n} of the stream is not JSON: ${err.message}`)
    }
  }
}

try {
  await pipeline(Readable.from(envelopes(process.stdin)), new CucumberHtmlStream(), process.stdout)
} catch (err) {
  console.error(`format.mjs: ${err.message}`)
  process.exit(1)
}
