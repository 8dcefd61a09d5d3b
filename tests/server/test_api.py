"""The JSON API over the tiny poet: every field of POST /api/poems, the checker, health, errors."""
from __future__ import annotations

import pytest

SAME_IN_BOTH = "春山花月日人天水江秋"  # characters written alike in both scripts
WEICHENG = "渭城朝雨浥轻尘，客舍青青柳色新。劝君更尽一杯酒，西出阳关无故人。"


def write(client, **body) -> dict:
    res = client.post("/api/poems", json={"form": "五绝", **body})
    assert res.status_code == 200, res.text
    return res.json()


def heads(poet, k: int) -> str:
    found = "".join(c for c in SAME_IN_BOTH if c in poet.vocab)
    assert len(found) >= k, found
    return found[:k]


def test_health(client, poet):
    h = client.get("/api/health").json()
    assert h["status"] == "ok" and h["name"] == poet.name and h["vocab_size"] == len(poet.vocab)
    assert h["step"] == poet.header["step"] and h["version"].endswith(f"+step{poet.header['step']}")
    assert h["workers"] == 2


def test_poems_are_write_json(client, poet):
    """Same seed and fields: the same JSON as ``tangshi write --json`` (Poem.to_json)."""
    got = write(client, title="秋夜", seed=11)
    want = {"poems": [p.to_json() for p in poet.write(form="五绝", title="秋夜", seed=11)], "alternatives": None}
    assert got == want


@pytest.mark.parametrize("form, lines, chars", [("五绝", 4, 5), ("七言绝句", 4, 7), ("五言律詩", 8, 5), ("七律", 8, 7)])
def test_forms(client, form, lines, chars):
    poem = write(client, form=form, seed=1)["poems"][0]
    assert len(poem["lines"]) == lines and {len(line) for line in poem["lines"]} == {chars}
    assert poem["check"]["ok"], poem["check"]["errors"]


def test_acrostic_first_line_and_title(client, poet):
    acro = heads(poet, 4)
    poem = write(client, acrostic=" ".join(acro), title="春望", seed=2)["poems"][0]
    assert [line[0] for line in poem["lines"]] == list(acro) and poem["title"] == "春望"
    given = poem["lines"][0]
    again = write(client, first_line=given, seed=3)["poems"][0]
    assert again["lines"][0] == given


@pytest.mark.parametrize("body, test", [
    ({"rules": "lenient"}, lambda ps: ps[0]["check"]["mode"] == "lenient"),
    ({"rules": "off"}, lambda ps: len(ps[0]["lines"]) == 4),
    ({"start": "平起"}, lambda ps: ps[0]["pattern"].startswith("平起")),
    ({"start": "ze"}, lambda ps: ps[0]["pattern"].startswith("仄起")),
    ({"first_rhymes": True}, lambda ps: ps[0]["pattern"].endswith("首句入韵") and "不" not in ps[0]["pattern"]),
    ({"first_rhymes": False}, lambda ps: ps[0]["pattern"].endswith("首句不入韵")),
    ({"temperature": 2.0, "top_k": 5, "top_p": 0.5}, lambda ps: ps[0]["check"]["ok"]),
    ({"n": 3}, lambda ps: len(ps) == 3 and ps[0]["rank"] >= ps[1]["rank"] >= ps[2]["rank"]),
    ({"beam": 3, "n": 2}, lambda ps: len(ps) == 2),
    ({"repeat_penalty": 0.0, "guidance": 0.0, "candidates": 1}, lambda ps: ps[0]["pmi"] is None),
    ({"candidates": 4, "n": 2}, lambda ps: len(ps) == 2 and ps[0]["rank"] >= ps[1]["rank"]),
    ({"script": "traditional", "title": "秋夜"}, lambda ps: ps[0]["title"] == "秋夜"),
])
def test_fields(client, body, test):
    assert test(write(client, seed=5, **body)["poems"])


def test_seed_and_script(client):
    a, b = write(client, seed=9, title="风"), write(client, seed=9, title="风")
    assert a == b
    trad = write(client, seed=9, script="traditional", title="风")["poems"][0]
    simp = client.post("/api/convert", json={"text": trad["text"], "script": "simplified"}).json()["text"]
    assert simp == a["poems"][0]["text"] and trad["title"] == "風"


@pytest.mark.parametrize("field, value", [
    ("form", "六绝"), ("title", "长" * 33), ("acrostic", "春山"), ("acrostic", "春山花月日"), ("first_line", "春" * 65),
    ("rules", "loose"), ("start", "中起"), ("first_rhymes", "maybe"), ("temperature", 0), ("temperature", 2.5),
    ("temperature", "hot"), ("top_k", -1), ("top_p", 0), ("top_p", 1.5), ("beam", -1), ("beam", 17), ("n", 0),
    ("n", 17), ("seed", -1), ("seed", 2**64), ("repeat_penalty", -1), ("repeat_penalty", 11),
    ("guidance", -0.5), ("guidance", 6), ("candidates", 0), ("candidates", 33), ("script", "cyrillic"), ("colour", "red"),
    ("setting_strength", -1), ("setting_strength", 11), ("line_samples", 0), ("line_samples", 9),
    ("judge_weight", -1), ("keywords", "春" * 21), ("plan", "maybe"),
    ("mood", "乐"), ("mood", 3), ("dynasty", "元"),
])
def test_bad_field_is_422_naming_it(client, field, value):
    res = client.post("/api/poems", json={"form": "五绝", field: value})
    assert res.status_code == 422
    body = res.json()
    assert body["detail"].startswith(f"{field}: ") and [e["field"] for e in body["errors"]] == [field]
    assert body["field"] == field and body["code"] not in ("invalid", "http_error"), body  # a code the page words


@pytest.mark.parametrize("body, needle", [
    ({"acrostic": "春山花月", "form": "七律"}, "acrostic: acrostic '春山花月' has 4 characters; a 七言律诗 has 8 lines"),
    ({"n": 3, "beam": 2}, "n: n=3 asks for more poems than beam=2 keeps"),
    ({"beam": 4, "line_samples": 2}, "line_samples: line_samples=2 searches over sampled lines; beam search (beam > 0)"
                                     " does not sample: choose one"),
])
def test_bad_combination_is_422(client, body, needle):
    res = client.post("/api/poems", json=body)
    assert res.status_code == 422 and res.json()["detail"] == needle


@pytest.mark.parametrize("field, value, needle", [
    ("acrostic", "𠀀春山花", "𠀀"),          # a character the model does not know
    ("first_line", "𠀀春山花月", "𠀀"),
    ("first_line", "春山花月", "4 characters"),
    ("acrostic", "ab春山", "Chinese characters only"),
    ("rhyme", "董", "unknown rhyme group"),
    ("dynasty", "宋", "trained on 唐 poems only"),
    ("mood", "乐", "unknown mood '乐'"),
    ("mood", "喜", "trained without moods"),
    ("keywords", "春 夏 秋 冬 雪", "5 keywords; a plan has 4"),
    ("keywords", "明月光", "one or two Chinese characters"),
    ("keywords", "𠀀", "𠀀"),
])
def test_input_error_is_422_naming_the_value(client, field, value, needle):
    res = client.post("/api/poems", json={"form": "五绝", field: value})
    assert res.status_code == 422 and needle in res.json()["detail"]


def test_not_json_and_wrong_shape(client):
    res = client.post("/api/poems", content=b"{not json", headers={"content-type": "application/json"})
    assert res.status_code == 422 and "JSON" in res.json()["detail"]
    assert client.post("/api/poems", json=["五绝"]).status_code == 422


def test_check_weicheng(client):
    """王维《渭城曲》 breaks 粘 at line 3 (君 should be 仄); strictly, 轻 (两读) at line 1 also fails;
    by default its context (浥轻尘) reads it 平."""
    default = client.post("/api/check", json={"text": WEICHENG}).json()
    assert default["mode"] == "contextual" and [e["kind"] for e in default["errors"]] == ["shi_nian"]
    assert default["lines"][0]["chosen"][5] == "P" and "reading" in [n["kind"] for n in default["notes"]]
    strict = client.post("/api/check", json={"text": WEICHENG, "mode": "strict"}).json()
    assert not strict["ok"] and strict["form"] == "七言绝句" and strict["mode"] == "strict"
    assert [(e["kind"], e["line"], e["pos"]) for e in strict["errors"]] == [("tone", 1, 6), ("shi_nian", 3, 2)]
    assert strict["lines"][2]["verdicts"][1] == "error" and strict["lines"][0]["tones"][5] == "PZ"
    lenient = client.post("/api/check", json={"text": WEICHENG, "mode": "lenient"}).json()
    assert lenient["mode"] == "lenient" and [e["kind"] for e in lenient["errors"]] == ["shi_nian"]


def test_check_is_checker_json(client):
    from tangshi.prosody import check

    text = "白日依山尽，黄河入海流。欲穷千里目，更上一层楼。"
    assert client.post("/api/check", json={"text": text}).json() == check(text).to_json()


@pytest.mark.parametrize("body, field", [
    ({"text": ""}, "text"), ({"text": "春" * 1001}, "text"), ({}, "text"), ({"text": "春", "mode": "loose"}, "mode"),
    ({"text": "春", "extra": 1}, "extra"),
])
def test_check_bad_request(client, body, field):
    res = client.post("/api/check", json=body)
    assert res.status_code == 422 and res.json()["detail"].startswith(f"{field}: ")


def test_convert(client):
    assert client.post("/api/convert", json={"text": "秋风", "script": "traditional"}).json() == {"text": "秋風"}
    assert client.post("/api/convert", json={"text": "秋風", "script": "simplified"}).json() == {"text": "秋风"}
    assert client.post("/api/convert", json={"text": "秋", "script": "latin"}).status_code == 422


def test_meta(client):
    meta = client.get("/api/meta").json()
    assert [(f["short"], f["lines"], f["chars"]) for f in meta["forms"]] == [
        ("五绝", 4, 5), ("七绝", 4, 7), ("五律", 8, 5), ("七律", 8, 7)]
    assert meta["kinds"]["shi_nian"] == "失粘" and "shi_nian" in meta["errors"] and "ban_ao" not in meta["errors"]


def test_body_limit_413(client):
    big = {"text": "春" * 10_000}  # 30 kB of UTF-8, over the 16 KiB limit
    res = client.post("/api/check", json=big)
    assert res.status_code == 413 and "16384" in res.json()["detail"]

    def chunks():  # no Content-Length: the limit holds for a streamed body too
        for _ in range(20):
            yield b" " * 1024

    res = client.post("/api/poems", content=chunks(), headers={"content-type": "application/json"})
    assert res.status_code == 413


@pytest.mark.parametrize("method, path, status", [
    ("get", "/api/nope", 404), ("get", "/nope", 404), ("get", "/static/nope.js", 404), ("get", "/api/poems", 405),
    ("delete", "/api/check", 405),
])
def test_not_found_and_method(client, method, path, status):
    assert getattr(client, method)(path).status_code == status


def test_page_and_docs(client):
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert 'src="/static/app.js"' in page.text and "http" not in page.text  # nothing from elsewhere: works offline
    for asset in ("app.js", "style.css"):
        assert client.get(f"/static/{asset}").status_code == 200
    schema = client.get("/openapi.json").json()
    assert {"/api/poems", "/api/check", "/api/health"} <= set(schema["paths"])
    assert schema["components"]["schemas"]["WriteBody"]["properties"]["n"]["maximum"] == 16
    assert "WriteRequest" not in schema["components"]["schemas"]  # the dataclass's name is not reused
    assert client.get("/docs").status_code == 200


@pytest.mark.parametrize("host, status", [
    ("127.0.0.1:8000", 200), ("localhost", 200), ("[::1]:8000", 200), ("app.localhost:8000", 200),
    ("evil.example", 400), ("evil.example:8000", 400), ("127.0.0.1.evil.example", 400), ("", 400),
])
def test_only_loopback_host_names_are_answered(client, host: str, status: int) -> None:
    res = client.get("/api/health", headers={"host": host})
    assert res.status_code == status, res.text
    if status == 400:
        assert "--allow-host" in res.json()["detail"]


def test_allow_host_opens_a_name_deliberately(poet) -> None:
    from fastapi.testclient import TestClient

    from tangshi.server import create_app
    from tangshi.cli.serve import allowed_hosts

    assert allowed_hosts("127.0.0.1", None) == () and allowed_hosts("0.0.0.0", None) == ("*",)
    assert allowed_hosts("0.0.0.0", ["poems.example.org"]) == ("poems.example.org",)
    with TestClient(create_app(poet, workers=1, allow_hosts=("poems.example.org",)),
                    base_url="http://poems.example.org") as c:
        assert c.get("/api/health").status_code == 200
        assert c.get("/api/health", headers={"host": "evil.example"}).status_code == 400


def test_the_servers_candidates_setting_applies_to_requests_that_do_not_choose(poet) -> None:
    from fastapi.testclient import TestClient

    from tangshi.errors import InputError
    from tangshi.server import create_app

    with pytest.raises(InputError, match="candidates"):
        create_app(poet, candidates=99)
    with TestClient(create_app(poet, workers=1, candidates=1), base_url="http://127.0.0.1") as c:
        alone = c.post("/api/poems", json={"form": "五绝", "guidance": 0.0, "seed": 1}).json()["poems"][0]
        assert alone["pmi"] is None  # one candidate, no guidance: nothing to rank, no empty-title rows
        chosen = c.post("/api/poems", json={"form": "五绝", "guidance": 0.0, "candidates": 3, "seed": 1})
        assert chosen.json()["poems"][0]["pmi"] is not None


def test_meta_names_the_models_conditions(client):
    meta = client.get("/api/meta").json()
    assert meta["conditions"] == {"dynasties": ["唐"], "moods": []}  # the tiny poet: Tang only, no moods
    assert meta["write"]["mood"]["choices"] == ["喜", "悲", "愁", "闲", "壮", "思"]


def test_a_mood_poet_over_http(song_poet):
    from fastapi.testclient import TestClient

    from tangshi.server import create_app

    with TestClient(create_app(song_poet, workers=1), base_url="http://127.0.0.1") as c:
        assert c.get("/api/meta").json()["conditions"]["moods"] == ["喜", "悲", "愁", "闲", "壮", "思"]
        res = c.post("/api/poems", json={"form": "五绝", "title": "山居", "mood": "閑", "dynasty": "宋", "seed": 2})
        assert res.status_code == 200, res.text
        res = c.post("/api/poems", json={"form": "五绝", "mood": "乐"})
        assert res.status_code == 422 and [e["field"] for e in res.json()["errors"]] == ["mood"]


def test_check_scores_duizhang(client):
    """/api/check scores each couplet of a 律诗 (a note: 《春望》 stays 合律 whatever its 对仗)."""
    text = "国破山河在，城春草木深。感时花溅泪，恨别鸟惊心。烽火连三月，家书抵万金。白头搔更短，浑欲不胜簪。"
    res = client.post("/api/check", json={"text": text}).json()
    assert res["ok"] and [c["name"] for c in res["duizhang"]] == ["首联", "颔联", "颈联", "尾联"]
    assert [c["parallel"] for c in res["duizhang"][1:]] == [True, True, False]
    pair = res["duizhang"][2]["pairs"][3]
    assert (pair["a"], pair["b"], pair["class_a"], pair["strong"]) == ("三", "万", "数目", True)


LUSHI_NAMES = ["首联", "颔联", "颈联", "尾联"]


def test_a_written_lushi_carries_its_duizhang(client, tiny_model):
    """/api/poems and ``tangshi write --json`` give a 律诗's 对仗 per couplet, as /api/check does; a 绝句 none."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    poem = write(client, form="五律", seed=4)["poems"][0]
    couplets = poem["check"]["duizhang"]
    assert [c["name"] for c in couplets] == LUSHI_NAMES and [c["lines"] for c in couplets] == [[1, 2], [3, 4], [5, 6],
                                                                                                [7, 8]]
    assert all(c["scored"] and len(c["pairs"]) >= 2 for c in couplets), couplets
    assert couplets == client.post("/api/check", json={"text": poem["text"]}).json()["duizhang"]
    assert write(client, form="七绝", seed=4)["poems"][0]["check"]["duizhang"] == []
    cli = Path(sys.executable).parent / "tangshi"
    for form, names in (("七律", LUSHI_NAMES), ("五绝", [])):
        out = subprocess.run([str(cli), "write", "--model", str(tiny_model), "--form", form, "--seed", "4", "--json"],
                             capture_output=True, text=True, timeout=300, env={**__import__("os").environ,
                                                                                "OMP_NUM_THREADS": "1"})
        assert out.returncode == 0, out.stderr
        got = json.loads(out.stdout)["poems"][0]["check"]["duizhang"]
        assert [c["name"] for c in got] == names and all(c["pairs"] for c in got)


@pytest.mark.parametrize("body, code, field, params", [
    ({"acrostic": "春山"}, "wrong_count", "acrostic", {"got": 2, "want": 4, "form": "五言绝句"}),
    ({"acrostic": "ab春山"}, "not_han", "acrostic", {}),
    ({"first_line": "𠀀春山花月"}, "unknown_char", "first_line", {"chars": "𠀀"}),
    ({"first_line": "春山花月"}, "wrong_length", "first_line", {"got": 4, "want": 5}),
    ({"first_line": "，"}, "empty", "first_line", {}),
    ({"n": 3, "beam": 2}, "n_over_beam", "n", {"n": 3, "beam": 2}),
    ({"dynasty": "宋"}, "not_trained", "dynasty", {"value": "宋"}),
    ({"mood": "喜"}, "not_trained", "mood", {"value": "喜"}),
    ({"mood": "乐"}, "not_a_choice", "mood", {"value": "乐"}),
    ({"form": "六绝"}, "not_a_choice", "form", {"value": "六绝"}),
    ({"rhyme": "董"}, "not_a_choice", "rhyme", {"value": "董"}),
    ({"rhyme": "东", "rules": "off"}, "rhyme_needs_rules", "rhyme", {}),
    ({"rules": "loose"}, "not_a_choice", "rules", {"value": "loose"}),
    ({"temperature": 0}, "out_of_range", "temperature", {"min": 0, "min_open": True}),
    ({"n": 17}, "out_of_range", "n", {"max": 16}),
    ({"seed": "x"}, "wrong_type", "seed", {"kind": "int"}),
    ({"first_rhymes": "maybe"}, "wrong_type", "first_rhymes", {"kind": "bool"}),
    ({"title": "长" * 33}, "too_long", "title", {"max_length": 32}),
    ({"colour": "red"}, "unknown_field", "colour", {}),
])
def test_errors_carry_a_code_a_field_and_params(client, body, code, field, params):
    res = client.post("/api/poems", json={"form": "五绝", **body})
    assert res.status_code == 422
    got = res.json()
    assert (got["code"], got["field"]) == (code, field) and got["errors"][0]["code"] == code
    assert got["errors"][0]["params"].items() >= params.items(), got


def test_every_error_has_the_same_shape(client):
    from tangshi.server.problems import CODES

    answers = [client.post("/api/poems", content=b"{not json", headers={"content-type": "application/json"}),
               client.post("/api/poems", json=["五绝"]), client.post("/api/check", json={}),
               client.post("/api/check", json={"text": "春" * 10_000}), client.get("/api/nope"), client.get("/api/poems"),
               client.get("/api/health", headers={"host": "evil.example"})]
    want = [(422, "bad_json", None), (422, "bad_body", None), (422, "required", "text"), (413, "too_large", None),
            (404, "not_found", None), (405, "method_not_allowed", None), (400, "bad_host", None)]
    assert [(r.status_code, r.json()["code"], r.json()["field"]) for r in answers] == want
    assert all(set(r.json()) == {"detail", "code", "field", "errors"} and r.json()["code"] in CODES for r in answers)


def test_input_error_codes_read_every_message_of_the_request():
    """Each InputError the request and the poet raise maps to its own code (not the fallback), so a
    reworded message fails here rather than reaching the page as ``invalid``."""
    from tangshi.errors import InputError
    from tangshi.server.problems import from_input_error

    cases = {"the model does not know the character(s) '𠀀', '嶽' (traditional '嶽') in the acrostic": "unknown_char",
             "the rhyme group 一东 offers 3 rhyme characters this model knows; a 七言律诗 needs 4": "rhyme_too_small",
             "the given line ends on 「天」, which does not rhyme in 一东: leave --rhyme out": "rhyme_mismatch",
             "line 1 of the first line starts with '春', but the acrostic asks for '秋'": "acrostic_conflict",
             "the first line gives 4 lines; a 五言绝句 has 4, so nothing is left to write": "too_many_lines",
             "title has 40 characters; at most 32 are allowed": "too_long", "title is not valid UTF-8 text": "bad_text",
             "seed must be 0..2^63-1, got -1": "out_of_range", "mood must be a mood's name, not 3": "wrong_type",
             "no poem given: the text is empty": "empty", "text is required": "required",
             "kept line 3, character 2 「头」 breaks the form: no pattern …": "breaks_form",
             "the rhymes of line 2 「流」、line 4 「山」 share no 平 group of 平水韵: …": "rhymes_apart",
             "keep names every line of the 五言绝句: nothing is left to write": "nothing_left",
             "line 5 is outside the poem: a 五言绝句 has 4 lines": "outside",
             "the poem has 2 lines; a 五言绝句 has 4 (write …)": "wrong_lines",
             "line 4 of the poem, '更上一层', must be 5 Chinese characters (or □ marks only, …)": "bad_line",
             "line 2, character 4 is not written yet: the poet reads …": "not_written",
             "keep names line '5'; a 五言绝句 has lines 1 to 4": "bad_keep",
             "a poem to revise needs either keep (the lines to keep) or line (…), not neither": "keep_or_line",
             "keep needs the poem to revise (poem)": "needs_poem"}
    for message, code in cases.items():
        assert from_input_error(InputError(message, field="x")).code == code, message
    assert from_input_error(InputError(next(iter(cases)))).params["chars"] == "𠀀嶽"
    assert from_input_error(InputError("something new", field="title")).code == "invalid"


def test_meta_gives_every_menu(client):
    """The page builds its menus from /api/meta: each menu is the request's canonical choices, labelled."""
    from tangshi import request as R

    meta = client.get("/api/meta").json()
    menus = meta["menus"]
    assert [e["value"] for e in menus["write"]["rules"]] == list(R.RULES)
    assert [e["value"] for e in menus["write"]["start"]] == [None, "平起", "仄起"]  # not its other spellings
    assert [e["value"] for e in menus["write"]["mood"]] == [None, *meta["write"]["mood"]["choices"]]
    assert [e["value"] for e in menus["write"]["dynasty"]] == meta["write"]["dynasty"]["choices"]
    assert [e["value"] for e in menus["check"]["mode"]] == list(R.CHECK_MODES)
    entries = [e for part in menus.values() for menu in part.values() for e in menu]
    assert all(isinstance(e["label"], str) and e["label"] for e in entries)
    assert [e["hint"] for e in menus["write"]["mood"][1:]] == ["欢喜", "悲伤", "愁绪", "闲适", "豪壮", "思念"]
    assert meta["write"]["rhyme"]["max_length"] == R.spec(R.WriteRequest, "rhyme").max_len


def test_meta_names_rhyme_groups_in_both_scripts(client):
    from tangshi.request import rhyme_choices

    groups = client.get("/api/meta").json()["rhyme_groups"]
    simplified = {g["name"]: g["simplified"] for g in groups}
    assert len(groups) == 106 and [g["name"] for g in groups if g["ping"]] == list(rhyme_choices())
    assert (simplified["八齊"], simplified["一東"], simplified["九靑"], simplified["十一眞"]) == ("八齐", "一东", "九青",
                                                                                                  "十一真")
    assert simplified["十一尤"] == "十一尤"


def test_favicon(client):
    page = client.get("/").text
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")
    assert icon.text.lstrip().startswith("<svg") and "http://www.w3.org/2000/svg" in icon.text and "href" not in icon.text


GUANQUE = "白日依山尽，黄河入海流。欲穷千里目，更上一层楼。"


def test_keep_lines_over_http(client):
    """POST /api/poems with a poem and the lines to keep: those stay verbatim, the poem passes."""
    got = write(client, poem=GUANQUE, keep="1,4", seed=3)["poems"][0]
    assert got["lines"][0] == "白日依山尽" and got["lines"][3] == "更上一层楼" and got["check"]["ok"]


def test_alternatives_over_http(client):
    body = write(client, poem=GUANQUE, line=3, n=3, seed=3)
    assert len(body["alternatives"]) == 3 == len(set(body["alternatives"]))
    assert body["alternatives"] == [p["lines"][2] for p in body["poems"]]


def test_suggest_over_http(client):
    res = client.post("/api/suggest", json={"form": "五绝", "poem": GUANQUE, "line": 3, "pos": 2, "n": 5})
    assert res.status_code == 200, res.text
    body = res.json()
    assert body["tone"] == "平" and body["char"] == "穷" and len(body["suggestions"]) == 5
    assert all(any(r["class"] == "平" for r in s["readings"]) for s in body["suggestions"])


@pytest.mark.parametrize("body,code,field", [
    ({"form": "五绝", "poem": GUANQUE, "line": 3, "pos": 6}, "outside", "pos"),
    ({"form": "五绝", "poem": GUANQUE, "line": 9, "pos": 1}, "out_of_range", "line"),
    ({"form": "五绝", "poem": "白日依山尽", "line": 1, "pos": 1}, "wrong_lines", "poem"),
    ({"form": "五绝", "line": 1, "pos": 1}, "required", "poem"),
])
def test_bad_slot_over_http_is_422_with_its_field(client, body, code, field):
    res = client.post("/api/suggest", json=body)
    assert res.status_code == 422 and (res.json()["code"], res.json()["field"]) == (code, field), res.text


def test_bad_keep_over_http_is_422_naming_the_line(client):
    res = client.post("/api/poems", json={"form": "五绝", "poem": "白日依山尽，黄月入海流。欲穷千里目，更上一层楼。",
                                          "keep": "2,4"})
    assert res.status_code == 422 and res.json()["code"] == "breaks_form" and res.json()["field"] == "keep"
    assert res.json()["errors"][0]["params"]["line"] == 2


def test_rhyme_book_over_http(client):
    group = client.get("/api/rhyme", params={"q": "东", "limit": 5}).json()
    assert group["kind"] == "group" and group["group"]["name"] == "一东" and group["shown"] == 5
    counts = [c["count"] for c in group["characters"]]
    assert counts == sorted(counts, reverse=True)
    char = client.get("/api/rhyme", params={"q": "看", "script": "traditional"}).json()
    assert char["kind"] == "char" and {r["class"] for r in char["readings"]} == {"平", "仄"}


@pytest.mark.parametrize("params,code,field", [({"q": "abc"}, "not_han", "q"), ({"q": "东西南北"}, "unknown_rhyme", "q"),
                                               ({"q": "一二三四五六七八九"}, "too_long", "q"),
                                               ({"q": "东", "limit": 0}, "out_of_range", "limit"),
                                               ({"q": "东", "kind": "word"}, "not_a_choice", "kind")])
def test_bad_rhyme_query_is_422_with_its_field(client, params, code, field):
    res = client.get("/api/rhyme", params=params)
    assert res.status_code == 422 and (res.json()["code"], res.json()["field"]) == (code, field), res.text
