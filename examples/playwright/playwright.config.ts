import { existsSync } from 'node:fs';
import { defineConfig } from '@playwright/test';

// Debian's chromium-headless-shell, Chromium's old headless mode, which
// Playwright itself runs for headless tests (and the Go suite too, by
// default), when it is installed; Debian's chromium otherwise.
const shell = '/usr/bin/chromium-headless-shell';
const chromium = existsSync(shell) ? shell : '/usr/bin/chromium';

// The documented Salesforce OAuth setup flow against mocksf (the fake
// Salesforce) and Beacon (the product). global-setup.ts starts both from
// the repository's bin/ on free ports, unless MOCKSF_URL and CLIENT_URL
// name running ones.
export default defineConfig({
  testDir: './tests',
  globalSetup: './global-setup.ts',
  // One Beacon serves every test and keeps one Salesforce connection, so
  // tests run one at a time.
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  // Each action and assertion waits at most 15 s, as each step of the Go
  // suite does; the whole test may take minutes on a loaded CI machine
  // (1.6 min measured on 2 busy cores, 25 s on quiet ones).
  timeout: 5 * 60_000,
  expect: { timeout: 15_000 },
  reporter: [['list'], ['html', { open: 'never' }]],
  use: {
    actionTimeout: 15_000,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    // Debian's Chromium, not one Playwright downloads. Playwright gives
    // each launch a fresh profile directory of its own.
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? chromium,
      args: [
        '--no-sandbox', // Chromium runs as root here
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
});
