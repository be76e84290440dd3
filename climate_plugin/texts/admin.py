"""Texts of the administrators' pages (climate_plugin/admin/): key → {"fi", "sv", "en"}."""

MESSAGES: dict[str, dict[str, str]] = {
    # --- frame: title, navigation, who is signed in ---
    "admin.title": {
        "fi": "Ilmastolaajennuksen ylläpito",
        "sv": "Administration av klimattillägget",
        "en": "Climate plugin administration",
    },
    "admin.nav.label": {"fi": "Ylläpidon valikko", "sv": "Administrationsmeny", "en": "Administration menu"},
    "admin.nav.municipalities": {"fi": "Kunnat", "sv": "Kommuner", "en": "Municipalities"},
    "admin.nav.dashboard": {"fi": "Yleiskatsaus", "sv": "Översikt", "en": "Overview"},
    "admin.nav.connectors": {"fi": "Liittymät", "sv": "Anslutningar", "en": "Connectors"},
    "admin.nav.deliveries": {
        "fi": "Toimitukset ja virheet",
        "sv": "Leveranser och fel",
        "en": "Deliveries and failures",
    },
    "admin.nav.checklist": {"fi": "Tarkistuslista", "sv": "Checklista", "en": "Checklist"},
    "admin.nav.users": {"fi": "Käyttäjät ja roolit", "sv": "Användare och roller", "en": "Users and roles"},
    "admin.nav.audit": {"fi": "Muutosloki", "sv": "Ändringslogg", "en": "Audit log"},
    "admin.nav.logout": {"fi": "Kirjaudu ulos", "sv": "Logga ut", "en": "Sign out"},
    "admin.signed_in_as": {
        "fi": "Kirjautuneena: {name} ({role})",
        "sv": "Inloggad: {name} ({role})",
        "en": "Signed in: {name} ({role})",
    },
    "admin.read_only": {
        "fi": "Sinulla on lukuoikeus: voit katsoa tietoja, mutta et muuttaa niitä.",
        "sv": "Du har läsbehörighet: du kan se uppgifterna men inte ändra dem.",
        "en": "You have read access: you can see everything here but not change it.",
    },
    "admin.yes": {"fi": "kyllä", "sv": "ja", "en": "yes"},
    "admin.no": {"fi": "ei", "sv": "nej", "en": "no"},
    "admin.never": {"fi": "ei vielä", "sv": "inte ännu", "en": "not yet"},
    "admin.none": {"fi": "–", "sv": "–", "en": "–"},
    # --- roles ---
    "admin.role.platform_admin": {
        "fi": "palvelun pääkäyttäjä",
        "sv": "plattformsadministratör",
        "en": "platform administrator",
    },
    "admin.role.municipality_admin": {
        "fi": "kunnan pääkäyttäjä",
        "sv": "kommunens administratör",
        "en": "municipality administrator",
    },
    "admin.role.coordinator": {
        "fi": "ilmastokoordinaattori",
        "sv": "klimatkoordinator",
        "en": "climate coordinator",
    },
    "admin.role.viewer": {"fi": "katselija", "sv": "läsare", "en": "viewer"},
    # --- table columns ---
    "admin.col.name": {"fi": "Nimi", "sv": "Namn", "en": "Name"},
    "admin.col.kind": {"fi": "Tyyppi", "sv": "Typ", "en": "Kind"},
    "admin.col.enabled": {"fi": "Käytössä", "sv": "Aktiverad", "en": "Enabled"},
    "admin.col.health": {"fi": "Synkronoinnin tila", "sv": "Synkroniseringsstatus", "en": "Sync health"},
    "admin.col.webhook_url": {"fi": "Webhook-osoite", "sv": "Webhook-adress", "en": "Webhook URL"},
    "admin.col.connector": {"fi": "Liittymä", "sv": "Anslutning", "en": "Connector"},
    "admin.col.item": {"fi": "Asia", "sv": "Ärende", "en": "Item"},
    "admin.col.event": {"fi": "Tapahtuma", "sv": "Händelse", "en": "Event"},
    "admin.col.status": {"fi": "Tila", "sv": "Status", "en": "Status"},
    "admin.col.attempts": {"fi": "Yrityksiä", "sv": "Försök", "en": "Attempts"},
    "admin.col.last_error": {"fi": "Viimeisin virhe", "sv": "Senaste fel", "en": "Last error"},
    "admin.col.received": {"fi": "Vastaanotettu", "sv": "Mottagen", "en": "Received"},
    "admin.col.created": {"fi": "Luotu", "sv": "Skapad", "en": "Created"},
    "admin.col.actions": {"fi": "Toiminnot", "sv": "Åtgärder", "en": "Actions"},
    "admin.col.email": {"fi": "Sähköposti", "sv": "E-post", "en": "E-mail"},
    "admin.col.role": {"fi": "Rooli", "sv": "Roll", "en": "Role"},
    "admin.col.active": {"fi": "Aktiivinen", "sv": "Aktiv", "en": "Active"},
    "admin.col.last_login": {"fi": "Viimeksi kirjautunut", "sv": "Senast inloggad", "en": "Last sign-in"},
    "admin.col.at": {"fi": "Aika", "sv": "Tid", "en": "Time"},
    "admin.col.actor": {"fi": "Tekijä", "sv": "Utförd av", "en": "Who"},
    "admin.col.action": {"fi": "Muutos", "sv": "Ändring", "en": "Change"},
    "admin.col.target": {"fi": "Kohde", "sv": "Objekt", "en": "Target"},
    "admin.col.details": {"fi": "Tiedot", "sv": "Uppgifter", "en": "Details"},
    "admin.col.version": {"fi": "Versio", "sv": "Version", "en": "Version"},
    "admin.col.created_by": {"fi": "Tallentaja", "sv": "Sparad av", "en": "Saved by"},
    # --- municipalities (platform administrators) ---
    "admin.municipalities.heading": {"fi": "Kunnat", "sv": "Kommuner", "en": "Municipalities"},
    "admin.municipalities.intro": {
        "fi": "Valitse kunta, jonka liittymiä, toimituksia, tarkistuslistaa ja käyttäjiä haluat hallita.",
        "sv": "Välj den kommun vars anslutningar, leveranser, checklista och användare du vill hantera.",
        "en": "Choose the municipality whose connectors, deliveries, checklist and users you want to manage.",
    },
    "admin.municipalities.empty": {
        "fi": "Kuntia ei ole vielä. Lisää kunta komennolla climate-plugin municipality create.",
        "sv": "Det finns inga kommuner ännu. Lägg till en med kommandot climate-plugin municipality create.",
        "en": "There are no municipalities yet. Add one with the command climate-plugin municipality create.",
    },
    # --- dashboard ---
    "admin.dashboard.heading": {"fi": "Yleiskatsaus", "sv": "Översikt", "en": "Overview"},
    "admin.dashboard.connectors": {
        "fi": "Liittymiä: {count} (käytössä {enabled})",
        "sv": "Anslutningar: {count} (aktiverade {enabled})",
        "en": "Connectors: {count} ({enabled} enabled)",
    },
    "admin.dashboard.failed_deliveries": {
        "fi": "Epäonnistuneita toimituksia: {count}",
        "sv": "Misslyckade leveranser: {count}",
        "en": "Failed deliveries: {count}",
    },
    "admin.dashboard.failed_write_backs": {
        "fi": "Epäonnistuneita takaisinkirjauksia: {count}",
        "sv": "Misslyckade återskrivningar: {count}",
        "en": "Failed write-backs: {count}",
    },
    "admin.dashboard.checklist": {
        "fi": "Tarkistuslistan versio: {version}",
        "sv": "Checklistans version: {version}",
        "en": "Checklist version: {version}",
    },
    # --- sync health ---
    "admin.health.last_success": {
        "fi": "Viimeksi onnistunut",
        "sv": "Senast lyckad",
        "en": "Last success",
    },
    "admin.health.last_error": {"fi": "Viimeisin virhe", "sv": "Senaste fel", "en": "Last error"},
    "admin.health.lag": {"fi": "Viive", "sv": "Fördröjning", "en": "Lag"},
    "admin.health.lag_value": {"fi": "{seconds} s", "sv": "{seconds} s", "en": "{seconds} s"},
    "admin.health.waiting": {"fi": "Jonossa", "sv": "I kö", "en": "Waiting"},
    # --- connectors ---
    "admin.connectors.heading": {"fi": "Liittymät", "sv": "Anslutningar", "en": "Connectors"},
    "admin.connectors.intro": {
        "fi": "Liittymä yhdistää kunnan asianhallinta- tai kokousjärjestelmän tähän palveluun. Järjestelmä "
        "lähettää muutoksista webhook-ilmoituksen liittymän webhook-osoitteeseen.",
        "sv": "En anslutning kopplar kommunens ärendehanterings- eller mötessystem till den här tjänsten. "
        "Systemet skickar ett webhook-meddelande om ändringar till anslutningens webhook-adress.",
        "en": "A connector links the municipality's agenda or meeting system to this service. The system "
        "sends a webhook about each change to the connector's webhook URL.",
    },
    "admin.connectors.empty": {
        "fi": "Kunnalla ei ole vielä liittymiä.",
        "sv": "Kommunen har inga anslutningar ännu.",
        "en": "The municipality has no connectors yet.",
    },
    "admin.connectors.new": {"fi": "Uusi liittymä", "sv": "Ny anslutning", "en": "New connector"},
    "admin.connector.kind_label": {"fi": "Liittymän tyyppi", "sv": "Anslutningstyp", "en": "Connector kind"},
    "admin.connector.kind_choose": {"fi": "Valitse tyyppi", "sv": "Välj typ", "en": "Choose kind"},
    "admin.connector.name_label": {"fi": "Nimi", "sv": "Namn", "en": "Name"},
    "admin.connector.config_label": {
        "fi": "Asetukset (JSON)",
        "sv": "Inställningar (JSON)",
        "en": "Configuration (JSON)",
    },
    "admin.connector.config_help": {
        "fi": "JSON-objekti ilman salaisuuksia. Salaiset arvot kirjoitetaan alla oleviin kenttiin; niitä ei "
        "näytetä tallentamisen jälkeen.",
        "sv": "Ett JSON-objekt utan hemligheter. Hemliga värden skrivs i fälten nedan; de visas inte efter "
        "att de sparats.",
        "en": "A JSON object without secrets. Secret values go into the fields below; they are never shown "
        "once saved.",
    },
    "admin.connector.fields_heading": {
        "fi": "Tämän tyypin asetukset",
        "sv": "Inställningar för den här typen",
        "en": "Settings of this kind",
    },
    "admin.connector.field_required": {"fi": "pakollinen", "sv": "obligatorisk", "en": "required"},
    "admin.connector.field_optional": {"fi": "valinnainen", "sv": "valfri", "en": "optional"},
    "admin.connector.field_secret": {
        "fi": "salainen: kirjoita alle",
        "sv": "hemlig: skriv nedan",
        "en": "secret: enter below",
    },
    "admin.connector.docs_hint": {
        "fi": "Asetukset on kuvattu tarkemmin ylläpitäjän ohjeen liittymäosiossa (docs/connectors.md).",
        "sv": "Inställningarna beskrivs närmare i anslutningsavsnittet i driftdokumentationen "
        "(docs/connectors.md).",
        "en": "The settings are described in detail in the connectors guide (docs/connectors.md).",
    },
    "admin.connector.secrets_heading": {"fi": "Salaisuudet", "sv": "Hemligheter", "en": "Secrets"},
    "admin.connector.secret_new_help": {
        "fi": "Jätä tyhjäksi, jos tunnistautumistapa ei käytä tätä arvoa.",
        "sv": "Lämna tomt om autentiseringssättet inte använder detta värde.",
        "en": "Leave empty if the authentication type does not use this value.",
    },
    "admin.connector.secret_keep_help": {
        "fi": "Tallennettua arvoa ei näytetä. Jätä tyhjäksi, niin tallennettu arvo säilyy.",
        "sv": "Det sparade värdet visas inte. Lämna tomt för att behålla det sparade värdet.",
        "en": "The stored value is never shown. Leave empty to keep the stored value.",
    },
    "admin.connector.secret_is_set": {
        "fi": "Arvo on tallennettu.",
        "sv": "Ett värde är sparat.",
        "en": "A value is stored.",
    },
    "admin.connector.secret_not_set": {
        "fi": "Arvoa ei ole tallennettu.",
        "sv": "Inget värde är sparat.",
        "en": "No value is stored.",
    },
    "admin.connector.no_secrets": {
        "fi": "Tällä tyypillä ei ole salaisia asetuksia.",
        "sv": "Den här typen har inga hemliga inställningar.",
        "en": "This kind has no secret settings.",
    },
    "admin.connector.create": {"fi": "Luo liittymä", "sv": "Skapa anslutningen", "en": "Create connector"},
    "admin.connector.created_heading": {
        "fi": "Liittymä luotiin",
        "sv": "Anslutningen skapades",
        "en": "The connector was created",
    },
    "admin.connector.secret_once": {
        "fi": "Kopioi webhook-salaisuus nyt ja tallenna se asianhallintajärjestelmään: sitä ei näytetä "
        "uudelleen. Järjestelmä allekirjoittaa sillä webhook-ilmoituksensa.",
        "sv": "Kopiera webhook-hemligheten nu och spara den i ärendehanteringssystemet: den visas inte igen. "
        "Systemet signerar sina webhook-meddelanden med den.",
        "en": "Copy the webhook secret now and store it in the agenda system: it is not shown again. The "
        "system signs its webhooks with it.",
    },
    "admin.connector.webhook_secret": {
        "fi": "Webhook-salaisuus",
        "sv": "Webhook-hemlighet",
        "en": "Webhook secret",
    },
    "admin.connector.to_detail": {
        "fi": "Siirry liittymän tietoihin",
        "sv": "Gå till anslutningens uppgifter",
        "en": "Go to the connector's details",
    },
    "admin.connector.detail_heading": {
        "fi": "Liittymä: {name}",
        "sv": "Anslutning: {name}",
        "en": "Connector: {name}",
    },
    "admin.connector.settings_heading": {
        "fi": "Muuta asetuksia",
        "sv": "Ändra inställningarna",
        "en": "Change the settings",
    },
    "admin.connector.save": {"fi": "Tallenna muutokset", "sv": "Spara ändringarna", "en": "Save changes"},
    "admin.connector.actions_heading": {"fi": "Toiminnot", "sv": "Åtgärder", "en": "Actions"},
    "admin.connector.enable": {"fi": "Ota käyttöön", "sv": "Aktivera", "en": "Enable"},
    "admin.connector.disable": {"fi": "Poista käytöstä", "sv": "Inaktivera", "en": "Disable"},
    "admin.connector.test": {"fi": "Testaa yhteys", "sv": "Testa anslutningen", "en": "Test connection"},
    "admin.connector.rotate": {
        "fi": "Vaihda webhook-salaisuus",
        "sv": "Byt webhook-hemlighet",
        "en": "Rotate webhook secret",
    },
    "admin.connector.rotate_help": {
        "fi": "Vanha salaisuus kelpaa vielä vuorokauden, jotta järjestelmän asetukset ehditään vaihtaa.",
        "sv": "Den gamla hemligheten gäller ännu ett dygn, så att systemets inställningar hinner bytas.",
        "en": "The old secret keeps working for a day, so that the system's settings can be switched over.",
    },
    "admin.connector.sync": {"fi": "Synkronoi nyt", "sv": "Synkronisera nu", "en": "Sync now"},
    "admin.connector.push_only": {
        "fi": "Tämä liittymä vastaanottaa muutokset webhook-ilmoituksina; sitä ei synkronoida hakemalla.",
        "sv": "Den här anslutningen tar emot ändringar som webhook-meddelanden; den synkroniseras inte "
        "genom hämtning.",
        "en": "This connector receives changes as webhooks; it is not synchronised by polling.",
    },
    "admin.connector.saved": {
        "fi": "Muutokset tallennettiin.",
        "sv": "Ändringarna sparades.",
        "en": "The changes were saved.",
    },
    "admin.connector.enabled_notice": {
        "fi": "Liittymä otettiin käyttöön.",
        "sv": "Anslutningen aktiverades.",
        "en": "The connector was enabled.",
    },
    "admin.connector.disabled_notice": {
        "fi": "Liittymä poistettiin käytöstä.",
        "sv": "Anslutningen inaktiverades.",
        "en": "The connector was disabled.",
    },
    "admin.connector.synced_notice": {
        "fi": "Synkronointi aloitettiin. Tila päivittyy, kun haku on valmis.",
        "sv": "Synkroniseringen startades. Statusen uppdateras när hämtningen är klar.",
        "en": "A sync was started. The status updates when it has finished.",
    },
    "admin.connector.test_ok": {
        "fi": "Yhteys toimii.",
        "sv": "Anslutningen fungerar.",
        "en": "The connection works.",
    },
    "admin.connector.test_failed": {
        "fi": "Yhteys ei toimi: {message}",
        "sv": "Anslutningen fungerar inte: {message}",
        "en": "The connection does not work: {message}",
    },
    "admin.connector.rotated_heading": {
        "fi": "Uusi webhook-salaisuus",
        "sv": "Ny webhook-hemlighet",
        "en": "New webhook secret",
    },
    # --- deliveries and write-backs ---
    "admin.deliveries.heading": {
        "fi": "Toimitukset ja virheet",
        "sv": "Leveranser och fel",
        "en": "Deliveries and failures",
    },
    "admin.deliveries.intro": {
        "fi": "Viimeisimmät vastaanotetut webhook-ilmoitukset. Epäonnistuneen toimituksen voi käsitellä "
        "uudelleen, kun vian syy on korjattu.",
        "sv": "De senast mottagna webhook-meddelandena. En misslyckad leverans kan behandlas på nytt när "
        "orsaken till felet har åtgärdats.",
        "en": "The most recent webhooks received. A failed delivery can be processed again once the cause "
        "of the failure has been fixed.",
    },
    "admin.deliveries.filter": {"fi": "Näytä tila", "sv": "Visa status", "en": "Show status"},
    "admin.deliveries.filter_all": {"fi": "kaikki", "sv": "alla", "en": "all"},
    "admin.deliveries.filter_button": {"fi": "Näytä", "sv": "Visa", "en": "Show"},
    "admin.deliveries.empty": {
        "fi": "Ei toimituksia.",
        "sv": "Inga leveranser.",
        "en": "No deliveries.",
    },
    "admin.deliveries.redeliver": {"fi": "Käsittele uudelleen", "sv": "Behandla på nytt", "en": "Redeliver"},
    "admin.deliveries.redelivered": {
        "fi": "Toimitus käsitellään uudelleen.",
        "sv": "Leveransen behandlas på nytt.",
        "en": "The delivery is being processed again.",
    },
    "admin.deliveries.shown": {
        "fi": "Näytetään enintään {count} uusinta.",
        "sv": "Högst {count} av de senaste visas.",
        "en": "Showing at most the {count} most recent.",
    },
    "admin.status.received": {"fi": "odottaa", "sv": "väntar", "en": "waiting"},
    "admin.status.processing": {"fi": "käsittelyssä", "sv": "behandlas", "en": "processing"},
    "admin.status.done": {"fi": "valmis", "sv": "klar", "en": "done"},
    "admin.status.failed": {"fi": "epäonnistui", "sv": "misslyckades", "en": "failed"},
    "admin.write_backs.heading": {
        "fi": "Epäonnistuneet takaisinkirjaukset",
        "sv": "Misslyckade återskrivningar",
        "en": "Failed write-backs",
    },
    "admin.write_backs.intro": {
        "fi": "Ilmastolohkot, joita ei saatu kirjoitettua asianhallintajärjestelmään.",
        "sv": "Klimatavsnitt som inte kunde skrivas till ärendehanteringssystemet.",
        "en": "Climate blocks that could not be written to the agenda system.",
    },
    "admin.write_backs.empty": {
        "fi": "Ei epäonnistuneita takaisinkirjauksia.",
        "sv": "Inga misslyckade återskrivningar.",
        "en": "No failed write-backs.",
    },
    "admin.write_backs.retry": {"fi": "Yritä uudelleen", "sv": "Försök igen", "en": "Retry"},
    "admin.write_backs.retried": {
        "fi": "Takaisinkirjausta yritetään uudelleen.",
        "sv": "Återskrivningen görs på nytt.",
        "en": "The write-back is being sent again.",
    },
    # --- checklist template editor ---
    "admin.checklist.heading": {
        "fi": "Kunnan tarkistuslista",
        "sv": "Kommunens checklista",
        "en": "The municipality's checklist",
    },
    "admin.checklist.intro": {
        "fi": "Kunta voi muuttaa tarkistuslistan sanamuotoja, lisätä kysymyksiä, poistaa aihepiirejä "
        "käytöstä ja asettaa jatkoarvioinnin rajat. Jokainen tallennus on uusi versio; vanhat arvioinnit "
        "säilyttävät versionsa.",
        "sv": "Kommunen kan ändra checklistans formuleringar, lägga till frågor, stänga av områden och "
        "ställa in gränserna för fördjupad bedömning. Varje sparande blir en ny version; gamla bedömningar "
        "behåller sin version.",
        "en": "The municipality can change the checklist's wording, add questions, switch categories off "
        "and set the escalation thresholds. Every save is a new version; earlier assessments keep theirs.",
    },
    "admin.checklist.current": {
        "fi": "Voimassa oleva versio: {version}",
        "sv": "Gällande version: {version}",
        "en": "Current version: {version}",
    },
    "admin.checklist.categories": {
        "fi": "Käytössä olevat aihepiirit",
        "sv": "Områden som används",
        "en": "Categories in use",
    },
    "admin.checklist.questions": {
        "fi": "Vaiheen 0 kysymykset",
        "sv": "Frågorna i steg 0",
        "en": "Stage 0 questions",
    },
    "admin.checklist.versions": {"fi": "Versiot", "sv": "Versioner", "en": "Versions"},
    "admin.checklist.no_versions": {
        "fi": "Kunnalla ei ole omaa versiota: käytössä on oletuslista.",
        "sv": "Kommunen har ingen egen version: standardlistan används.",
        "en": "The municipality has no version of its own: the default checklist is in use.",
    },
    "admin.checklist.overrides_label": {
        "fi": "Kunnan muutokset (JSON)",
        "sv": "Kommunens ändringar (JSON)",
        "en": "The municipality's overrides (JSON)",
    },
    "admin.checklist.overrides_help": {
        "fi": "Muoto on kuvattu tiedostossa docs/checklist.md. Jokainen teksti annetaan suomeksi, ruotsiksi "
        "ja englanniksi. Tyhjä objekti {} palauttaa oletuslistan.",
        "sv": "Formatet beskrivs i docs/checklist.md. Varje text ges på finska, svenska och engelska. Ett "
        "tomt objekt {} återställer standardlistan.",
        "en": "The format is described in docs/checklist.md. Every text is given in Finnish, Swedish and "
        "English. An empty object {} goes back to the default checklist.",
    },
    "admin.checklist.save": {
        "fi": "Tallenna uutena versiona",
        "sv": "Spara som ny version",
        "en": "Save as a new version",
    },
    "admin.checklist.saved": {
        "fi": "Tarkistuslistan versio {version} tallennettiin.",
        "sv": "Checklistans version {version} sparades.",
        "en": "Checklist version {version} was saved.",
    },
    # --- users and roles ---
    "admin.users.heading": {
        "fi": "Käyttäjät ja roolit",
        "sv": "Användare och roller",
        "en": "Users and roles",
    },
    "admin.users.intro": {
        "fi": "Kunnan pääkäyttäjä hallitsee liittymiä, tarkistuslistaa ja käyttäjiä; ilmastokoordinaattori "
        "käsittelee arviointeja ja sitoumuksia; katselija näkee tiedot mutta ei voi muuttaa niitä.",
        "sv": "Kommunens administratör hanterar anslutningar, checklistan och användare; klimatkoordinatorn "
        "hanterar bedömningar och åtaganden; en läsare ser uppgifterna men kan inte ändra dem.",
        "en": "A municipality administrator manages connectors, the checklist and users; a climate "
        "coordinator handles reviews and commitments; a viewer sees everything but cannot change it.",
    },
    "admin.users.password_note": {
        "fi": "Salasanaa ei aseteta tällä sivulla: käyttäjä kirjautuu kunnan kertakirjautumisella, tai "
        "palvelun ylläpitäjä asettaa salasanan komentoriviltä (katso ylläpitäjän ohje).",
        "sv": "Lösenordet ställs inte in på den här sidan: användaren loggar in med kommunens "
        "engångsinloggning, eller så ställer tjänstens administratör in lösenordet från kommandoraden (se "
        "driftdokumentationen).",
        "en": "Passwords are not set on this page: the person signs in through the municipality's single "
        "sign-on, or the service's operator sets a password from the command line (see the operators' "
        "guide).",
    },
    "admin.users.empty": {
        "fi": "Kunnalla ei ole vielä käyttäjiä.",
        "sv": "Kommunen har inga användare ännu.",
        "en": "The municipality has no users yet.",
    },
    "admin.users.create_heading": {"fi": "Lisää käyttäjä", "sv": "Lägg till användare", "en": "Add a user"},
    "admin.users.create": {"fi": "Lisää käyttäjä", "sv": "Lägg till", "en": "Add user"},
    "admin.users.created": {
        "fi": "Käyttäjä lisättiin.",
        "sv": "Användaren lades till.",
        "en": "The user was added.",
    },
    "admin.users.change_role": {"fi": "Vaihda rooli", "sv": "Byt roll", "en": "Change role"},
    "admin.users.role_changed": {
        "fi": "Rooli vaihdettiin.",
        "sv": "Rollen byttes.",
        "en": "The role was changed.",
    },
    "admin.users.deactivate": {"fi": "Poista käytöstä", "sv": "Inaktivera", "en": "Deactivate"},
    "admin.users.deactivated": {
        "fi": "Käyttäjä poistettiin käytöstä.",
        "sv": "Användaren inaktiverades.",
        "en": "The user was deactivated.",
    },
    "admin.users.activate": {"fi": "Ota uudelleen käyttöön", "sv": "Aktivera igen", "en": "Reactivate"},
    "admin.users.activated": {
        "fi": "Käyttäjä otettiin uudelleen käyttöön.",
        "sv": "Användaren aktiverades igen.",
        "en": "The user was reactivated.",
    },
    "admin.users.role_of": {
        "fi": "Käyttäjän {email} rooli",
        "sv": "Rollen för {email}",
        "en": "Role of {email}",
    },
    # --- audit log ---
    "admin.audit.heading": {"fi": "Muutosloki", "sv": "Ändringslogg", "en": "Audit log"},
    "admin.audit.intro": {
        "fi": "Kuka muutti mitä ja milloin. Salaisia arvoja ei kirjata lokiin.",
        "sv": "Vem ändrade vad och när. Hemliga värden förs aldrig in i loggen.",
        "en": "Who changed what, and when. Secret values are never written to the log.",
    },
    "admin.audit.empty": {
        "fi": "Lokissa ei ole vielä merkintöjä.",
        "sv": "Loggen har inga poster ännu.",
        "en": "The log has no entries yet.",
    },
    # --- errors ---
    "admin.error.title": {"fi": "Virhe", "sv": "Fel", "en": "Error"},
    "admin.error.not_found": {
        "fi": "Sivua tai kohdetta ei löytynyt.",
        "sv": "Sidan eller objektet hittades inte.",
        "en": "The page or the record was not found.",
    },
    "admin.error.forbidden": {
        "fi": "Sinulla ei ole oikeutta tähän toimintoon.",
        "sv": "Du har inte behörighet till den här åtgärden.",
        "en": "You are not allowed to do this.",
    },
    "admin.error.csrf": {
        "fi": "Lomake on vanhentunut tai se ei ole peräisin tältä sivustolta. Lataa sivu uudelleen ja "
        "yritä uudestaan.",
        "sv": "Formuläret har gått ut eller kommer inte från den här webbplatsen. Ladda om sidan och försök "
        "igen.",
        "en": "The form has expired or did not come from this site. Reload the page and try again.",
    },
    "admin.error.invalid": {
        "fi": "Tarkista lomakkeen merkityt kentät.",
        "sv": "Kontrollera de markerade fälten i formuläret.",
        "en": "Please check the marked fields of the form.",
    },
    "admin.error.not_json": {
        "fi": "Tämä ei ole kelvollinen JSON-objekti: {problem}",
        "sv": "Detta är inte ett giltigt JSON-objekt: {problem}",
        "en": "This is not a valid JSON object: {problem}",
    },
    "admin.error.config": {
        "fi": "Asetuksissa on virheitä (kenttä: virhe):",
        "sv": "Inställningarna innehåller fel (fält: fel):",
        "en": "The configuration has errors (field: problem):",
    },
    "admin.error.name": {
        "fi": "Anna nimi (enintään {max} merkkiä).",
        "sv": "Ange ett namn (högst {max} tecken).",
        "en": "Give a name (at most {max} characters).",
    },
    "admin.error.kind": {
        "fi": "Valitse jokin asennetuista liittymätyypeistä.",
        "sv": "Välj en av de installerade anslutningstyperna.",
        "en": "Choose one of the installed connector kinds.",
    },
    "admin.error.not_possible": {
        "fi": "Toimintoa ei voi tehdä nyt: {message}",
        "sv": "Åtgärden kan inte utföras nu: {message}",
        "en": "This cannot be done now: {message}",
    },
    "admin.error.email": {
        "fi": "Anna kelvollinen sähköpostiosoite.",
        "sv": "Ange en giltig e-postadress.",
        "en": "Give a valid e-mail address.",
    },
    "admin.error.email_taken": {
        "fi": "Tällä sähköpostiosoitteella on jo käyttäjä.",
        "sv": "Det finns redan en användare med den här e-postadressen.",
        "en": "There is already a user with this e-mail address.",
    },
    "admin.error.role": {
        "fi": "Valitse jokin luettelon rooleista.",
        "sv": "Välj en av rollerna i listan.",
        "en": "Choose one of the roles in the list.",
    },
    "admin.error.self": {
        "fi": "Et voi muuttaa omaa rooliasi tai poistaa itseäsi käytöstä.",
        "sv": "Du kan inte ändra din egen roll eller inaktivera dig själv.",
        "en": "You cannot change your own role or deactivate yourself.",
    },
}
