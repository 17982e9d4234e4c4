@sync
Feature: The sync keeps running, and stops when it should
  Once connected, the product pulls every record and then the changes. It refreshes its
  session by itself, asks the admin to log in again when Salesforce no longer accepts it,
  survives a restart and can be disconnected.

  Background:
    Given Salesforce has an org "Acme" with the admin "admin@acme.test" and the sync user "sync@acme.test" with API access
    And the connected app "Beacon Sync" exists with all OAuth scopes and the product's callback URL
    And the product subscription has the feature "Enable OAuth for SFDC sync" turned on
    And the admin connects the product as "sync@acme.test" with password "Sync-Pass-1"
    And the product shows 2,501 leads, 500 contacts and 201 accounts synced

  Scenario: New leads arrive while the sync runs
    When 3 leads are created in Salesforce
    Then the product shows 2,504 leads, 500 contacts and 201 accounts synced

  Scenario: The session expires during the sync and the product refreshes it
    Given the product's session expires in Salesforce
    When 2 leads are created in Salesforce
    Then the product shows 2,503 leads, 500 contacts and 201 accounts synced
    And the product refreshed its session with its refresh token

  Scenario: Salesforce ends the session after two hours without use, and the product refreshes it
    When 3 hours pass in Salesforce
    And 2 leads are created in Salesforce
    Then the product shows 2,503 leads, 500 contacts and 201 accounts synced
    And the product refreshed its session with its refresh token

  Scenario: The connected app rotates refresh tokens, and the product keeps the newest one
    Given the connected app "Beacon Sync" rotates refresh tokens
    When 3 hours pass in Salesforce
    And 2 leads are created in Salesforce
    Then the product shows 2,503 leads, 500 contacts and 201 accounts synced
    And the product refreshed its session with its refresh token
    When the product restarts while the sync is running
    And 3 hours pass in Salesforce
    And 1 lead is created in Salesforce
    Then the product shows 2,504 leads, 500 contacts and 201 accounts synced
    And the product shows no sync error

  Scenario: Salesforce remembers the sync user's login for two idle hours, then asks for it again
    When the admin clicks "Login with Salesforce"
    Then the pop-up closes
    And the product asks to confirm the credentials of "sync@acme.test"
    When the admin clicks "Cancel"
    And 3 hours pass in Salesforce
    And the admin clicks "Login with Salesforce"
    Then a pop-up shows the Salesforce login page
    When the sync user logs in again as "sync@acme.test" with password "Sync-Pass-1" on the browser Salesforce remembers
    Then the pop-up closes
    And the product asks to confirm the credentials of "sync@acme.test"

  Scenario: The refresh token is revoked and the admin logs in again
    Given Salesforce revokes the product's refresh token
    And Salesforce answers the product's next REST call with "INVALID_SESSION_ID"
    When 1 lead is created in Salesforce
    Then the product shows the sync error "Connection to Salesforce lost: log in again"
    When the admin connects the product as "sync@acme.test" with password "Sync-Pass-1"
    Then the product shows 2,502 leads, 500 contacts and 201 accounts synced

  Scenario: Disconnect
    When the admin clicks "Disconnect"
    Then the product is not connected to Salesforce
    And Salesforce no longer accepts the product's refresh token

  Scenario: The product restarts in the middle of the sync, and every record arrives once
    Given Salesforce has 5,000 more leads
    When the product restarts while the sync is running
    Then the product shows 7,501 leads, 500 contacts and 201 accounts synced
    And the product holds every lead exactly once
