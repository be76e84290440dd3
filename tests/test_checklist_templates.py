"""Municipality checklist templates: overrides, versions, answers, escalation, prompts, page, CLI."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest

from climate_plugin.assessments import service as assessments
from climate_plugin.assessments.links import checklist_token
from climate_plugin.checklist import (
    CATEGORY_CODES,
    DEFAULT_CHECKLIST,
    OverridesError,
    build_stage0_answers,
    checklist_for,
    count_sentences,
    describe_escalation,
    escalation_reasons,
    prefill_stage0,
    resolve,
    save_template,
    tailored_prompts,
    template_number,
    validate_answers,
    validate_overrides,
)
from climate_plugin.cli import main
from climate_plugin.db import db
from climate_plugin.models import AgendaItem, ChecklistTemplate, Municipality
from tests.factories import AgendaItemFactory, AssessedItemFactory, MunicipalityFactory

T = {"fi": "Kysymys?", "sv": "Fråga?", "en": "Question?"}


def text(word: str) -> dict[str, str]:
    return {"fi": f"{word} fi", "sv": f"{word} sv", "en": f"{word} en"}


OVERRIDES = {
    "questions": {"R1": text("Energia-kysymys"), "X3": text("Hinku-tavoite")},
    "categories": {"energy": {"name": text("Energiankäyttö"), "question": text("Ohjaava")}},
    "disabled_categories": ["consumption", "waste"],
    "extra_questions": [
        {"id": "K1", "stage": "prescreen", "text": text("Vesihuolto"), "categories": ["adaptation"]},
        {"id": "K2", "stage": "cross_cutting", "text": text("Asukasvaikutus")},
    ],
    "escalation": {"unknown_investment_over_eur": 50_000, "negative_count": 3},
}


def ev(category: str, term: str, location: str = "body") -> dict[str, str]:
    return {"category": category, "term": term, "snippet": f"… {term} …", "location": location}


# --- resolving overrides -------------------------------------------------------------------------------


def test_default_checklist_is_the_reference():
    assert DEFAULT_CHECKLIST.version == "default-1"
    assert DEFAULT_CHECKLIST.category_codes == CATEGORY_CODES
    assert [q.id for q in DEFAULT_CHECKLIST.stage0] == [f"R{i}" for i in range(1, 9)]
    assert [q.id for q in DEFAULT_CHECKLIST.cross_cutting] == [f"X{i}" for i in range(1, 7)]
    assert DEFAULT_CHECKLIST.opens["R4"] == ("land_use", "carbon_sinks")
    assert DEFAULT_CHECKLIST.escalation["unknown_investment_over_eur"] == 100_000


def test_override_merge_changes_only_what_it_names():
    cl = resolve(validate_overrides(OVERRIDES), "lahti-2+default-1")
    assert cl.version == "lahti-2+default-1"
    assert cl.question("R1").text == text("Energia-kysymys")
    assert cl.question("X3").text == text("Hinku-tavoite")
    assert cl.question("R2").text == DEFAULT_CHECKLIST.question("R2").text
    energy = cl.category("energy")
    assert energy.name == text("Energiankäyttö") and energy.question == text("Ohjaava")
    assert energy.effect == DEFAULT_CHECKLIST.category("energy").effect  # not overridden: kept
    assert cl.category("transport") == DEFAULT_CHECKLIST.category("transport")


def test_switched_off_categories_are_gone_everywhere():
    cl = resolve(validate_overrides(OVERRIDES))
    assert cl.disabled_categories == ("consumption", "waste")
    assert "waste" not in cl.category_codes and cl.category("waste") is None
    assert cl.opens["R6"] == ()  # R6 still asked (stage 0 is always whole) but opens nothing
    # screening found waste only: the suggestion falls back as if nothing was found
    prefill = prefill_stage0(["waste"], [ev("waste", "jäte")], relevance="minor", checklist=cl)
    assert prefill["R6"] == {"suggestion": "unknown", "evidence": []}
    without_land_use = resolve(validate_overrides({"disabled_categories": ["land_use"]}))
    assert without_land_use.escalation["unknown_categories"] == (
        "energy",
        "transport",
        "buildings",
        "carbon_sinks",
    )


def test_extra_questions_join_their_stage():
    cl = resolve(validate_overrides(OVERRIDES))
    assert [q.id for q in cl.stage0][-1] == "K1" and [q.id for q in cl.cross_cutting][-1] == "K2"
    assert cl.opens["K1"] == ("adaptation",)
    assert cl.extra_ids == {"K1", "K2"}
    data = cl.as_json()
    assert data["stage0"][-1] == {
        "id": "K1",
        "text": text("Vesihuolto"),
        "opens": ["adaptation"],
        "extra": True,
    }
    assert data["cross_cutting"][0]["extra"] is False
    # screening knows nothing about K1: no suggestion is invented for it
    assert "K1" not in build_stage0_answers("high", ["energy"], [], checklist=cl)["prescreen"]


@pytest.mark.parametrize(
    "overrides, fragment",
    [
        ({"questions": {"R9": T}}, "questions.R9: unknown question id 'R9'"),
        ({"questions": {"R1": {"fi": "a", "sv": "b"}}}, "questions.R1.en: missing: every text must be given"),
        ({"questions": {"R1": {**T, "de": "x"}}}, "questions.R1.de: unknown field"),
        ({"questions": {"R1": {**T, "sv": "  "}}}, "questions.R1.sv: must not be blank"),
        ({"categories": {"energi": {"name": T}}}, "categories.energi: unknown category 'energi'"),
        ({"categories": {"energy": {"label": T}}}, "categories.energy.label: unknown field"),
        ({"disabled_categories": ["bogus"]}, "disabled_categories.0: unknown category 'bogus'"),
        ({"disabled_categories": list(CATEGORY_CODES)}, "at least one category must stay switched on"),
        ({"extra_questions": [{"id": "X1", "stage": "prescreen", "text": T}]}, "'X1' is already taken"),
        ({"extra_questions": [{"id": "K1", "stage": "stage3", "text": T}]}, "must be 'prescreen' or"),
        ({"extra_questions": [{"id": "K1", "stage": "prescreen"}]}, "extra_questions.0.text"),
        (
            {
                "extra_questions": [
                    {"id": "K1", "stage": "cross_cutting", "text": T, "categories": ["energy"]}
                ]
            },
            "only a prescreen question opens categories",
        ),
        ({"escalation": {"negative_count": 0}}, "escalation.negative_count"),
        ({"escalation": {"strongly_negative": "yes"}}, "escalation.strongly_negative: must be true or false"),
        ({"escalation": {"unknown_investment_over_eur": "100k"}}, "escalation.unknown_investment_over_eur"),
        ({"colour": "green"}, "colour: unknown field"),
        (["R1"], "the overrides must be a JSON object"),
    ],
)
def test_bad_overrides_are_refused_with_a_clear_message(overrides, fragment):
    with pytest.raises(OverridesError) as caught:
        validate_overrides(overrides)
    assert fragment in str(caught.value)
    assert "\n" not in str(caught.value)


def test_every_problem_is_named_at_once():
    message = str(
        pytest.raises(OverridesError, validate_overrides, {"questions": {"R9": T}, "colour": 1}).value
    )
    assert "questions.R9" in message and "colour" in message


def test_template_number():
    assert template_number("hollola-kunta-12+default-1") == 12
    assert template_number("default-1") is None
    assert template_number("x-0+default-1") is None
    assert template_number(None) is None


# --- answers --------------------------------------------------------------------------------------------


def all_stage0(value: str, cl=DEFAULT_CHECKLIST) -> dict[str, str]:
    return {q.id: value for q in cl.stage0}


def test_valid_answers_pass():
    answers = {
        "stage0": {**all_stage0("no"), "R1": "yes"},
        "ratings": {
            "energy": {"rating": "+", "justification": "Maalämpö korvaa öljylämmityksen.", "scope": "area"}
        },
        "questions": {"X1": "Kaukolämpöä harkittiin.", "X5": ""},
    }
    assert validate_answers(DEFAULT_CHECKLIST, answers, "fi") == {}


def test_stage0_answers_must_all_be_given():
    errors = validate_answers(DEFAULT_CHECKLIST, {"stage0": {"R1": "maybe", "R77": "yes"}}, "en")
    assert errors["stage0.R1"] == "Answer the question: Yes, No or Don't know."
    assert errors["stage0.R2"] == errors["stage0.R1"]  # missing
    assert errors["stage0.R77"] == "The checklist has no question R77."


def test_all_no_needs_a_one_line_reason():
    answers = {"stage0": all_stage0("no")}
    assert "no_impact_reason" in validate_answers(DEFAULT_CHECKLIST, answers, "fi")
    assert "yhden rivin perustelu" in validate_answers(DEFAULT_CHECKLIST, answers, "fi")["no_impact_reason"]
    answers["no_impact_reason"] = "Rivi yksi\nrivi kaksi"
    assert "one line" in validate_answers(DEFAULT_CHECKLIST, answers, "en")["no_impact_reason"]
    answers["no_impact_reason"] = "Henkilöstöasia, ei fyysisiä muutoksia."
    assert validate_answers(DEFAULT_CHECKLIST, answers, "fi") == {}


def test_ratings_only_for_opened_and_switched_on_categories():
    cl = resolve(validate_overrides(OVERRIDES))
    answers = {
        "stage0": {**all_stage0("no", cl), "R2": "unknown", "K1": "yes"},
        "ratings": {
            "transport": {"rating": "0"},
            "adaptation": {"rating": "0"},  # opened by the extra question K1
            "energy": {"rating": "0"},  # R1 answered no
            "waste": {"rating": "0"},  # switched off
            "sauna": {"rating": "0"},
        },
    }
    errors = validate_answers(cl, answers, "en")
    assert set(errors) == {"ratings.energy", "ratings.waste", "ratings.sauna"}
    assert "R1" in errors["ratings.energy"] and "Stage 0 did not open" in errors["ratings.energy"]
    assert "switched off" in errors["ratings.waste"]
    assert errors["ratings.sauna"] == "The checklist has no category sauna."


def test_every_opened_category_needs_a_scale_value():
    answers = {"stage0": {**all_stage0("no"), "R4": "yes"}, "ratings": {"land_use": {"rating": "+++"}}}
    errors = validate_answers(DEFAULT_CHECKLIST, answers, "sv")
    assert "skalans värden" in errors["ratings.land_use"]
    assert errors["ratings.carbon_sinks"].startswith("Bedöm området Kolsänkor och kollager")


@pytest.mark.parametrize(
    "rating, justification, fragment",
    [
        ("-", "", "The rating − (Energy) needs a justification: say in 1–3 sentences"),
        ("?", None, "The rating ? (Energy) needs a justification"),
        ("++", "Hyvä", "is missing a full sentence: say what changes and why"),
        ("+", "Yksi. Kaksi lausetta. Kolme lausetta. Neljä lausetta.", "has 4 sentences: shorten it to 1–3"),
        ("0", "Yksi. Kaksi lausetta. Kolme lausetta. Neljä lausetta.", "has 4 sentences"),
    ],
)
def test_justification_rules(rating, justification, fragment):
    answers = {
        "stage0": {**all_stage0("no"), "R1": "yes"},
        "ratings": {"energy": {"rating": rating, "justification": justification}},
    }
    assert fragment in validate_answers(DEFAULT_CHECKLIST, answers, "en")["ratings.energy.justification"]


def test_zero_needs_no_justification_and_scope_is_checked():
    answers = {
        "stage0": {**all_stage0("no"), "R1": "yes"},
        "ratings": {"energy": {"rating": "0", "scope": "x"}},
    }
    assert set(validate_answers(DEFAULT_CHECKLIST, answers, "fi")) == {"ratings.energy.scope"}


def test_sentence_count_ignores_abbreviations_and_decimals():
    assert count_sentences("Päästöt laskevat esim. Hinku-tavoitteen mukaisesti 1.5 %. Hyvä.") == 2
    assert count_sentences("Minskar t.ex. bilresor. Ökar cykling!") == 2
    assert count_sentences("- kasvaa\n- vähenee\n- pysyy") == 3


def test_cross_cutting_answers_are_free_text_for_known_ids():
    cl = resolve(validate_overrides(OVERRIDES))
    answers = {"stage0": all_stage0("unknown", cl), "questions": {"K2": "Vapaa teksti", "X9": "?", "X1": 5}}
    errors = {k: v for k, v in validate_answers(cl, answers, "fi").items() if k.startswith("questions")}
    assert set(errors) == {"questions.X9", "questions.X1"}


def test_malformed_answers():
    assert validate_answers(DEFAULT_CHECKLIST, ["x"], "en") == {"answers": "The answer could not be read."}
    errors = validate_answers(DEFAULT_CHECKLIST, {"stage0": all_stage0("yes"), "ratings": "++"}, "en")
    assert errors["ratings"] == "The answer could not be read."


# --- escalation -------------------------------------------------------------------------------------------


def test_escalation_uses_the_municipality_rules():
    cl = resolve(
        validate_overrides(
            {
                "escalation": {
                    "unknown_investment_over_eur": 50_000,
                    "unknown_categories": ["waste"],
                    "negative_count": None,
                    "nonzero_steering": False,
                }
            }
        )
    )
    assert escalation_reasons(cl, {"waste": "?"}, 60_000) == ["unknown_in_key_category"]
    assert escalation_reasons(DEFAULT_CHECKLIST, {"waste": "?"}, 60_000) == []
    assert escalation_reasons(cl, {"energy": "?"}, 60_000) == []  # energy is not a key category here
    assert escalation_reasons(cl, {"a": "-", "energy": "-", "waste": "-"}) == []  # the count rule is off
    assert escalation_reasons(cl, {"steering": "+"}) == []
    assert escalation_reasons(DEFAULT_CHECKLIST, {"steering": "+"}) == ["nonzero_steering"]


def test_escalation_reads_stored_ratings_and_ignores_switched_off_categories():
    cl = resolve(validate_overrides({"disabled_categories": ["steering"]}))
    stored = {"energy": {"rating": "--", "justification": "…"}, "steering": {"rating": "+"}}
    assert escalation_reasons(cl, stored) == ["strongly_negative"]
    assert escalation_reasons(DEFAULT_CHECKLIST, stored) == ["strongly_negative", "nonzero_steering"]
    assert escalation_reasons(DEFAULT_CHECKLIST, {"land_use": "?"}, land_use_plan=True) == [
        "unknown_in_key_category"
    ]


def test_escalation_reasons_in_words_with_the_municipality_numbers():
    cl = resolve(validate_overrides(OVERRIDES))
    fi, en = (
        describe_escalation(cl, ["negative_count", "unknown_in_key_category"], lang) for lang in ("fi", "en")
    )
    assert fi[0] == "Vähintään 3 aihepiiriä on arvioitu kielteisiksi (−)."
    assert "yli 50\u202f000 euron" in fi[1] and "over €50,000" in en[1]


# --- tailored prompts -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "lang, term, expected",
    [
        ("fi", "maalämpökaivot", "Tekstissä mainitaan ”maalämpökaivot”: arvioi energiavaikutus."),
        ("sv", "bergvärmebrunnar", "Texten nämner ”bergvärmebrunnar”: bedöm energikonsekvensen."),
        (
            "en",
            "ground-source heat wells",
            "The text mentions “ground-source heat wells”: rate the energy effect.",
        ),
    ],
)
def test_prompt_from_evidence_in_the_item_language(lang, term, expected):
    prompts = tailored_prompts(DEFAULT_CHECKLIST, (["energy"], [ev("energy", term)]), lang)
    assert prompts == [
        {
            "category": "energy",
            "question": DEFAULT_CHECKLIST.category("energy").question[lang],
            "prompt": expected,
            "terms": [term],
        }
    ]


def test_inflected_forms_of_one_word_are_named_once():
    evidence = [
        ev("buildings", "peruskorjauksen", "title"),
        ev("buildings", "peruskorjaukseen"),
        ev("energy", "maalämpö"),
        ev("energy", "maalämmöllä"),
        ev("energy", "ilmanvaihto"),
    ]
    prompts = tailored_prompts(DEFAULT_CHECKLIST, (["energy", "buildings"], evidence), "fi")
    assert [p["terms"] for p in prompts] == [["maalämpö", "ilmanvaihto"], ["peruskorjauksen"]]


def test_prompt_lists_terms_once_in_checklist_order_and_skips_switched_off():
    evidence = [
        ev("transport", "pyörätie"),
        ev("energy", "Kaukolämpö", "title"),
        ev("energy", "kaukolämpö"),
        ev("energy", "aurinkopaneelit"),
        ev("energy", "maalämpö", "attachment"),
        ev("energy", "hake"),
        ev("waste", "jäte"),
    ]
    cl = resolve(validate_overrides({"disabled_categories": ["waste"]}))
    prompts = tailored_prompts(cl, (["waste", "transport", "energy"], evidence), "fi")
    assert [p["category"] for p in prompts] == ["energy", "transport"]
    assert prompts[0]["prompt"] == (
        "Tekstissä mainitaan ”Kaukolämpö”, ”aurinkopaneelit” ja ”maalämpö”: arvioi energiavaikutus."
    )
    assert prompts[1]["prompt"] == "Tekstissä mainitaan ”pyörätie”: arvioi liikennevaikutus."


def test_prompt_without_evidence_and_for_none_items():
    prompts = tailored_prompts(DEFAULT_CHECKLIST, (["steering"], []), "sv")
    assert prompts[0]["prompt"] is None and prompts[0]["question"].startswith("Låser ärendet")

    class NoneItem:
        relevance, categories, evidence = "none", ["energy"], [ev("energy", "sähkö")]

    assert tailored_prompts(DEFAULT_CHECKLIST, NoneItem(), "fi") == []


# --- templates in the database -----------------------------------------------------------------------


def test_versions_go_up_and_the_latest_applies(app):
    with app.app_context():
        lahti, other = MunicipalityFactory(slug="lahti"), MunicipalityFactory(slug="orimattila")
        assert checklist_for(lahti) is DEFAULT_CHECKLIST
        first = save_template(lahti, {"disabled_categories": ["waste"]}, created_by="admin")
        second = save_template(lahti, OVERRIDES)
        db.session.commit()
        assert (first.version, second.version) == (1, 2)
        assert checklist_for(lahti).version == "lahti-2+default-1"
        assert checklist_for(lahti).extra_ids == {"K1", "K2"}
        assert checklist_for(lahti, "lahti-1+default-1").extra_ids == frozenset()
        assert checklist_for(lahti, "lahti-99+default-1").version == "lahti-2+default-1"  # gone: latest
        assert checklist_for(other) is DEFAULT_CHECKLIST
        assert save_template(other, {}).version == 1  # numbered per municipality
        with pytest.raises(OverridesError):
            save_template(lahti, {"questions": {"R9": T}})
        db.session.rollback()
        assert db.session.query(ChecklistTemplate).filter_by(municipality_id=lahti.id).count() == 2


def add_item(owner: Municipality, evidence: list[dict[str, str]], categories: list[str]) -> AgendaItem:
    """A screened item whose stage 0 answers come from ``owner``'s own checklist."""
    answers = build_stage0_answers("high", categories, evidence, checklist=checklist_for(owner))
    return AssessedItemFactory(
        connector__municipality=owner,
        title="Koulun lämmitys",
        assessment__categories=categories,
        assessment__evidence=evidence,
        assessment__answers=answers,
    )


def test_page_shows_the_municipality_checklist_and_the_tailored_prompts(app, client):
    with app.app_context():
        owner = MunicipalityFactory(slug="lahti")
        save_template(owner, OVERRIDES)
        db.session.commit()
        evidence = [ev("energy", "maalämpökaivot", "attachment"), ev("waste", "jätekatos")]
        item = add_item(owner, evidence, ["energy", "waste"])
        public_id = checklist_token(item)  # the page is behind the item's signed link
    html = client.get(f"/checklist/{public_id}").get_data(as_text=True)
    # overridden X3; the stage 0 questions are not asked on the page (only the flagged categories are)
    assert "Energia-kysymys fi" not in html and "Hinku-tavoite fi" in html
    assert "Energiankäyttö fi" in html and "Ohjaava fi" in html
    assert "Vesihuolto fi" in html and "Asukasvaikutus fi" in html and "kunnan oma kysymys" in html
    assert 'id="category-waste"' not in html and 'id="category-consumption"' not in html
    assert 'id="category-transport"' in html
    assert "Tekstissä mainitaan ”maalämpökaivot”: arvioi energiavaikutus." in html
    assert "(liite)" in html  # the attachment location label
    assert "Tarkistuslistan versio: lahti-1+default-1" in html
    sv = client.get(f"/checklist/{public_id}?lang=sv").get_data(as_text=True)
    assert "Texten nämner ”maalämpökaivot”: bedöm energikonsekvensen." in sv and "(bilaga)" in sv


def test_assessment_keeps_its_template_version_after_a_change(app, client):
    with app.app_context():
        owner = MunicipalityFactory(slug="lahti")
        save_template(owner, {"questions": {"X1": text("Vanha")}})
        db.session.commit()
        item = add_item(owner, [ev("energy", "sähkö")], ["energy"])
        public_id = checklist_token(item)  # the page is behind the item's signed link
        save_template(owner, {"questions": {"X1": text("Uusi")}, "disabled_categories": ["energy"]})
        db.session.commit()
        stored = db.session.get(AgendaItem, item.id).current_assessment.answers["checklist_version"]
        assert stored == "lahti-1+default-1"
        assert checklist_for(owner).version == "lahti-2+default-1"
    html = client.get(f"/checklist/{public_id}").get_data(as_text=True)
    assert "Vanha fi" in html and "Uusi fi" not in html
    assert 'id="category-energy"' in html
    assert "Tarkistuslistan versio: lahti-1+default-1" in html


def test_host_words_in_prompts_are_escaped(app, client):
    with app.app_context():
        lahti = MunicipalityFactory(slug="lahti")
        item = add_item(lahti, [ev("energy", "<img src=x onerror=alert(1)>")], ["energy"])
        public_id = checklist_token(item)  # the page is behind the item's signed link
    html = client.get(f"/checklist/{public_id}").get_data(as_text=True)
    assert "<img src=x" not in html
    assert "Tekstissä mainitaan ”&lt;img src=x onerror=alert(1)&gt;”: arvioi energiavaikutus." in html


def test_screening_stores_the_municipality_template_version(app):
    with app.app_context():
        owner = MunicipalityFactory(slug="lahti")
        save_template(owner, OVERRIDES)
        db.session.commit()
        item = AgendaItemFactory(connector__municipality=owner, title="Koulun maalämpö")
        first = assessments.assess(item)
        assert first.answers["checklist_version"] == "lahti-1+default-1"
        assert assessments.assess(item) is first  # nothing changed: no new revision
        save_template(owner, {})
        second = assessments.assess(item)
        assert (second.revision, second.answers["checklist_version"]) == (2, "lahti-2+default-1")
        assert first.answers["checklist_version"] == "lahti-1+default-1"


# --- CLI -------------------------------------------------------------------------------------------------


@pytest.fixture
def cli(app, runner):
    """Invoke `climate-plugin …` against the fixture app."""
    assert "checklist" in main.list_commands(click.Context(main))
    with app.app_context():
        MunicipalityFactory(slug="lahti")

    def invoke(*args: str, input: str | bytes | None = None):
        return runner.invoke(main, args=list(args), input=input)

    return invoke


def write(path: Path, content: str | bytes) -> str:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return str(path)


def test_cli_set_show_versions(cli, tmp_path):
    result = cli(
        "checklist",
        "set",
        "--municipality",
        "lahti",
        "--file",
        write(tmp_path / "o.json", json.dumps(OVERRIDES)),
        "--by",
        "Ilmastokoordinaattori",
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"version": "lahti-1+default-1", "template": 1}
    result = cli("checklist", "set", "--municipality", "lahti", "--file", "-", input="{}")
    assert json.loads(result.stdout)["version"] == "lahti-2+default-1"

    versions = json.loads(cli("checklist", "versions", "--municipality", "lahti").stdout)
    assert [(v["template"], v["created_by"]) for v in versions] == [(1, "Ilmastokoordinaattori"), (2, None)]

    shown = json.loads(cli("checklist", "show", "--municipality", "lahti", "--json").stdout)
    assert (
        shown["version"] == "lahti-2+default-1" and len(shown["categories"]) == 10
    )  # {} = the default wording
    text_output = cli("checklist", "show", "--municipality", "lahti", "--lang", "en").stdout
    assert "version: lahti-2+default-1" in text_output and "R1  Does it affect energy use" in text_output


def test_cli_show_text_marks_overrides(cli, tmp_path):
    cli(
        "checklist",
        "set",
        "--municipality",
        "lahti",
        "--file",
        write(tmp_path / "o.json", json.dumps(OVERRIDES)),
    )
    output = cli("checklist", "show", "--municipality", "lahti").stdout
    assert "K1 *  Vesihuolto fi" in output and "switched off: consumption, waste" in output
    assert "negative (-) count: 3" in output and "investment over 50000 EUR" in output


@pytest.mark.parametrize(
    "content, fragment",
    [
        ("{not json", "not valid JSON"),
        (b"\xff\xfe{}", "not UTF-8"),
        ("[1, 2]", "the overrides must be a JSON object"),
        (json.dumps({"questions": {"R9": T}}), "questions.R9: unknown question id 'R9'"),
        (
            json.dumps({"questions": {"R1": {"fi": "vain suomeksi"}}}),
            "every text must be given in fi, sv and en",
        ),
        ("[" * 100_000, "not valid JSON"),
    ],
)
def test_cli_set_refuses_a_bad_file_in_one_line(cli, tmp_path, content, fragment):
    result = cli(
        "checklist", "set", "--municipality", "lahti", "--file", write(tmp_path / "bad.json", content)
    )
    assert result.exit_code != 0 and isinstance(result.exception, SystemExit)
    assert fragment in result.stderr and "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1
    assert json.loads(cli("checklist", "versions", "--municipality", "lahti").stdout) == []


def test_cli_unknown_municipality_and_missing_file(cli, tmp_path):
    result = cli("checklist", "show", "--municipality", "nowhere")
    assert result.exit_code != 0 and "no municipality with slug 'nowhere'" in result.stderr
    result = cli("checklist", "set", "--municipality", "lahti", "--file", str(tmp_path / "missing.json"))
    assert result.exit_code == 2 and "Traceback" not in result.output
