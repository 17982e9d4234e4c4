@errors @prerequisites
Feature: The prerequisites of the documentation, and what the admin sees when one is missing
  The documentation lists what must be in place before the product can connect to
  Salesforce. When one of them is missing, the product says what to do.

  Background:
    Given Salesforce has an org "Acme" with the admin "admin@acme.test" and the sync user "sync@acme.test" with API access
    And the connected app "Beacon Sync" exists with all OAuth scopes and the product's callback URL

  Scenario: The subscription feature "Enable OAuth for SFDC sync" is off
    Given the product subscription has the feature "Enable OAuth for SFDC sync" turned off
    When the admin opens Admin, CRM, Sync with Salesforce in the product
    Then the product says the feature "Enable OAuth for SFDC sync" must be enabled
    And the product offers no "Login with Salesforce"

  Scenario: Pop-up blockers are on
    Given the product subscription has the feature "Enable OAuth for SFDC sync" turned on
    And pop-ups are blocked in the admin's browser
    When the admin opens Admin, CRM, Sync with Salesforce in the product
    And enters the Consumer Key and Consumer Secret and clicks "Save"
    And clicks "Login with Salesforce"
    Then the product tells the admin to allow pop-ups

  Scenario: The sync user has no API access
    Given the product subscription has the feature "Enable OAuth for SFDC sync" turned on
    And the sync user "sync@acme.test" has no API access
    When the admin logs in with Salesforce as "sync@acme.test" with password "Sync-Pass-1" and confirms the credentials
    Then the product shows the sync error "API access is not enabled for the Salesforce sync user"

  Scenario: The connected app is not active yet, then becomes active
    Given the product subscription has the feature "Enable OAuth for SFDC sync" turned on
    And the connected app "Beacon Sync" takes 10 minutes to become active
    When the admin opens Admin, CRM, Sync with Salesforce in the product
    And enters the Consumer Key and Consumer Secret and clicks "Save"
    And clicks "Login with Salesforce"
    Then the pop-up shows Salesforce's error "invalid_client_id"
    When the admin closes the pop-up
    Then the product shows the error "not active yet"
    When 10 minutes pass in Salesforce
    And the admin connects the product as "sync@acme.test" with password "Sync-Pass-1"
    Then the sync is running
