import { expect, type Locator, type Page } from '@playwright/test';

/** Beacon, the product under test: its admin's Sync with Salesforce page. */
export class Beacon {
  readonly confirmDialog: Locator;
  readonly syncStatus: Locator;

  constructor(readonly page: Page, readonly url: string) {
    this.confirmDialog = page.getByRole('dialog', { name: 'Confirm Salesforce credentials' });
    this.syncStatus = page.locator('#sync-status');
  }

  /** The Callback URL the connected app needs, as Beacon's page shows it. */
  get callbackUrl(): string {
    return new URL('/salesforce/getSfdcOAuthTokensRedirect', this.url).href;
  }

  /** Admin, CRM, Sync with Salesforce. */
  async openSyncWithSalesforce(): Promise<void> {
    await this.page.goto(new URL('/admin', this.url).href);
    await this.page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'CRM' }).click();
    await this.page.getByRole('link', { name: 'Sync with Salesforce' }).click();
    await expect(this.page.getByRole('heading', { level: 1 })).toHaveText('Sync with Salesforce');
  }

  /** Enters the connected app's Consumer Key and Secret and clicks Save. */
  async saveCredentials(consumerKey: string, consumerSecret: string): Promise<void> {
    await this.page.getByLabel('Consumer Key').fill(consumerKey);
    await this.page.getByLabel('Consumer Secret').fill(consumerSecret);
    await this.page.getByRole('button', { name: 'Save' }).click();
    await expect(this.page.getByRole('status')).toBeVisible();
  }

  /** Clicks Login with Salesforce and returns the pop-up it opens. */
  async loginWithSalesforce(): Promise<Page> {
    const popup = this.page.waitForEvent('popup');
    await this.page.getByRole('button', { name: 'Login with Salesforce' }).click();
    return popup;
  }

  /** The count of synced records of a Salesforce object. */
  count(object: 'Lead' | 'Contact' | 'Account'): Locator {
    return this.page.locator(`#count-${object}`);
  }
}
