@setup @external-client-app
Feature: Setting up OAuth 2.0 with an External Client App, as the documentation says today
  Since Spring '26 Salesforce restricts creating connected apps in new orgs, and the
  documented procedure creates an External Client App instead: New External Client App
  in App Manager, Distribution State Local, the OAuth settings, Flow Enablement and
  Security, Create, then Settings, OAuth Settings, Consumer Key and Secret behind an
  emailed code. The product's half is the same as with a connected app, and its login
  must work with PKCE required, as a new External Client App requires it.

  Background: the prerequisites of the documentation
    Given Salesforce has an org "Acme" with the admin "admin@acme.test" and the sync user "sync@acme.test" with API access
    And the product subscription has the feature "Enable OAuth for SFDC sync" turned on

  @smoke
  Scenario: The admin creates an External Client App, connects the product, and the sync starts
    # Part 1: create the External Client App (in Salesforce, as an admin)
    Given the admin logs in to Salesforce as "admin@acme.test" with password "Admin-Pass-1"
    And enters the verification code emailed to "admin@acme.test" and clicks "Verify"
    When the admin opens Setup and goes to Platform Tools, Apps, App Manager
    And clicks "New External Client App"
    And fills in the basic details: name "Beacon Sync", API name "Beacon_Sync" and contact email "admin@acme.test"
    And selects "Local" as the "Distribution State"
    And ticks "Enable OAuth" and enters the product's callback URL
    And selects all available OAuth scopes and clicks "Add"
    Then under Flow Enablement "Enable Client Credentials Flow" is not ticked
    And under Security "Require secret for Web Server Flow" is ticked
    And under Security "Require secret for Refresh Token Flow" is ticked
    And under Security "Require Proof Key for Code Exchange (PKCE) extension for Supported Authorization Flows" is ticked
    When the admin clicks "Create"
    And clicks "Settings"
    And clicks "Consumer Key and Secret"
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

  Scenario: In an org that restricts connected apps, the admin allows them, and the connected-app procedure works again
    Given creating connected apps is restricted in the org, as in orgs created after Spring '26
    And the admin logs in to Salesforce as "admin@acme.test" with password "Admin-Pass-1"
    And enters the verification code emailed to "admin@acme.test" and clicks "Verify"
    When the admin opens Setup and goes to Platform Tools, Apps, App Manager
    And clicks "New Connected App"
    And chooses "Create a Connected App" and clicks "Continue"
    Then Salesforce says "Connected apps creation is restricted."
    When the admin opens Setup and finds "External Client App Settings" with Quick Find
    And ticks "Allow creation of connected apps"
    And clicks "Save"
    Then Salesforce no longer restricts creating connected apps in the org
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
    When the admin connects the product as "sync@acme.test" with password "Sync-Pass-1"
    Then the product shows 2,501 leads, 500 contacts and 201 accounts synced
