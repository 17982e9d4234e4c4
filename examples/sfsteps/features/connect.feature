@ownproduct
Feature: Ledgerly connects to Salesforce
  The team's own product (examples/sfsteps/product, profile
  examples/sfsteps/profile.yaml) goes through the product half of the
  documented flow with the catalogue's steps only: its window goes to
  Salesforce and back, and its page shows the user it is connected as.

  Scenario: The admin connects Ledgerly as the sync user
    Given Salesforce has an org "Acme" with the admin "admin@acme.test" and the sync user "sync@acme.test" with API access
    And the connected app "Ledgerly Sync" exists with all OAuth scopes and the product's callback URL
    When the admin opens Admin, CRM, Sync with Salesforce in the product
    And enters the Consumer Key and Consumer Secret and clicks "Save"
    And the admin clicks "Login with Salesforce"
    Then a pop-up shows the Salesforce login page
    When the sync user logs in as "sync@acme.test" with password "Sync-Pass-1"
    And enters the verification code emailed to "sync@acme.test" and clicks "Verify"
    Then the access page asks to allow access for "sync@acme.test"
    When the sync user clicks "Allow"
    Then the pop-up closes
    And the product asks to confirm the credentials of "sync@acme.test"
    And the product is connected as "sync@acme.test"
