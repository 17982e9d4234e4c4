@setup @login @errors
Feature: Salesforce's pages refuse bad input the way Salesforce does
  QA points the same scenarios at a real org, so the Setup, login, verification and
  Allow Access pages answer mistakes with Salesforce's own messages, and nothing typed
  is lost.

  Background:
    Given Salesforce has an org "Acme" with the admin "admin@acme.test" and the sync user "sync@acme.test" with API access

  Scenario: New Connected App shows every error next to its field and keeps what was typed
    Given the admin logs in to Salesforce as "admin@acme.test" with password "Admin-Pass-1"
    And enters the verification code emailed to "admin@acme.test" and clicks "Verify"
    When the admin opens Setup and goes to Platform Tools, Apps, App Manager
    And clicks "New Connected App"
    And chooses "Create a Connected App" and clicks "Continue"
    And fills in the basic details: name "Beacon Sync", API name "Beacon__Sync" and contact email "admin@"
    And ticks "Enable OAuth Settings" and enters the callback URL "not a url"
    And clicks "Save"
    Then the field "API Name" shows the error "The API Name can only contain underscores and alphanumeric characters"
    And the field "Contact Email" shows the error "Invalid email address"
    And the field "Callback URL" shows the error "Invalid callback URL"
    And the field "Selected OAuth Scopes" shows the error "Select at least one OAuth scope"
    And the field "Connected App Name" still holds "Beacon Sync"
    And the field "Callback URL" still holds "not a url"

  Scenario: New External Client App shows every error next to its field and keeps what was typed
    Given the admin logs in to Salesforce as "admin@acme.test" with password "Admin-Pass-1"
    And enters the verification code emailed to "admin@acme.test" and clicks "Verify"
    When the admin opens Setup and goes to Platform Tools, Apps, App Manager
    And clicks "New External Client App"
    And fills in the basic details: name "Beacon Sync", API name "Beacon__Sync" and contact email "admin@"
    And ticks "Enable OAuth" and enters the callback URL "not a url"
    And clicks "Create"
    Then the field "API Name" shows the error "The API Name can only contain underscores and alphanumeric characters"
    And the field "Contact Email" shows the error "Invalid email address"
    And the field "Distribution State" shows the error "You must enter a value"
    And the field "Callback URL" shows the error "Invalid callback URL"
    And the field "Selected OAuth Scopes" shows the error "Select at least one OAuth scope"
    And the field "External Client App Name" still holds "Beacon Sync"
    And the field "Callback URL" still holds "not a url"
    And under Security "Require Proof Key for Code Exchange (PKCE) extension for Supported Authorization Flows" is ticked

  Scenario: An expired verification code, then Resend Code
    Given the connected app "Beacon Sync" exists with all OAuth scopes and the product's callback URL
    And the product subscription has the feature "Enable OAuth for SFDC sync" turned on
    And the admin opens Admin, CRM, Sync with Salesforce in the product
    And enters the Consumer Key and Consumer Secret and clicks "Save"
    When the admin clicks "Login with Salesforce"
    And the sync user logs in as "sync@acme.test" with password "Sync-Pass-1"
    And 11 minutes pass in Salesforce
    And the sync user enters the expired verification code emailed to "sync@acme.test" and clicks "Verify"
    Then Salesforce says "expired"
    When the sync user clicks "Resend Code"
    And enters the verification code emailed to "sync@acme.test" and clicks "Verify"
    Then the access page asks to allow access for "sync@acme.test"

  Scenario: Not you? logs out and returns to the login page with the same request
    Given the connected app "Beacon Sync" exists with all OAuth scopes and the product's callback URL
    And the product subscription has the feature "Enable OAuth for SFDC sync" turned on
    And the admin opens Admin, CRM, Sync with Salesforce in the product
    And enters the Consumer Key and Consumer Secret and clicks "Save"
    When the admin clicks "Login with Salesforce"
    And the sync user logs in as "sync@acme.test" with password "Sync-Pass-1"
    And enters the verification code emailed to "sync@acme.test" and clicks "Verify"
    Then the access page asks to allow access for "sync@acme.test"
    When the sync user clicks "Not you?"
    Then a pop-up shows the Salesforce login page
    When the sync user logs in as "admin@acme.test" with password "Admin-Pass-1"
    And enters the verification code emailed to "admin@acme.test" and clicks "Verify"
    Then the access page asks to allow access for "admin@acme.test"
