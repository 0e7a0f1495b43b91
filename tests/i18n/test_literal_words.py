"""No sentence a person reads is written in code: the web app's refusals
(``ServiceError``), the API's (``HttpError``), page messages (``messages.error``
and its kin) and a reminder channel's failure kept for the office (``ChannelError``,
shown on the period's board) take their words from the catalogue, never from a string literal or an
f-string, which would reach a Chinese page in English (as "this result is already
published" and a rule's code "explanation" once did)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

WEB = Path(__file__).resolve().parents[2] / "src" / "leitai" / "web"
MESSAGE_LEVELS = {"debug", "info", "success", "warning", "error"}
WORD = re.compile(r"[A-Za-z\u4e00-\u9fff]")


def _literal(node: ast.AST | None) -> bool:
    """Words written in code: a string constant or an f-string with a letter or a Han
    character of its own (an f-string of data only, `f" {token}"`, has none), alone or
    joined to something else."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and bool(WORD.search(node.value))
    if isinstance(node, ast.JoinedStr):
        return any(_literal(part) for part in node.values)
    return isinstance(node, ast.BinOp) and (_literal(node.left) or _literal(node.right))


def _fields_literal(node: ast.AST) -> bool:
    if isinstance(node, ast.Dict):
        return any(_literal(value) for value in node.values)
    return isinstance(node, ast.DictComp) and _literal(node.value)


def _words_in_code(text: str, name: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(text)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        said = None
        if isinstance(func, ast.Name) and func.id in ("ServiceError", "ChannelError"):
            said = node.args[0] if node.args else None
            # ``fields`` holds a message per form field: words too.
            for keyword in node.keywords:
                if keyword.arg == "fields" and _fields_literal(keyword.value):
                    said = keyword.value
        elif isinstance(func, ast.Name) and func.id == "HttpError" and len(node.args) >= 2:
            said = node.args[1]  # the API's answer: {"detail": ...}
        elif (
            isinstance(func, ast.Attribute)
            and func.attr in MESSAGE_LEVELS
            and isinstance(func.value, ast.Name)
            and func.value.id in ("messages", "django_messages")
            and len(node.args) >= 2
        ):
            said = node.args[1]
        if said is not None and (_literal(said) or _fields_literal(said)):
            found.append(f"{name}:{node.lineno}: {ast.unparse(node)[:100]}")
    return found


def test_refusals_and_page_messages_take_their_words_from_the_catalogue() -> None:
    found = [
        line
        for path in sorted(WEB.rglob("*.py"))
        for line in _words_in_code(path.read_text(encoding="utf-8"), str(path.relative_to(WEB)))
    ]
    assert found == [], "\n".join(found)


def test_the_check_finds_a_sentence_written_in_code() -> None:
    text = (
        "from django.contrib import messages\n"
        "from django.utils.translation import gettext as _\n"
        "def view(request, n, token):\n"
        "    messages.error(request, f'{n} figures are missing')\n"
        "    messages.error(request, _('Say why.'))\n"
        "    messages.warning(request, _('Copy the token:') + f' {token}')\n"
        "    raise ServiceError('this result is already published')\n"
        "    raise ServiceError(_('Explain.'), fields={k: 'explanation' for k in n})\n"
        "    raise ServiceError(_('Check.'), fields={k: _('Not a number.') for k in n})\n"
        "    raise HttpError(404, 'no such unit in this period')\n"
        "    raise HttpError(404, _('No such unit in this period.'))\n"
        "    raise ChannelError(f'the robot refused: {n}')\n"
        "    raise ChannelError(_('The robot refused: %(n)s') % {'n': n})\n"
    )
    found = _words_in_code(text, "sample.py")
    assert [line.split(":")[1] for line in found] == ["4", "7", "8", "10", "12"]


# Chinese written into a template, outside its comments: Han characters and the
# punctuation Chinese writes (an English page would show "截止时间：" or "a、b").
CHINESE = re.compile(r"[\u4e00-\u9fff：，；（）、。「」]")
# What a template does not write itself: its comments, the catalogue's words (tags, their
# msgids included, and blocktranslate's) and the values of form options (data stored).
TEMPLATE_NOT_WRITTEN = re.compile(
    r"{#.*?#}|{% comment %}.*?{% endcomment %}"
    r"|{% blocktranslate.*?{% endblocktranslate %}|{%.*?%}|\svalue=\"[^\"]*\"",
    re.S,
)
# The brand's seal (擂) is Chinese in every language. The page of a server error is
# drawn in both languages without the catalogue (it must not depend on anything), and a
# notice's date line is part of the Chinese document the office issues.
TEMPLATE_CHINESE_ALLOWED = {"擂", "templates/500.html", 'notice.date|date:"Y年n月j日"'}


def _chinese_in_templates() -> list[str]:
    found = []
    pages = [*WEB.rglob("*.html"), *(p for p in WEB.rglob("*.txt") if "templates" in p.parts)]
    for path in sorted(pages):
        name = path.relative_to(WEB).as_posix()
        if name in TEMPLATE_CHINESE_ALLOWED:
            continue
        text = TEMPLATE_NOT_WRITTEN.sub(lambda m: "\n" * m.group(0).count("\n"), path.read_text())
        for allowed in TEMPLATE_CHINESE_ALLOWED:
            text = text.replace(allowed, "")
        for number, line in enumerate(text.splitlines(), start=1):
            if CHINESE.search(line):
                found.append(f"{name}:{number}: {CHINESE.search(line).group(0)}")
    return found


def test_templates_take_their_chinese_and_its_punctuation_from_the_catalogue() -> None:
    assert _chinese_in_templates() == []


def test_the_check_finds_chinese_punctuation_written_in_a_template(tmp_path, monkeypatch) -> None:
    page = tmp_path / "page.html"
    page.write_text('{# 注释：不算 #}\n<p>{% translate "Deadline" %}：{{ when }}</p>\n')
    monkeypatch.setattr(f"{__name__}.WEB", tmp_path)
    assert _chinese_in_templates() == ["page.html:2: ："]


# Chinese punctuation in the web app's code, outside docstrings and the catalogue's
# msgids: a list joined with "、" or a name with "（login）" reads so in English too.
PUNCTUATION = re.compile(r"[：，；（）、。「」]")
# Code that reads what people type (a list of days "1，3，7"; pasted names) and the
# worker's start-up line on the terminal (both languages, as the command line's are).
PUNCTUATION_READ = {
    "arena/forms.py",
    "reminders/forms.py",
    "reminders/models.py",
    "tasks/worker.py",
}
GETTEXT = {"_", "gettext", "gettext_lazy", "pgettext", "pgettext_lazy", "ngettext", "gettext_noop"}


def _punctuation_in_code(root: Path) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        name = path.relative_to(root).as_posix()
        if "migrations" in path.parts or path.name == "demo.py" or name in PUNCTUATION_READ:
            continue
        tree = ast.parse(path.read_text())
        skipped = set()
        for node in ast.walk(tree):
            body = getattr(node, "body", None)
            if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
                skipped.add(id(body[0].value))  # a docstring
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") in GETTEXT:
                skipped.update(id(arg) for arg in node.args)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in skipped
                and PUNCTUATION.search(node.value)
            ):
                found.append(f"{name}:{node.lineno}: {node.value[:40]!r}")
    return found


def test_the_web_apps_code_takes_its_punctuation_from_the_catalogue() -> None:
    assert _punctuation_in_code(WEB) == []


def test_the_check_finds_a_list_joined_with_a_chinese_comma(tmp_path) -> None:
    (tmp_path / "views.py").write_text(
        '"""Docstring：不算。"""\nfrom django.utils.translation import gettext as _\n'
        'names = "、".join(["a", "b"])\nsaid = _("%(a)s：%(b)s")\n'
    )
    assert _punctuation_in_code(tmp_path) == ["views.py:3: '、'"]
