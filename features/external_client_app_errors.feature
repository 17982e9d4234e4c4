@errors @external-client-app
Feature: What an External Client App refuses, in Salesforce's words
  A new External Client App requires PKCE, and its optional flows stay off until the
  admin enables them under Flow Enablement. A product that does not send PKCE, or that
  uses a flow the app has not enabled, is refused as Salesforce refuses it, and the
  product shows Salesforce's error.

  Background:
    Given Salesforce has an org "Acme" with the admin "admin@acme.test" and the sync user "sync@acme.test" with API access
    And the External Client App "Beacon Sync" exists with all OAuth scopes and the product's callback URL
    And the product subscription has the feature "Enable OAuth for SFDC sync" turned on

  Scenario: The app requires PKCE, and the product does not send it
    Given the product does not send PKCE
    When the admin opens Admin, CRM, Sync with Salesforce in the product
    And enters the Consumer Key and Consumer Secret and clicks "Save"
    And the admin clicks "Login with Salesforce"
    Then the pop-up closes
    And the product shows the error "missing required code challenge"
    And the product is not connected to Salesforce

  Scenario: The product connects as an integration user, but the app has not enabled the client credentials flow
    When the admin opens Admin, CRM, Sync with Salesforce in the product
    And connects as an integration user with the client credentials flow on the org's My Domain
    Then the product shows the error "grant type not supported"
    And the product is not connected to Salesforce

  Scenario: With the client credentials flow enabled and a Run As user, the product connects as an integration user
    Given the External Client App "Beacon Sync" has the client credentials flow enabled, running as "sync@acme.test"
    When the admin opens Admin, CRM, Sync with Salesforce in the product
    And connects as an integration user with the client credentials flow on the org's My Domain
    Then the product is connected as "sync@acme.test"
    And the field sync finishes for Lead, Contact and Account
    When the admin clicks "Start Salesforce Sync"
    And clicks "Start Sync"
    Then the sync is running
    And the product shows 2,501 leads, 500 contacts and 201 accounts synced
