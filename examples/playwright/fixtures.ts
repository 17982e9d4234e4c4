import { test as base, type Page } from '@playwright/test';
import { Beacon } from './beacon';
import { Mocksf, type Org, type UserSpec } from './mocksf';

/** The org of a test, with its admin and sync user. */
export interface TestOrg extends Org {
  admin: UserSpec;
  syncUser: UserSpec;
}

export const test = base.extend<{
  /** mocksf's control API. */
  mocksf: Mocksf;
  /** A fresh org of the documented prerequisites, deleted after the test. */
  org: TestOrg;
  /** The Salesforce admin's browser: its own context, so its own cookies. */
  salesforceAdmin: Page;
  /** Beacon in the product admin's browser (the default page). */
  beacon: Beacon;
}>({
  mocksf: async ({ request }, use) => {
    await use(new Mocksf(env('MOCKSF_URL'), request));
  },

  org: async ({ mocksf }, use, testInfo) => {
    // Usernames are unique across every org of a mocksf, which outlives a test.
    const id = `${Date.now().toString(36)}-${testInfo.workerIndex}-${testInfo.repeatEachIndex}`;
    const admin: UserSpec = { username: `admin-${id}@acme.test`, password: 'Admin-Pass-1',
      firstName: 'Avery', lastName: 'Admin', admin: true };
    const syncUser: UserSpec = { username: `sync-${id}@acme.test`, password: 'Sync-Pass-1',
      firstName: 'Sam', lastName: 'Sync' };
    const org = await mocksf.createOrg({
      name: 'Acme',
      users: [admin, syncUser],
      records: {
        Lead: [{ FirstName: 'Ada', LastName: 'Lovelace', Company: 'Analytical Engines', Email: 'ada@example.com' }],
        Account: [{ Name: 'Analytical Engines', Industry: 'Technology' }],
        generate: { Lead: 2500, Contact: 500, Account: 200 },
      },
    });
    await use({ ...org, admin, syncUser });
    await mocksf.deleteOrg(org.id);
  },

  salesforceAdmin: async ({ browser }, use) => {
    const context = await browser.newContext();
    await use(await context.newPage());
    await context.close();
  },

  beacon: async ({ page }, use) => {
    await use(new Beacon(page, env('CLIENT_URL')));
  },
});

export { expect } from '@playwright/test';

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: global-setup.ts sets it, or set it to a running one`);
  return value;
}
