"""Climate screening: public API, the JSON-lines command contract, and quality on the dev set."""

from __future__ import annotations

import importlib.util
import io
import json
import time
from pathlib import Path

import pytest

from climate_plugin.screening import (
    CATEGORIES,
    SCREENING_VERSION,
    Evidence,
    ScreeningResult,
    screen,
    screen_jsonl,
)

ROOT = Path(__file__).resolve().parent.parent


def _load_bench():
    spec = importlib.util.spec_from_file_location("regex_baseline", ROOT / "bench" / "regex_baseline.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench = _load_bench()


# --- public API -----------------------------------------------------------------------------------------


def test_constants() -> None:
    assert CATEGORIES == (
        "energy",
        "transport",
        "buildings",
        "land_use",
        "procurement",
        "consumption",
        "waste",
        "carbon_sinks",
        "adaptation",
        "steering",
    )
    assert isinstance(SCREENING_VERSION, str) and SCREENING_VERSION


def test_finnish_compound_district_heating_is_high_energy() -> None:
    result = screen(
        "Kaukolämpöverkon laajentaminen Nikulan alueelle",
        "Alueen kiinteistöt liitetään verkkoon vuonna 2025.",
        "fi",
    )
    assert result.relevance == "high"
    assert "energy" in result.categories
    ev = next(e for e in result.evidence if e.category == "energy")
    assert ev == Evidence(
        "energy", "Kaukolämpöverkon", "Kaukolämpöverkon laajentaminen Nikulan alueelle", "title"
    )


@pytest.mark.parametrize(
    ("title", "category"),
    [
        ("Hulevesien hallintaohjelma", "adaptation"),
        ("Maalämpökaivojen poraus päiväkodille", "energy"),
        ("Asemakaavamuutos, Kartanonkoski", "land_use"),
    ],
)
def test_finnish_compound_parts(title: str, category: str) -> None:
    result = screen(title, "", "fi")
    assert result.relevance == "high"
    assert category in result.categories


def test_swedish_detailed_plan_is_high_land_use() -> None:
    result = screen(
        "Detaljplan för kvarteret Kvarnbacken",
        "Stadsstyrelsen föreslår att fullmäktige godkänner detaljplanen.",
        None,
    )
    assert result.language == "sv"
    assert result.relevance == "high"
    assert "land_use" in result.categories
    body_ev = [e for e in result.evidence if e.location == "body"]
    assert body_ev and body_ev[0].term == "detaljplanen"
    assert body_ev[0].term in body_ev[0].snippet


def test_english_bus_lane_is_high_transport() -> None:
    result = screen("Station Road bus lane", "The council will create an inbound bus lane on Station Road.")
    assert result.language == "en"
    assert (result.relevance, result.categories) == ("high", ("transport",))


@pytest.mark.parametrize(
    ("title", "body", "language"),
    [
        (
            "Pöytäkirjan tarkastajien valinta",
            "Valitaan pöytäkirjan tarkastajiksi Liisa Ahonen ja Timo Aho.",
            "fi",
        ),
        ("Hallintosihteerin viran täyttäminen", "Virkaan valitaan KTM Anna Mäkinen.", "fi"),
        ("Vahingonkorvausvaatimus, vesivahinko koulurakennuksessa", "Korvausvaatimus hylätään.", "fi"),
        ("Val av protokolljusterare", "Till protokolljusterare väljs Anna Lindqvist och Johan Berg.", "sv"),
        ("Approval of the minutes", "The minutes of the meeting held on 3 March were approved.", "en"),
    ],
)
def test_routine_items_are_none(title: str, body: str, language: str) -> None:
    result = screen(title, body, language)
    assert result == ScreeningResult("none", (), (), language)


def test_routine_cue_never_overrides_explicit_climate_terms() -> None:
    assert screen("Jäsenen nimeäminen ilmastotyöryhmään", "", "fi").relevance == "high"
    assert screen("Jäsenen nimeäminen energiansäästöneuvottelukuntaan", "", "fi").relevance == "minor"


def test_evidence_location_and_snippet_from_body() -> None:
    body = "Kunta järjestää kokouksen. Hankkeessa kunnostetaan hulevesijärjestelmä ennen syksyä. Tiedoksi."
    result = screen("Kirkkopuiston kunnostus", body, "fi")
    ev = next(e for e in result.evidence if e.term == "hulevesijärjestelmä")
    assert ev.location == "body"
    assert ev.snippet == "Hankkeessa kunnostetaan hulevesijärjestelmä ennen syksyä."


def test_long_sentence_snippet_is_trimmed_around_term() -> None:
    filler = "sana " * 200
    result = screen("Asia", f"{filler}ilmastonmuutos {filler}", "fi")
    ev = result.evidence[0]
    assert "ilmastonmuutos" in ev.snippet and len(ev.snippet) <= 310


def test_html_body_is_converted() -> None:
    html = (
        "<html><head><style>.ilmasto{}</style></head><body><p>Kaupunki uusii koulun&nbsp;ilmanvaihdon."
        "</p><p>Hulevedet&amp;tulvat</p><script>var kaukolämpö = 1;</script></body></html>"
    )
    result = screen("Koulun kunnostus", html, "fi")
    snippets = {e.snippet for e in result.evidence}
    assert "Hulevedet&tulvat" in snippets
    assert not any("kaukolämpö" in s or "<" in s for s in snippets)


def test_language_detection_and_fallback() -> None:
    assert screen("Kaupunginhallitus päättää hyväksyä talousarvion", "").language == "fi"
    assert screen("Kommunstyrelsen beslutar att godkänna budgeten för år 2025", "").language == "sv"
    assert screen("The council is asked to approve the budget", "", "xx").language == "en"
    assert screen("Asia", "", "SV-fi").language == "sv"


def test_to_dict_is_json_able() -> None:
    data = screen("Kaukolämpöverkon laajentaminen", "", "fi").to_dict()
    assert set(data) == {"relevance", "categories", "evidence", "language"}
    assert set(data["evidence"][0]) == {"category", "term", "snippet", "location"}
    json.dumps(data)


# --- command contract -----------------------------------------------------------------------------------


def test_screen_jsonl_contract() -> None:
    lines = [
        json.dumps({"id": 1, "title": "Kaukolämpöverkon laajentaminen", "body": "", "language": "fi"}),
        "",
        "{not json",
        json.dumps(["a list"]),
        json.dumps({"id": "x", "body": "no title"}),
        json.dumps({"id": 6, "title": "Val av protokolljusterare"}),
        json.dumps({"id": 7, "title": "Hulevesiohjelma", "body": 5}),
    ]
    out, err = io.StringIO(), io.StringIO()
    bad = screen_jsonl(lines, out, err)
    assert bad == 4
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["id"] for r in records] == [1, 6]
    assert records[0]["relevance"] == "high" and records[0]["categories"] == ["energy"]
    assert {"category", "term", "snippet"} <= set(records[0]["evidence"][0])
    assert records[1] == {"id": 6, "relevance": "none", "categories": [], "evidence": []}
    assert "ä" in out.getvalue()  # ensure_ascii=False
    messages = err.getvalue().splitlines()
    assert [m.split(":")[0] for m in messages] == ["line 3", "line 4", "line 5", "line 7"]
    assert messages[0].startswith("line 3: invalid JSON:") and "Traceback" not in err.getvalue()


# --- quality and speed on the development set -----------------------------------------------------------


def test_dev_set_is_well_formed() -> None:
    items = bench.load()
    assert len(items) >= 80
    assert sum(i["relevance"] == "none" for i in items) / len(items) >= 0.4
    for item in items:
        assert item["relevance"] in ("high", "minor", "none")
        assert set(item["categories"]) <= set(CATEGORIES)
        assert (item["relevance"] == "none") == (not item["categories"])


def test_screener_beats_regex_baseline_on_dev_set() -> None:
    figures = bench.report(bench.load())
    ours, regex = figures["screener"], figures["regex"]
    assert ours["recall_high"] >= 0.85
    assert ours["accuracy"] > regex["accuracy"]
    assert ours["none_to_high"] < regex["none_to_high"]
    assert ours["none_flagged"] <= regex["none_flagged"]
    assert ours["category_f1"] > regex["category_f1"]


def test_throughput_on_5000_char_texts() -> None:
    rate = bench.items_per_second(n=200)
    print(f"items/s on 5,000-char bodies: {rate:.0f}")
    assert rate >= 100  # generous floor for slow CI machines; the target per core is 300


def test_cold_vocabulary_is_not_quadratic() -> None:
    body = " ".join(f"sana{i} kaukolämpö" for i in range(800))  # 800 unseen words, ~11,000 chars
    start = time.perf_counter()
    result = screen("Asia", body, "fi")
    assert result.relevance == "minor" or result.relevance == "high"
    assert time.perf_counter() - start < 2.0


def test_each_word_and_sentence_is_shown_once_per_category() -> None:
    # Several lexicon entries (bygga, byggande, …) can hit one word; the preparer should read it once.
    result = screen(
        "Dagvattenprogram för Borgå stad 2026–2035",
        "Programmet fastställer hur dagvatten ska fördröjas och renas i detaljplaner och vid byggande.",
        "sv",
    )
    keys = [(e.category, e.term.casefold(), e.snippet) for e in result.evidence]
    assert any(term == "byggande" for _, term, _ in keys)
    assert len(keys) == len(set(keys))
