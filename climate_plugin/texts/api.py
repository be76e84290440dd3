"""Texts of the REST API's browsable documentation page (/api/v1/docs): key → {"fi", "sv", "en"}."""

MESSAGES: dict[str, dict[str, str]] = {
    "api.docs.title": {
        "fi": "Ylläpidon rajapinta (REST)",
        "sv": "Administrationens gränssnitt (REST)",
        "en": "Administration API (REST)",
    },
    "api.docs.intro": {
        "fi": "Kaikki rajapinnan toiminnot. Kuvaukset ovat englanniksi, kuten OpenAPI-kuvauksessa.",
        "sv": "Alla funktioner i gränssnittet. Beskrivningarna är på engelska, som i OpenAPI-beskrivningen.",
        "en": "Every operation of the API, as described in its OpenAPI document.",
    },
    "api.docs.spec_link": {
        "fi": "OpenAPI-kuvaus (JSON)",
        "sv": "OpenAPI-beskrivningen (JSON)",
        "en": "The OpenAPI document (JSON)",
    },
    "api.docs.auth": {
        "fi": "Tunnistautuminen: API-avain otsakkeessa",
        "sv": "Autentisering: API-nyckeln i huvudet",
        "en": "Authentication: the API token in the header",
    },
    "api.docs.method": {"fi": "Metodi", "sv": "Metod", "en": "Method"},
    "api.docs.path": {"fi": "Polku", "sv": "Sökväg", "en": "Path"},
    "api.docs.summary": {"fi": "Kuvaus", "sv": "Beskrivning", "en": "Summary"},
    "api.docs.parameters": {"fi": "Parametrit", "sv": "Parametrar", "en": "Parameters"},
}
