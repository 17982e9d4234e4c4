@smoke @setup
Feature: Setting up OAuth 2.0 between the product and Salesforce
  An administrator connects the product to Salesforce with OAuth 2.0, so that the
  product syncs with Salesforce through the REST API without ever holding the
  Salesforce user's password. This is the documented procedure, step by step.

  Background: the prerequisites of the documentation
    Given Salesforce has an org "Acme" with the admin "admin@acme.test" and the sync user "sync@acme.test" with API access
    And the product subscription has the feature "Enable OAuth for SFDC sync" turned on

  Scenario: The admin creates a connected app, connects the product, and the sync starts
    # Part 1: create the connected app (in Salesforce, as an admin)
    Given the admin logs in to Salesforce as "admin@acme.test" with password "Admin-Pass-1"
    And enters the verification code emailed to "admin@acme.test" and clicks "Verify"
    When the admin opens Setup and goes to Platform Tools, Apps, App Manager
    And clicks "New Connected App"
    And chooses "Create a Connected App" and clicks "Continue"
    And fills in the basic details: name "Beacon Sync", API name "Beacon_Sync" and contact email "admin@acme.test"
    And ticks "Enable OAuth Settings" and enters the product's callback URL
    And selects all available OAuth scopes and clicks "Add"
    And clicks "Save"
    Then Salesforce says "Changes can take up to 10 minutes to take effect."
    When the admin clicks "Continue"
    And clicks "Manage Consumer Details"
    And enters the verification code emailed to "admin@acme.test" and clicks "Verify"
    Then the Consumer Key and Consumer Secret are shown, and the admin copies them

    # Part 2: connect the product (in the product, as its admin)
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
    When the admin clicks "Confirm Credentials"
    Then the field sync finishes for Lead, Contact and Account
    When the admin clicks "Start Salesforce Sync"
    And clicks "Start Sync"
    Then the sync is running
    And the product shows 2,501 leads, 500 contacts and 201 accounts synced

  # Part 2 alone, the product half of the documented flow, which any product
  # has: make e2e-goth runs it against the goth example (profiles/goth.yaml).
  @product-half
  Scenario: The admin connects the product to an existing connected app
    Given the connected app "Beacon Sync" exists with all OAuth scopes and the product's callback URL
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
