@sync @resilience
Feature: The sync rides out Salesforce's failures
  Salesforce's API can fail, refuse or answer late. The product says what is happening,
  retries with growing waits, keeps its credentials and catches up with every record once.

  Background:
    Given Salesforce has an org "Acme" with the admin "admin@acme.test" and the sync user "sync@acme.test" with API access
    And the connected app "Beacon Sync" exists with all OAuth scopes and the product's callback URL
    And the product subscription has the feature "Enable OAuth for SFDC sync" turned on
    And the admin connects the product as "sync@acme.test" with password "Sync-Pass-1"
    And the product shows 2,501 leads, 500 contacts and 201 accounts synced

  Scenario Outline: The REST API fails for a while: <failure>
    Given Salesforce answers the product's next <times> REST calls with <failure>
    When 3 leads are created in Salesforce
    Then the product shows the sync error "<message>"
    And the product shows 2,504 leads, 500 contacts and 201 accounts synced
    And the product shows no sync error

    Examples:
      | failure                  | times | message                                          |
      | HTTP 503                 | 8     | Salesforce is not available right now (HTTP 503) |
      | "REQUEST_LIMIT_EXCEEDED" | 3     | daily API request limit is used up               |
      | a dropped connection     | 8     | Cannot reach Salesforce                          |

  Scenario: The token endpoint fails while the product refreshes its session
    Given Salesforce's token endpoint answers the product's next 4 calls with HTTP 500
    And the product's session expires in Salesforce
    When 2 leads are created in Salesforce
    Then the product shows the sync error "Salesforce is not available right now (HTTP 500)"
    And the product shows 2,503 leads, 500 contacts and 201 accounts synced
    And the product refreshed its session with its refresh token
    And the product shows no sync error

  Scenario: Salesforce answers slowly
    Given Salesforce answers the product's next 5 REST calls 2 seconds late
    When 4 leads are created in Salesforce
    Then the product shows 2,505 leads, 500 contacts and 201 accounts synced
    And the product shows no sync error
