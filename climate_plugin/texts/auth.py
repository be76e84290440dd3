"""Texts of sign-in, sign-out and single sign-on: key → {"fi", "sv", "en"}."""

MESSAGES: dict[str, dict[str, str]] = {
    "auth.login.title": {"fi": "Kirjaudu sisään", "sv": "Logga in", "en": "Sign in"},
    "auth.login.intro": {
        "fi": "Ilmastoarvioinnin ylläpito: liittymät, toimitukset, tarkistuslistat ja käyttäjät.",
        "sv": "Administration av klimatbedömningen: kopplingar, leveranser, checklistor och användare.",
        "en": "Climate assessment administration: connectors, deliveries, checklists and users.",
    },
    "auth.login.email": {"fi": "Sähköpostiosoite", "sv": "E-postadress", "en": "E-mail address"},
    "auth.login.password": {"fi": "Salasana", "sv": "Lösenord", "en": "Password"},
    "auth.login.submit": {"fi": "Kirjaudu", "sv": "Logga in", "en": "Sign in"},
    "auth.login.failed": {
        "fi": "Väärä sähköpostiosoite tai salasana.",
        "sv": "Fel e-postadress eller lösenord.",
        "en": "Wrong e-mail address or password.",
    },
    "auth.login.csrf": {
        "fi": "Kirjautumissivu oli auki liian kauan. Yritä uudelleen.",
        "sv": "Inloggningssidan var öppen för länge. Försök igen.",
        "en": "The sign-in page was open for too long. Please try again.",
    },
    "auth.login.too_many": {
        "fi": "Liian monta kirjautumisyritystä. Odota hetki ja yritä uudelleen.",
        "sv": "För många inloggningsförsök. Vänta en stund och försök igen.",
        "en": "Too many sign-in attempts. Wait a moment and try again.",
    },
    "auth.login.sso_heading": {
        "fi": "Kirjaudu kunnan tunnuksilla",
        "sv": "Logga in med kommunens konto",
        "en": "Sign in with your municipality's account",
    },
    "auth.login.sso_button": {
        "fi": "Kirjaudu: {name}",
        "sv": "Logga in: {name}",
        "en": "Sign in: {name}",
    },
    "auth.logout.done": {
        "fi": "Olet kirjautunut ulos.",
        "sv": "Du har loggat ut.",
        "en": "You have signed out.",
    },
    "auth.logout.submit": {"fi": "Kirjaudu ulos", "sv": "Logga ut", "en": "Sign out"},
    "auth.sso.failed": {
        "fi": "Kirjautuminen kunnan tunnuksilla ei onnistunut. Yritä uudelleen tai kirjaudu salasanalla.",
        "sv": "Inloggningen med kommunens konto misslyckades. Försök igen eller logga in med lösenord.",
        "en": "Signing in with your municipality's account failed. Try again or sign in with a password.",
    },
    "auth.sso.expired": {
        "fi": "Kirjautuminen aikakatkaistiin tai se aloitettiin toisessa selaimessa. Aloita alusta.",
        "sv": "Inloggningen tog för lång tid eller påbörjades i en annan webbläsare. Börja om.",
        "en": "The sign-in took too long or was started in another browser. Please start again.",
    },
    "auth.sso.no_account": {
        "fi": "Tunnuksellasi ei ole käyttöoikeutta tähän palveluun. Pyydä sitä kuntasi ylläpitäjältä.",
        "sv": "Ditt konto har ingen behörighet till tjänsten. Be kommunens administratör om den.",
        "en": "Your account has no access to this service. Ask your municipality's administrator for it.",
    },
    "auth.forbidden": {
        "fi": "Roolisi ei salli tätä toimintoa.",
        "sv": "Din roll tillåter inte den här åtgärden.",
        "en": "Your role does not allow this.",
    },
    "auth.role.platform_admin": {
        "fi": "Palvelun ylläpitäjä",
        "sv": "Plattformsadministratör",
        "en": "Platform administrator",
    },
    "auth.role.municipality_admin": {
        "fi": "Kunnan ylläpitäjä",
        "sv": "Kommunens administratör",
        "en": "Municipality administrator",
    },
    "auth.role.coordinator": {
        "fi": "Ilmastokoordinaattori",
        "sv": "Klimatkoordinator",
        "en": "Climate coordinator",
    },
    "auth.role.viewer": {"fi": "Katselija", "sv": "Läsare", "en": "Viewer"},
}
