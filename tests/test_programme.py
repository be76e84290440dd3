"""The climate programme: CSV and Kausal Watch imports (the CLI contract), the fake host's schema against the
real sample, links to decisions, commitments and solutions, and GET /api/v1/measures scoped like every
resource."""

from __future__ import annotations

import json

import pytest
from graphql import parse, validate

from climate_plugin.db import db
from climate_plugin.models import AuditEntry, Measure
from climate_plugin.programme.kausal import ACTIONS_QUERY, PLAN_QUERY
from climate_plugin.programme.kausal_fake_host import KausalFakeHost
from tests.factories import CommitmentFactory, MunicipalityFactory, SubmittedItemFactory
from tests.support.cli import assert_clean_failure, invoke

HEADER = "identifier,title,sector,responsible_body,indicator,target,status\n"
ROWS = (
    "L1,Joukkoliikenteen vuorovälit tihenevät,Liikenne,Tekninen lautakunta,Nousijat/v,+20 % 2030,käynnissä\n"
    'E1,"Kunnan kiinteistöt pois öljystä, myös koulut",Energia,Tilapalvelut,Öljyn kulutus,0 l 2028,'
    "aloitettu\n"
)


@pytest.fixture
def kausal():
    host = KausalFakeHost()
    yield host
    host.stop()


def _write(tmp_path, text: str, name: str = "ohjelma.csv", encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def test_a_csv_import_creates_then_changes_nothing_then_updates(app, runner, tmp_path):
    with app.app_context():
        MunicipalityFactory(slug="hollola")
    path = _write(tmp_path, HEADER + ROWS)
    first = invoke(runner, "programme", "import", "--municipality", "hollola", "--csv", path)
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout) == {"created": 2, "updated": 0}
    again = invoke(runner, "programme", "import", "--municipality", "hollola", "--csv", path)
    assert json.loads(again.stdout) == {"created": 0, "updated": 0}
    changed = _write(tmp_path, HEADER + ROWS.replace("käynnissä", "valmis"), "muutettu.csv")
    assert json.loads(
        invoke(runner, "programme", "import", "--municipality", "hollola", "--csv", changed).stdout
    ) == {"created": 0, "updated": 1}
    with app.app_context():
        rows = {m.identifier: m for m in db.session.scalars(db.select(Measure))}
        assert (
            rows["L1"].status == "valmis"
            and rows["E1"].title == "Kunnan kiinteistöt pois öljystä, myös koulut"
        )
        assert (
            db.session.scalar(
                db.select(db.func.count(AuditEntry.id)).where(AuditEntry.action == "programme.import")
            )
            == 3
        )


@pytest.mark.parametrize(
    ("content", "encoding", "fragments"),
    [
        (HEADER.replace("status", "state") + ROWS, "utf-8", ("line 1", "missing column(s) status", "state")),
        (HEADER + "L1,,Liikenne,,,,\n", "utf-8", ("line 2", "title is empty")),
        (HEADER + ROWS + "L1,Toinen,,,,,\n", "utf-8", ("line 4", "'L1' is on line 2")),
        (HEADER + "L1,Liikenne,x\n", "utf-8", ("line 2", "3 values for 7 columns")),
        (HEADER + "L1,Kävely ja pyöräily,,,,,\n", "latin-1", ("not UTF-8",)),
        ("", "utf-8", ("empty",)),
    ],
)
def test_a_bad_csv_is_one_line_naming_where_and_stores_nothing(
    app, runner, tmp_path, content, encoding, fragments
):
    with app.app_context():
        MunicipalityFactory(slug="hollola")
    result = invoke(
        runner,
        "programme",
        "import",
        "--municipality",
        "hollola",
        "--csv",
        _write(tmp_path, content, encoding=encoding),
    )
    assert_clean_failure(result, *fragments)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Measure.id))) == 0


def test_a_byte_order_mark_and_semicolons_from_a_spreadsheet_are_read(app, runner, tmp_path):
    with app.app_context():
        MunicipalityFactory(slug="hollola")
    text = "\ufeff" + (HEADER + "L1;Vuorovälit;Liikenne;;;;\n").replace(",", ";")
    result = invoke(
        runner, "programme", "import", "--municipality", "hollola", "--csv", _write(tmp_path, text)
    )
    assert json.loads(result.stdout) == {"created": 1, "updated": 0}


def test_the_queries_are_valid_against_the_fake_hosts_schema_and_the_sample_is_served(kausal):
    for query in (PLAN_QUERY % {"lang": "fi"}, ACTIONS_QUERY % {"lang": "fi"}):
        assert validate(kausal.schema, parse(query)) == []
    # a field Kausal Watch does not have is refused, as the real API would
    assert validate(kausal.schema, parse('{ planActions(plan: "x") { budget } }'))
    import requests

    answer = requests.post(
        kausal.graphql_url,
        json={"query": '{ plan(id: "sunnydale") { name primaryLanguage actionStatuses { identifier } } }'},
        timeout=30,
    )
    plan = answer.json()["data"]["plan"]
    assert plan["name"] == "Sunnydale Climate Action Plan"  # the real sample's plan
    assert [s["identifier"] for s in plan["actionStatuses"]] == ["completed", "on_time", "late"]


def test_a_kausal_import_maps_actions_and_keeps_in_sync(app, runner, kausal):
    with app.app_context():
        MunicipalityFactory(slug="hollola")
    args = (
        "programme",
        "import",
        "--municipality",
        "hollola",
        "--kausal",
        kausal.base_url,
        "--plan",
        "sunnydale",
    )
    assert json.loads(invoke(runner, *args).stdout) == {"created": 5, "updated": 0}
    assert json.loads(invoke(runner, *args).stdout) == {"created": 0, "updated": 0}
    with app.app_context():
        t1 = db.session.scalar(db.select(Measure).where(Measure.identifier == "T1"))
        assert (t1.title, t1.sector, t1.responsible_body, t1.status) == (
            "Safe cycling routes to every school",
            "Transport",
            "Transport and Streets Committee",
            "on_time",
        )
        assert (
            t1.indicator == "Share of school trips made by bicycle or on foot" and t1.target == "70 % (2030)"
        )
        assert t1.source == "kausal" and t1.url == "http://sunnydale.localhost/actions/T1"
    kausal.change("T1", name="Safe cycling and walking routes to every school")
    kausal.remove("E2")
    result = invoke(runner, "programme", "sync", "--municipality", "hollola")
    assert list(json.loads(result.stdout).values()) == [{"created": 0, "updated": 2}]
    with app.app_context():
        gone = db.session.scalar(db.select(Measure).where(Measure.identifier == "E2"))
        assert gone.missing_since is not None  # kept (decisions may be linked), marked
    # every request went to the GraphQL endpoint as a POST of JSON
    assert {(r.method, r.path) for r in kausal.requests} == {("POST", "/v1/graphql/")}


def test_a_kausal_import_refuses_clearly(app, runner, kausal, tmp_path):
    with app.app_context():
        MunicipalityFactory(slug="hollola")
    unknown = invoke(
        runner,
        "programme",
        "import",
        "--municipality",
        "hollola",
        "--kausal",
        kausal.base_url,
        "--plan",
        "nowhere",
    )
    assert_clean_failure(unknown, "no published plan 'nowhere'")
    kausal.fail_next(503)
    down = invoke(
        runner,
        "programme",
        "import",
        "--municipality",
        "hollola",
        "--kausal",
        kausal.base_url,
        "--plan",
        "sunnydale",
    )
    assert_clean_failure(down, "Kausal Watch at", "503")
    both = invoke(
        runner,
        "programme",
        "import",
        "--municipality",
        "hollola",
        "--csv",
        "x.csv",
        "--kausal",
        kausal.base_url,
        "--plan",
        "sunnydale",
    )
    assert_clean_failure(both, "either --csv FILE or --kausal URL")


def test_outgoing_requests_to_kausal_refuse_addresses_not_allowed(tmp_path, kausal):
    from tests.support.app import build_app

    app = build_app(tmp_path, outbound_allow="")
    with app.app_context():
        MunicipalityFactory(slug="hollola")
    result = invoke(
        app.test_cli_runner(),
        "programme",
        "import",
        "--municipality",
        "hollola",
        "--kausal",
        kausal.base_url,
        "--plan",
        "sunnydale",
    )
    assert_clean_failure(result, "refused to connect to the internal address 127.0.0.1")
    assert kausal.request_count() == 0


def test_measures_api_is_scoped_and_shows_links(app, client, auth, runner, tmp_path):
    with app.app_context():
        MunicipalityFactory(slug="hollola")
        MunicipalityFactory(slug="lahti")
    invoke(
        runner, "programme", "import", "--municipality", "hollola", "--csv", _write(tmp_path, HEADER + ROWS)
    )
    invoke(
        runner,
        "programme",
        "import",
        "--municipality",
        "lahti",
        "--csv",
        _write(tmp_path, HEADER + "X9,Lahden oma,,,,,\n", "lahti.csv"),
    )
    hollola = {"Authorization": f"Bearer {auth.token('viewer', 'hollola')}"}
    listed = client.get("/api/v1/measures", headers=hollola).get_json()
    assert [m["identifier"] for m in listed] == ["E1", "L1"]
    assert {"identifier", "title", "sector", "responsible_body", "indicator", "target", "status"} <= set(
        listed[0]
    )
    with app.app_context():
        lahti_measure = db.session.scalar(db.select(Measure.id).where(Measure.identifier == "X9"))
        item = SubmittedItemFactory(title="Bussiliikenteen lisävuorot")
        commitment = CommitmentFactory(item=item)
        item_id, commitment_id = item.id, commitment.id
    assert client.get(f"/api/v1/measures/{lahti_measure}", headers=hollola).status_code == 404
    measure_id = listed[1]["id"]
    coordinator = {"Authorization": f"Bearer {auth.token('coordinator', 'hollola')}"}
    assert (
        client.post(
            f"/api/v1/measures/{measure_id}/links",
            headers=hollola,
            json={"kind": "decision", "id": item_id, "effect": "advances"},
        ).status_code
        == 403
    )
    made = client.post(
        f"/api/v1/measures/{measure_id}/links",
        headers=coordinator,
        json={"kind": "decision", "id": item_id, "effect": "advances"},
    )
    assert made.status_code == 201, made.get_json()
    client.post(
        f"/api/v1/measures/{measure_id}/links",
        headers=coordinator,
        json={"kind": "commitment", "id": commitment_id, "effect": "conflicts", "note": "Lisää autoja"},
    )
    shown = client.get(f"/api/v1/measures/{measure_id}", headers=hollola).get_json()
    assert [d["title"] for d in shown["decisions"]] == ["Bussiliikenteen lisävuorot"]
    assert [(c["effect"], c["note"]) for c in shown["commitments"]] == [("conflicts", "Lisää autoja")]
    bad = client.post(
        f"/api/v1/measures/{measure_id}/links",
        headers=coordinator,
        json={"kind": "decision", "id": item_id, "effect": "helps"},
    )
    assert bad.status_code == 422
    lahti = {"Authorization": f"Bearer {auth.token('coordinator', 'lahti')}"}
    assert (
        client.post(
            f"/api/v1/measures/{lahti_measure}/links",
            headers=lahti,
            json={"kind": "decision", "id": item_id, "effect": "advances"},
        ).status_code
        == 404
    )
