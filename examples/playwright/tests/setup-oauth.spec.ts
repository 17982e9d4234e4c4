import { expect, test } from '../fixtures';
import { logIn, sf, verifyIdentity } from '../salesforce';

// features/setup_oauth.feature as a Playwright test: an administrator
// connects the product to Salesforce with OAuth 2.0, following the
// documented procedure step by step. The org (the documentation's
// prerequisites: an admin and a sync user with API access) comes from the
// org fixture; Beacon runs with "Enable OAuth for SFDC sync" turned on.

test('the admin creates a connected app, connects the product, and the sync starts',
  async ({ mocksf, org, salesforceAdmin: salesforce, beacon }) => {
    const { admin, syncUser } = org;
    let consumerKey = '';
    let consumerSecret = '';

    await test.step('Part 1: create the connected app (in Salesforce, as an admin)', async () => {
      await test.step('the admin logs in and enters the emailed code', async () => {
        await salesforce.goto(mocksf.url);
        await logIn(salesforce, admin);
        await verifyIdentity(salesforce, await mocksf.nextCode(admin.username));
      });

      await test.step('opens Setup and goes to Platform Tools, Apps, App Manager', async () => {
        await salesforce.locator(sf.setupGear).click();
        await salesforce.locator(sf.setupMenuItem).click();
        await expect(salesforce.getByRole('heading', { level: 1 })).toHaveText('Setup Home');
        await salesforce.locator(sf.appManager).click();
      });

      await test.step('New Connected App: Create a Connected App, Continue', async () => {
        await salesforce.locator(sf.newConnectedApp).click();
        await salesforce.locator(sf.createConnectedApp).check();
        await salesforce.locator(sf.continue).click();
      });

      await test.step('fills in the basic details and the OAuth settings, and saves', async () => {
        await salesforce.locator(sf.appName).fill('Beacon Sync');
        await salesforce.locator(sf.apiName).fill('Beacon_Sync');
        await salesforce.locator(sf.contactEmail).fill(admin.username);
        await salesforce.locator(sf.enableOAuth).check();
        await salesforce.locator(sf.callbackUrl).fill(beacon.callbackUrl);
        // Select all available OAuth scopes and click Add.
        const scopes = salesforce.locator(sf.availableScopes);
        await scopes.selectOption(await scopes.locator('option').evaluateAll(
          (options) => options.map((o) => (o as HTMLOptionElement).value)));
        await salesforce.locator(sf.addScope).click();
        await expect(scopes.locator('option')).toHaveCount(0);
        await salesforce.locator(sf.save).click();
        await expect(salesforce.getByText('Changes can take up to 10 minutes to take effect.')).toBeVisible();
      });

      await test.step('Continue, Manage Consumer Details, the emailed code again', async () => {
        await salesforce.locator(sf.continue).click();
        await salesforce.locator(sf.manageConsumerDetails).click();
        await verifyIdentity(salesforce, await mocksf.nextCode(admin.username));
      });

      await test.step('the Consumer Key and Consumer Secret are shown, and the admin copies them', async () => {
        const key = salesforce.locator(sf.consumerKey);
        const secret = salesforce.locator(sf.consumerSecret);
        await expect(key).toHaveText(/^3MVG9\S{80}$/); // 85 characters
        await expect(secret).not.toBeEmpty();
        consumerKey = (await key.innerText()).trim();
        consumerSecret = (await secret.innerText()).trim();
      });
    });

    await test.step('Part 2: connect the product (in the product, as its admin)', async () => {
      await test.step('opens Admin, CRM, Sync with Salesforce and saves the key and secret', async () => {
        await beacon.openSyncWithSalesforce();
        await beacon.saveCredentials(consumerKey, consumerSecret);
      });

      const popup = await test.step('clicks Login with Salesforce: a pop-up shows the Salesforce login page', async () => {
        const popup = await beacon.loginWithSalesforce();
        // Salesforce's login page, sent there by the authorize endpoint.
        await expect(popup).toHaveURL((url) =>
          url.origin === new URL(mocksf.url).origin && url.searchParams.has('startURL'));
        await expect(popup.locator(sf.username)).toBeVisible();
        return popup;
      });

      await test.step('the sync user logs in, enters the emailed code and allows access', async () => {
        await logIn(popup, syncUser);
        await verifyIdentity(popup, await mocksf.nextCode(syncUser.username));
        await expect(popup.locator(sf.approvalUsername)).toHaveText(syncUser.username);
        const closed = popup.waitForEvent('close');
        await popup.locator(sf.allow).click();
        await closed;
      });

      await test.step('the product asks to confirm the credentials of the sync user', async () => {
        await expect(beacon.confirmDialog).toBeVisible();
        await expect(beacon.confirmDialog.locator('#sf-username')).toHaveText(syncUser.username);
        await beacon.confirmDialog.getByRole('button', { name: 'Confirm Credentials' }).click();
      });

      await test.step('the field sync finishes; Start Salesforce Sync, Start Sync', async () => {
        await expect(beacon.page.locator('#field-sync-status')).toContainText('Field sync complete');
        await beacon.page.getByRole('button', { name: 'Start Salesforce Sync' }).click();
        await beacon.page.getByRole('button', { name: 'Start Sync', exact: true }).click();
        await expect(beacon.syncStatus).toContainText('Sync running');
      });

      await test.step('the product shows 2,501 leads, 500 contacts and 201 accounts synced', async () => {
        // Salesforce must agree, or the test checks nothing.
        expect((await mocksf.org(org.id)).records).toMatchObject({ Lead: 2501, Contact: 500, Account: 201 });
        await expect(beacon.count('Lead')).toHaveText('2501');
        await expect(beacon.count('Contact')).toHaveText('500');
        await expect(beacon.count('Account')).toHaveText('201');
      });
    });
  });
