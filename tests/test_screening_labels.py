"""`climate-plugin screening export-labels`: preparers' stage 0 answers as a corpus to score against."""

from __future__ import annotations

import importlib.util
import io
import json
from pathlib import Path

from climate_plugin.cli import main
from climate_plugin.db import db
from climate_plugin.models import AgendaItem, Assessment, Connector
from climate_plugin.screening import screen_jsonl
from climate_plugin.screening.labels import corpus_body, preparer_label
from tests.factories import ConnectorFactory

ROOT = Path(__file__).resolve().parent.parent
R = [f"R{n}" for n in range(1, 9)]
OPENS = {"R1": ("energy",), "R3": ("buildings",), "R4": ("land_use", "carbon_sinks"), "R8": ("steering",)}


def _answers(yes: tuple[str, ...] = (), unknown: tuple[str, ...] = (), ratings: dict | None = None) -> dict:
    stage0 = {q: "yes" if q in yes else "unknown" if q in unknown else "no" for q in R}
    answers: dict = {"checklist_version": "default-1", "stage0": stage0}
    if ratings:
        answers["ratings"] = {c: {"rating": r, "justification": "x"} for c, r in ratings.items()}
    return answers


def test_label_rules() -> None:
    assert preparer_label(_answers(), OPENS, R) == {"level": "none", "categories": []}
    assert preparer_label(_answers(yes=("R1", "R3"), ratings={"energy": "--"}), OPENS, R) == {
        "level": "high",
        "categories": ["energy", "buildings"],
    }
    assert preparer_label(_answers(yes=("R4",), ratings={"land_use": "0"}), OPENS, R) == {
        "level": "minor",
        "categories": ["land_use", "carbon_sinks"],
    }
    assert preparer_label(_answers(unknown=("R1",)), OPENS, R) is None  # not decided
    assert preparer_label({"prescreen": {}}, OPENS, R) is None  # screened only, never answered
    assert preparer_label({"stage0": {"R1": "maybe"}}, OPENS, ["R1"]) is None


def test_corpus_body_is_plain_text_cut_at_a_sentence() -> None:
    assert corpus_body("<p>Kaava.</p><p>Toinen&nbsp;lause.</p>") == "Kaava.\n\nToinen lause."
    long = "Lause on tässä. " * 400
    cut = corpus_body(long)
    assert len(cut) <= 4000 and cut.endswith(".")


def _add(connector: Connector, n: int, title: str, relevance: str, answers: dict, state: str = "submitted"):
    item = AgendaItem(
        connector=connector,
        external_id=f"e-{n}",
        title=title,
        body=f"<p>Kunta päättää asiasta {n}.</p>",
        language="fi",
        committee="Tekninen lautakunta",
        content_hash=f"h{n}",
    )
    db.session.add(item)
    screened = Assessment(
        item=item,
        revision=1,
        source="screening",
        relevance=relevance,
        categories=[],
        evidence=[],
        answers={"checklist_version": "default-1"},
        screening_version="3",
        content_hash=f"h{n}",
        state="screened",
    )
    db.session.add(screened)
    if state == "submitted":
        db.session.add(
            Assessment(
                item=item,
                revision=2,
                source="preparer",
                relevance=relevance,
                categories=[],
                evidence=[],
                answers=answers,
                screening_version="3",
                content_hash=f"h{n}",
                state="submitted",
            )
        )
    return item


def test_export_labels_writes_the_corpus_format_that_score_py_reads(app, runner, tmp_path: Path) -> None:
    with app.app_context():
        hollola = ConnectorFactory().municipality
        connector = db.session.query(Connector).filter_by(municipality_id=hollola.id).one()
        _add(
            connector,
            1,
            "Asemakaavan muutos, Kivimaa",
            "high",
            _answers(yes=("R4",), ratings={"land_use": "-"}),
        )
        _add(connector, 2, "Pöytäkirjan tarkastajien valinta", "none", _answers())
        _add(connector, 3, "Kahvinkeittimen hankinta", "minor", _answers(unknown=("R6",)))  # undecided
        _add(connector, 4, "Katuvalojen uusiminen", "high", {}, state="screened")  # never submitted
        # another municipality's items stay out
        other = ConnectorFactory(municipality__slug="orimattila").municipality
        _add(
            db.session.query(Connector).filter_by(municipality_id=other.id).one(),
            5,
            "Kaava",
            "high",
            _answers(),
        )
        db.session.commit()
        public_ids = [i.public_id for i in db.session.query(AgendaItem).order_by(AgendaItem.id)]

    result = runner.invoke(
        main, ["screening", "export-labels", "--municipality", "hollola", "--out", str(tmp_path / "own")]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["items"], summary["undecided"]) == (2, 1)
    items = [json.loads(x) for x in (tmp_path / "own" / "hollola.jsonl").read_text("utf-8").splitlines()]
    labels = [
        json.loads(x) for x in (tmp_path / "own" / "hollola.labels.jsonl").read_text("utf-8").splitlines()
    ]
    assert [i["id"] for i in items] == [lab["id"] for lab in labels] == public_ids[:2]
    assert set(items[0]) == {
        "id",
        "title",
        "body",
        "language",
        "municipality",
        "body_name",
        "date",
        "source_url",
    }
    assert items[0]["body"] == "Kunta päättää asiasta 1." and items[0]["municipality"] == "Hollola"
    assert (
        labels[0]["a"]
        == labels[0]["b"]
        == {
            "level": "high",
            "categories": ["land_use", "carbon_sinks"],
            "why": "preparer confirmed the screening (high)",
        }
    )
    assert labels[1]["a"]["level"] == "none" and labels[1]["a"]["categories"] == []

    # The municipality measures the screening on its own decisions, with the corpus's own scorer.
    spec = importlib.util.spec_from_file_location("score", ROOT / "bench" / "corpus" / "score.py")
    score = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(score)
    out = io.StringIO()
    assert screen_jsonl([json.dumps(i) for i in items], out, io.StringIO()) == 0
    predictions = {r["id"]: r for r in map(json.loads, out.getvalue().splitlines())}
    figures = score.score({lab["id"]: lab for lab in labels}, predictions)
    assert figures["missing_predictions"] == 0 and figures["n_high"] == 1 and figures["n_none"] == 1


def test_export_labels_errors_are_one_line(app, runner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["screening", "export-labels", "--municipality", "nowhere"])
    assert result.exit_code != 0 and "no municipality with slug 'nowhere'" in result.stderr
    with app.app_context():
        ConnectorFactory()
    blocked = tmp_path / "file"
    blocked.write_text("x")
    result = runner.invoke(
        main, ["screening", "export-labels", "--municipality", "hollola", "--out", str(blocked)]
    )
    assert result.exit_code != 0 and "Traceback" not in result.output
