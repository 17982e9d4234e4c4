import { expect, type Page } from '@playwright/test';
import type { UserSpec } from './mocksf';

/**
 * The element ids of the Salesforce pages these tests act on, Salesforce's
 * own where its pages have them (the Go suite's internal/steps/sfpages.go,
 * docs/mocksf-pages.md).
 */
export const sf = {
  // The login page.
  username: '#username',
  password: '#password',
  logIn: '#Login',
  // Verify Your Identity: the emailed code and Verify.
  code: '#emc',
  verify: '#save',
  // Allow Access.
  allow: '#oaapprove',
  approvalUsername: '#approvalUsername',
  // The global header's gear menu, Setup's sidebar, App Manager.
  setupGear: '#setupGear',
  setupMenuItem: '#setupMenuItem',
  appManager: '#appManager',
  newConnectedApp: '#newConnectedApp',
  // New Connected App: the chooser, then the form.
  createConnectedApp: '#createConnectedApp',
  continue: '#continue',
  appName: '#name',
  apiName: '#apiName',
  contactEmail: '#contactEmail',
  enableOAuth: '#oauthEnabled',
  callbackUrl: '#callbackUrl',
  availableScopes: '#availableScopes',
  selectedScopes: '#selectedScopes',
  addScope: '#addScope',
  save: '#save',
  // The app's page and its Consumer Key and Secret.
  manageConsumerDetails: '#manageConsumerDetails',
  consumerKey: '#consumerKey',
  consumerSecret: '#consumerSecret',
} as const;

/** Fills the login page and clicks Log In; Salesforce then asks for the emailed code. */
export async function logIn(page: Page, user: Pick<UserSpec, 'username' | 'password'>): Promise<void> {
  await page.locator(sf.username).fill(user.username);
  await page.locator(sf.password).fill(user.password);
  await page.locator(sf.logIn).click();
  await expect(page).toHaveTitle(/^Verify Your Identity/);
}

/** Types the emailed code on Verify Your Identity and clicks Verify. */
export async function verifyIdentity(page: Page, code: string): Promise<void> {
  await page.locator(sf.code).fill(code);
  await page.locator(sf.verify).click();
}
