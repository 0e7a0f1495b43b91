"""Every problem code has an English message and a real Chinese translation; the
committed .mo is the compiled .po; no code outside the catalogue is raised."""

from __future__ import annotations

import ast
import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from leitai.engine.errors import LeitaiError
from leitai.engine.problems import Problem, Where
from leitai.i18n import LOCALE_DIR, render, translator
from leitai.i18n.problems import MESSAGES

SRC = Path(__file__).resolve().parents[2] / "src" / "leitai"
PO = LOCALE_DIR / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
PARAM = re.compile(r"%\((\w+)\)s")
HAN = re.compile(r"[\u4e00-\u9fff]")


def sample(template: str) -> dict[str, object]:
    return {name: f"<{name}>" for name in PARAM.findall(template)}


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_every_code_renders_in_chinese_and_english(code):
    template = MESSAGES[code]
    zh = translator("zh")
    assert zh(template) != template, f"{code}: no Chinese translation of {template!r}"
    problem = Problem(
        code,
        Where(file="数据.xlsx", sheet="数据填报", cell="D6", column="网办率"),
        sample(template),
    )
    chinese, english = render(problem, zh), render(problem, translator("en"))
    assert HAN.search(render(problem, zh, with_where=False)), chinese
    assert chinese != english
    # The same parameters in both languages, nothing left unfilled.
    assert sorted(PARAM.findall(zh(template))) == sorted(PARAM.findall(template))
    assert "%(" not in chinese and "%(" not in english
    for value in sample(template).values():
        assert str(value) in chinese


def test_no_transitional_text_code_remains():
    assert "text" not in MESSAGES
    with pytest.raises(TypeError):
        LeitaiError("an English sentence")  # type: ignore[arg-type]


def _po_entries(text: str) -> dict[object, str]:
    """The .po's entries keyed as gettext keys the compiled catalogue: ``context\x04msgid``
    for a context, ``(msgid, n)`` for each plural form."""
    entries: dict[object, str] = {}
    parts: dict[str, str] = {}
    field = ""

    def flush() -> None:
        if "msgid" not in parts:
            return
        msgid = parts["msgid"]
        if "msgctxt" in parts:
            msgid = f"{parts['msgctxt']}\x04{msgid}"
        if "msgid_plural" in parts:
            for name, value in parts.items():
                if name.startswith("msgstr["):
                    entries[(msgid, int(name[7:-1]))] = value
        else:
            entries[msgid] = parts.get("msgstr", "")

    for line in [*text.splitlines(), ""]:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith('"'):
            parts[field] += ast.literal_eval(line)
            continue
        word, rest = line.split(" ", 1)
        if word in ("msgctxt", "msgid") and field.startswith("msgstr"):
            flush()
            parts = {}
        field = word
        parts[field] = ast.literal_eval(rest)
    flush()
    return entries


def test_the_committed_mo_is_the_compiled_po():
    po = {k: v for k, v in _po_entries(PO.read_text(encoding="utf-8")).items() if k and v}
    with MO.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    mo = {k: v for k, v in catalog.items() if k}
    assert mo == po


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="msgfmt is not installed")
def test_the_po_compiles_cleanly(tmp_path):
    out = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check-format", "-o", str(out), str(PO)], check=True)
    with out.open("rb") as handle:
        fresh = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    with MO.open("rb") as handle:
        committed = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    assert fresh == committed


RAISED = re.compile(
    r"""(?:Problem|NumberError|ExpressionError|_p|problem|_problem)\(\s*["']([a-z_]+\.[a-z_.]+)["']"""
)


def test_every_code_used_in_the_source_has_a_message():
    used = {}
    for path in SRC.rglob("*.py"):
        for code in RAISED.findall(path.read_text(encoding="utf-8")):
            used.setdefault(code, path.relative_to(SRC).as_posix())
    assert used, "the pattern finds the codes"
    missing = {code: where for code, where in used.items() if code not in MESSAGES}
    assert missing == {}
