# language: nl
@setup @nl
Functionaliteit: OAuth 2.0 instellen tussen het product en Salesforce
  Salesforce gebruikt het protocol OAuth om gebruikers van toepassingen veilig
  toegang tot gegevens te geven via REST API-aanroepen, zonder hun
  aanmeldingsgegevens te openbaren. Dit zijn de stappen van de Nederlandse
  documentatie (OAuth 2.0 instellen), een voor een: eerst de verbonden app in
  Salesforce, dan het product.

  Achtergrond: de vereisten van de documentatie
    Gegeven Salesforce heeft een organisatie "Acme" met de beheerder "admin@acme.test" en de synchronisatiegebruiker "sync@acme.test" met API-toegang
    En de eigenschap "OAuth voor SFDC-synchronisatie inschakelen" is ingeschakeld op het abonnement van het product

  Scenario: De beheerder maakt een verbonden app, verbindt het product en de synchronisatie start
    # Aangesloten app instellen (in Salesforce, als beheerder)
    Gegeven de beheerder meldt zich aan bij Salesforce als "admin@acme.test" met wachtwoord "Admin-Pass-1"
    En voert de verificatiecode in die per e-mail naar "admin@acme.test" is verzonden en klikt op "Verifiëren"
    Als de beheerder opent Opstelling en navigeert binnen de Hulpmiddelen van het Platform naar Apps, Manager van de Toepassing
    En klikt op "Nieuwe Verbonden App"
    # De documentatie gaat van hier meteen naar de details; Salesforce vraagt
    # nu eerst welk soort app, met het label zoals de pagina het toont.
    En kiest "Een verbonden app maken" en klikt op "Doorgaan"
    En vult de details in: naam "Beacon Sync", API-naam "Beacon_Sync" en contact-e-mail "admin@acme.test"
    En klikt op het selectievakje "OAuth-instellingen inschakelen" en voert de Callback URL van het product in
    En selecteert alle beschikbare OAuth-bereiken en klikt op "Toevoegen"
    En klikt op "Opslaan"
    Dan Salesforce zegt "Het kan tot 10 minuten duren voordat wijzigingen van kracht worden."
    Als de beheerder klikt op "Doorgaan"
    # Salesforce toont de sleutel en het geheim nu pas na nog een
    # verificatiecode; de documentatie kent die knop nog niet.
    En klikt op "Consumentgegevens beheren"
    En voert de verificatiecode in die per e-mail naar "admin@acme.test" is verzonden en klikt op "Verifiëren"
    Dan de Consumentensleutel en het Consumentengeheim worden getoond en de beheerder kopieert ze

    # Marketo instellen: het product (als zijn beheerder)
    Als de beheerder klikt in de sectie Admin van het product op CRM en Synchroniseren met Salesforce
    En voegt de Consumentencode en het Consumentengeheim toe en klikt op "Opslaan"
    En de beheerder klikt op "Aanmelden met Salesforce"
    Dan er wordt een pop-up weergegeven met de aanmeldingspagina van Salesforce
    Als de synchronisatiegebruiker meldt zich aan als "sync@acme.test" met wachtwoord "Sync-Pass-1"
    En voert de verificatiecode in die per e-mail naar "sync@acme.test" is verzonden en klikt op "Verifiëren"
    Dan de toegangspagina vraagt om toegang voor "sync@acme.test"
    Als de synchronisatiegebruiker klikt op "Toestaan"
    Dan de pop-up sluit
    En het product vraagt de credentials van "sync@acme.test" te bevestigen
    Als de beheerder klikt op "Credentials bevestigen"
    Dan de veldsynchronisatie is voltooid voor Lead, Contact en Account
    Als de beheerder klikt op "Salesforce Sync starten"
    En klikt op "Sync starten"
    Dan de synchronisatie is aan de gang
    En het product toont 2,501 leads, 500 contactpersonen en 201 accounts gesynchroniseerd
