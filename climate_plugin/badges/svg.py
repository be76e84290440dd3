"""Small accessible SVG images of badges, with a title and description in the viewer's language."""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from climate_plugin.badges.catalogue import CATALOGUE, MAX_LEVEL
from climate_plugin.i18n import pick_language, t

#: 16×16 stroke icons drawn in white; plain shapes, nothing martial or commercial
ICONS: dict[str, str] = {
    "clipboard": '<rect x="3" y="2.5" width="10" height="12" rx="1.5"/>'
    '<path d="M6 2.5h4v2H6zM5.5 8h5M5.5 11h3"/>',
    "check": '<circle cx="8" cy="8" r="6.5"/><path d="M4.8 8.3l2.2 2.2 4.2-4.6"/>',
    "fork": '<path d="M8 14.5V8M8 8L3.5 3M8 8l4.5-5M3.5 3v2.5M3.5 3H6M12.5 3v2.5M12.5 3H10"/>',
    "chart": '<path d="M2 14h12M3 11l3.5-3.5 2.5 2 4.5-5"/><path d="M11 4.5h2.5V7"/>',
    "calendar": '<rect x="2" y="3.5" width="12" height="10.5" rx="1.5"/><path d="M2 6.5h12M5 2v3M11 2v3"/>',
    "sprout": '<path d="M8 14.5V7.5M8 9.5C8 6 5.5 4.5 2.5 4.5 2.5 7.5 4.5 9.5 8 9.5z'
    'M8 7.5c0-3 2-5 5.5-5 0 3-2 5-5.5 5z"/>',
}

#: white text on these backgrounds: contrast ≥ 7:1 (WCAG AAA for small text); "not_yet" is a level 0
_COLOURS = {"status": "#0b4a7a", "achievement": "#1d5e2a", "not_yet": "#4d4d4d"}

# A rough average glyph advance for 12 px sans-serif; the viewBox scales, so a little slack is harmless.
_CHAR_WIDTH = 7.6


def render_badge_svg(code: str, lang: str, level: int | None = None) -> str:
    """A small accessible SVG image of a badge; raises KeyError for an unknown code.

    ``level`` (0…MAX_LEVEL) is shown on team and municipality badges: "taso 3/5" in the accessible title,
    "3/5" in the image. Item badges have no levels and ignore it.
    """
    badge = CATALOGUE[code]
    lang = pick_language(lang)
    name = badge.name[lang]
    title, label, colour = name, name, _COLOURS[badge.kind]
    if badge.levelled and level is not None:
        level = max(0, min(MAX_LEVEL, level))
        title = f"{name}, {t('badge.level', lang, level=level, max=MAX_LEVEL)}"
        label = f"{name} {level}/{MAX_LEVEL}"
        if level == 0:
            colour = _COLOURS["not_yet"]
    width = round(34 + len(label) * _CHAR_WIDTH + 12)
    height = 28
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="badge-title badge-desc"'
        f' width="{width}" height="{height}" viewBox="0 0 {width} {height}" xml:lang={quoteattr(lang)}>'
        f'<title id="badge-title">{escape(title)}</title>'
        f'<desc id="badge-desc">{escape(badge.rule[lang])}</desc>'
        f'<rect width="{width}" height="{height}" rx="14" fill="{colour}"/>'
        f'<g transform="translate(8 6)" fill="none" stroke="#ffffff" stroke-width="1.5"'
        f' stroke-linecap="round" stroke-linejoin="round">{ICONS[badge.icon]}</g>'
        f'<text x="32" y="18.5" fill="#ffffff" font-family="system-ui, -apple-system, Segoe UI, Roboto,'
        f' Arial, sans-serif" font-size="12" font-weight="600">{escape(label)}</text>'
        f"</svg>"
    )
