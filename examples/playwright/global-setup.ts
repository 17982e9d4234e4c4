import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

// The programs `make build` writes into the repository's bin/.
const bin = process.env.SFHARNESS_BIN ?? path.resolve(__dirname, '../../bin');
// Their output, kept after the run for a failure's post-mortem.
const logs = path.join(__dirname, 'logs');

/**
 * Starts bin/mocksf and bin/client (Beacon) on free ports and hands their
 * URLs to the tests as MOCKSF_URL and CLIENT_URL. Returns the global
 * teardown, which stops both by their PIDs. With MOCKSF_URL and CLIENT_URL
 * already set it starts nothing: the tests use those.
 */
export default async function globalSetup(): Promise<(() => Promise<void>) | void> {
  if (process.env.MOCKSF_URL && process.env.CLIENT_URL) return;

  const dir = mkdtempSync(path.join(tmpdir(), 'sfharness-playwright-'));
  // An empty seed: each test creates the org it needs (POST /__mocksf/orgs).
  const seed = path.join(dir, 'empty.yaml');
  writeFileSync(seed, 'orgs: []\n');
  mkdirSync(logs, { recursive: true });

  const started: ChildProcess[] = [];
  const teardown = async () => {
    for (const child of started.reverse()) await stop(child);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const mocksf = await start('mocksf', ['-addr', '127.0.0.1:0', '-seed', seed], started);
    // The product's timings are the Go suite's (internal/steps/world.go), so
    // that make compare-playwright compares the runners, not the settings.
    const client = await start('client',
      ['-addr', '127.0.0.1:0', '-db', '', '-salesforce', mocksf, '-sync-interval', '1s',
        '-status-poll', '25ms', '-popup-grace', '200ms'], started);
    process.env.MOCKSF_URL = mocksf;
    process.env.CLIENT_URL = client;
  } catch (err) {
    await teardown();
    throw err;
  }
  return teardown;
}

/**
 * Runs bin/NAME and resolves to the URL it prints once it serves
 * ("NAME listening on URL"). Its output goes to logs/NAME.log.
 */
async function start(name: string, args: string[], started: ChildProcess[]): Promise<string> {
  const log = path.join(logs, `${name}.log`);
  const child = spawn(path.join(bin, name), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  const out = createWriteStream(log);
  child.stderr!.pipe(out);

  const ready = `${name} listening on `;
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within 30s (${log})`)), 30_000);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`start ${path.join(bin, name)}: ${err.message} (run make build)`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before it served (${log})`));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      out.write(line + '\n');
      if (line.startsWith(ready)) {
        clearTimeout(timer);
        resolve(line.slice(ready.length).trim());
      }
    });
  });
}

/** Stops a started program by its PID: SIGTERM, then SIGKILL after 5s. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  process.kill(child.pid, 'SIGTERM');
  const pid = child.pid;
  const timer = setTimeout(() => process.kill(pid, 'SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}
