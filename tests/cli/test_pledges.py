"""``leitai pledges``: proposals written as a targets table that imports unchanged."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from leitai.cli import main
from leitai.io.targets import read_targets

DATA = Path(__file__).resolve().parent.parent / "data" / "pledges"


def test_demo_pledges_are_written_and_read_back_by_the_targets_reader(tmp_path, capsys):
    out = tmp_path / "pledges.csv"
    assert main(["pledges", "--demo", "-o", str(out)]) == 0
    assert "提出军令状建议10条" in capsys.readouterr().err
    targets = read_targets(out)
    by_key = {t.key: t for t in targets}
    pingdu = by_key["pingdu", "p20230527-1"]
    assert (pingdu.value, pingdu.unit_of_measure, pingdu.deadline) == (
        83,
        "个",
        dt.date(2023, 6, 30),
    )
    assert pingdu.source == "pledged" and pingdu.pledged_on == dt.date(2023, 5, 27)
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert rows[0]["evidence"].endswith("力争全年新开工重点项目115个以上。")
    assert float(rows[0]["confidence"]) > 0.5


def test_a_damaged_text_with_a_scheme(tmp_path, capsys):
    scheme = tmp_path / "scheme.yaml"
    from leitai.demo import demo_dir

    scheme.write_text(
        (demo_dir() / "scheme-2023-v1.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    code = main(
        [
            "pledges",
            str(DATA / "speech-c.trad.txt"),
            "--scheme",
            str(scheme),
            "--date",
            "2023-05-27",
        ]
    )
    assert code == 0
    captured = capsys.readouterr()
    assert "simplified" in captured.err
    rows = list(csv.DictReader(captured.out.splitlines()))
    assert {(r["unit"], r["target"], r["unit_of_measure"]) for r in rows} >= {
        ("huangdao", "110", "个"),
        ("pingdu", "300", "公里"),
    }


def test_missing_arguments_and_bad_dates_are_refused(capsys):
    assert main(["pledges"]) == 2
    assert main(["pledges", "--demo", "--date", "27.5.2023"]) == 2
    assert "--date" in capsys.readouterr().err


def test_an_unreadable_file_is_refused_with_exit_code_2(tmp_path, capsys):
    bad = tmp_path / "speech.docx"
    bad.write_bytes(b"not a zip")
    from leitai.demo import demo_dir

    scheme = str(demo_dir() / "scheme-2023-v1.yaml")
    assert main(["pledges", str(bad), "--scheme", scheme]) == 2
    assert "无法读取该文件" in capsys.readouterr().err
