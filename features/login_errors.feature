@errors @login
Feature: Mistakes while logging in to Salesforce from the product
  The sync user logs in inside the product's pop-up. A wrong password, a wrong code or
  a refusal each get Salesforce's own message or the product's explanation, and the
  admin can try again.

  Background:
    Given Salesforce has an org "Acme" with the admin "admin@acme.test" and the sync user "sync@acme.test" with API access
    And the connected app "Beacon Sync" exists with all OAuth scopes and the product's callback URL
    And the product subscription has the feature "Enable OAuth for SFDC sync" turned on
    And the admin opens Admin, CRM, Sync with Salesforce in the product
    And enters the Consumer Key and Consumer Secret and clicks "Save"

  Scenario: A wrong verification code, then the right one
    When the admin clicks "Login with Salesforce"
    And the sync user logs in as "sync@acme.test" with password "Sync-Pass-1"
    And enters the verification code "000000" and clicks "Verify"
    Then Salesforce says "The verification code you entered is invalid or has expired."
    When the sync user enters the verification code emailed to "sync@acme.test" and clicks "Verify"
    Then the access page asks to allow access for "sync@acme.test"

  Scenario: A wrong password, then the right one
    When the admin clicks "Login with Salesforce"
    And the sync user logs in as "sync@acme.test" with the wrong password "Nope-1"
    Then Salesforce says "Please check your username and password. If you still can't log in, contact your Salesforce administrator."
    When the sync user logs in as "sync@acme.test" with password "Sync-Pass-1"
    And enters the verification code emailed to "sync@acme.test" and clicks "Verify"
    Then the access page asks to allow access for "sync@acme.test"

  Scenario: Too many wrong passwords lock the sync user out
    When the admin clicks "Login with Salesforce"
    And the sync user logs in as "sync@acme.test" with the wrong password "Nope-1" 10 times
    And the sync user logs in as "sync@acme.test" with the wrong password "Sync-Pass-1"
    Then Salesforce says "Your account has been locked"

  Scenario: The sync user clicks Deny
    When the admin clicks "Login with Salesforce"
    And the sync user logs in as "sync@acme.test" with password "Sync-Pass-1"
    And enters the verification code emailed to "sync@acme.test" and clicks "Verify"
    And the sync user clicks "Deny"
    Then the pop-up closes
    And the product shows the error "You denied access in Salesforce. Click Login with Salesforce and choose Allow."

  Scenario: The Consumer Secret is wrong
    Given the admin saves the Consumer Key with the wrong Consumer Secret "0000000000000000000000000000000000000000000000000000000000000000"
    When the admin clicks "Login with Salesforce"
    And the sync user logs in as "sync@acme.test" with password "Sync-Pass-1"
    And enters the verification code emailed to "sync@acme.test" and clicks "Verify"
    And the sync user clicks "Allow"
    Then the pop-up closes
    And the product shows the error "check the Consumer Secret"
