"""The message of every problem code, as a gettext msgid with named parameters.

Add a code here when you add it to the engine or ``io``, and its Chinese translation
to ``leitai/locale/zh_Hans/LC_MESSAGES/django.po``; a test renders every code in both
languages and fails on a missing or untranslated entry.
"""

from __future__ import annotations

from typing import Any

from leitai.engine.problems import Problem, Where
from leitai.i18n.files import FILE_MESSAGES


def gettext_noop(text: str) -> str:
    """Marks a msgid for extraction (``xgettext --keyword=gettext_noop``)."""
    return text


MESSAGES: dict[str, str] = {
    # leitai.text: reading the texts of an arena (speeches, slides, reports)
    "text.too_large": gettext_noop("the file has %(size)s bytes; at most %(limit)s are read"),
    "text.too_long": gettext_noop("the text has %(size)s characters; at most %(limit)s are read"),
    "text.unknown_kind": gettext_noop("expected a file of the kinds %(expected)s, found %(found)s"),
    "text.unreadable": gettext_noop("the file cannot be read (%(detail)s)"),
    # -- the record: audit chain, anchors, snapshots, backups (leitai.web.audit.integrity)
    "audit.entry_altered": gettext_noop(
        "audit entry #%(id)s does not match its keyed digest: it was changed, or the chain "
        "was recomputed without the audit key"
    ),
    "audit.link_broken": gettext_noop(
        "audit entry #%(id)s does not follow entry #%(previous)s: an entry between them was "
        "removed or the order was changed"
    ),
    "audit.anchor_missing": gettext_noop(
        "the audit log has no entry #%(id)s, whose digest %(source)s recorded: the log was cut "
        "short or wiped after it"
    ),
    "audit.anchor_differs": gettext_noop(
        "audit entry #%(id)s differs from the digest %(source)s recorded: the log was rewritten"
    ),
    "anchor.invalid": gettext_noop(
        "this recorded chain head is not sealed with the audit key: it was written or changed "
        "outside leitai"
    ),
    "snapshot.result_altered": gettext_noop(
        "the result of %(period)s, revision %(revision)s, differs from the SHA-256 recorded "
        "when it was computed"
    ),
    "snapshot.seal_invalid": gettext_noop(
        "the result of %(period)s, revision %(revision)s, does not match its seal: it was "
        "changed outside leitai"
    ),
    "snapshot.scheme_altered": gettext_noop(
        "the scheme the result of %(period)s, revision %(revision)s, is shown with differs "
        "from the one it was computed with: it was changed outside leitai"
    ),
    "snapshot.period_altered": gettext_noop(
        "the result filed under %(period)s, revision %(revision)s, was computed for "
        "%(computed_for)s: a period's code was changed outside leitai"
    ),
    "snapshot.publication_unrecorded": gettext_noop(
        "the published result of %(period)s, revision %(revision)s, has no publication with "
        "its SHA-256 in the audit log"
    ),
    "audit.key_missing": gettext_noop(
        "no audit key: set LEITAI_AUDIT_KEY, or put this installation's key file back"
    ),
    "backup.unreadable": gettext_noop("not a leitai backup archive, or a damaged one"),
    "backup.member_altered": gettext_noop(
        "the archive's member %(member)s does not match the SHA-256 its manifest records"
    ),
    "backup.not_empty": gettext_noop(
        "the database already holds data (%(table)s): restore into an empty, migrated database"
    ),
    "backup.schema_differs": gettext_noop(
        "the archive was made at another database schema (%(app)s: %(archive)s, here "
        "%(here)s): restore it with the leitai version that made it, then upgrade"
    ),
    "backup.key_differs": gettext_noop(
        "the data directory already holds a different %(key)s: the restored record would not "
        "verify; move it away or restore into a new data directory"
    ),
    "backup.file_exists": gettext_noop(
        "the uploaded file %(name)s already exists with other content"
    ),
    "arena.not_speaking": gettext_noop("%(unit)s does not speak at this session"),
    "arena.order_empty": gettext_noop("list the units in the order they speak"),
    "arena.units_not_assessed": gettext_noop("units not assessed in %(period)s: %(units)s"),
    "arena.units_twice": gettext_noop("units listed twice: %(units)s"),
    "cli.arena_input": gettext_noop(
        "the result, the session settings or the order (%(order)s) cannot be used for the arena deck"
    ),
    "cli.arena_needs_result": gettext_noop("expected a result JSON file (or --demo)"),
    "cli.as_of": gettext_noop("--as-of: expected a date YYYY-MM-DD, found “%(found)s”"),
    "cli.choices": gettext_noop(
        "%(option)s: expected some of %(allowed)s (or none), found %(found)s"
    ),
    "cli.output_suffix": gettext_noop("-o %(output)s: expected a file name ending in %(suffix)s"),
    "cli.samples": gettext_noop("--samples %(found)s: expected a whole number of at least 2"),
    "cli.set_syntax": gettext_noop("--set %(found)s: expected INDICATOR=VALUE"),
    "cli.pledges_need_files": gettext_noop("expected TEXT files and --scheme (or --demo)"),
    "cli.date": gettext_noop("--date: expected a date YYYY-MM-DD, found %(found)s"),
    "cli.targets_need_files": gettext_noop("expected TARGETS and ACTUALS files (or --demo)"),
    "cli.unknown_period": gettext_noop("--period %(period)s: the demo has the periods %(periods)s"),
    "cli.unknown_unit": gettext_noop(
        "--unit: unknown unit %(units)s (expected one of %(expected)s)"
    ),
    "cli.trend_time": gettext_noop(
        "expected TIME=RESULT.json with a number as the time (e.g. 2023=r2023.json), or a "
        "result whose period is a number, found “%(found)s”"
    ),
    "cli.trend_times_repeat": gettext_noop("each result needs a time of its own: %(found)s"),
    "cli.trend_two_results": gettext_noop("a trend needs at least two results, found %(found)s"),
    "cli.trend_latest": gettext_noop("--latest needs at least 2 periods, found %(found)s"),
    "cli.compare_board": gettext_noop("the results have no board “%(found)s”"),
    "cli.plot_suffix": gettext_noop("the image file must end in .png or .svg, found “%(found)s”"),
    "cli.plot_inputs": gettext_noop(
        "the chart %(kind)s takes one file (rank-path and trend: two or more), found %(found)s"
    ),
    "cli.plot_not_json": gettext_noop("“%(found)s” is not a JSON object"),
    "cli.plot_wrong_input": gettext_noop(
        "this file cannot be drawn as the chart %(kind)s: sensitivity and uncertainty take "
        "the output of leitai analyse --format json, sunburst a scheme, the others results "
        "(and --board, --indicator, --x and --y what they have; dot needs --indicator, "
        "scatter --x and --y)"
    ),
    "cli.plot_needs_matplotlib": gettext_noop('charts need matplotlib: pip install "leitai[plot]"'),
    "analysis.parameter_syntax": gettext_noop(
        "expected PATH=V1,V2,… (two or more different values) or PATH=LOW..HIGH[:LEVELS], "
        "found “%(found)s”"
    ),
    "analysis.parameter_path": gettext_noop(
        "“%(found)s” is not an item of this scheme (write lists' items by id in brackets, "
        "e.g. boards[econ].aggregation.method)"
    ),
    "analysis.too_many_variants": gettext_noop(
        "the parameters' values make %(count)s variants of the scheme; at most %(max)s"
    ),
    "analysis.parameter_changes_inputs": gettext_noop(
        "a value of %(found)s changes which indicators the other uncertain inputs vary "
        "(for example a method that has no alternatives); analyse it without them"
    ),
    "cointool.no_indicators": gettext_noop(
        "no indicator: the COIN Tool's Database sheet has the indicators' codes in row 16, "
        "from column E"
    ),
    "cointool.no_aggregate": gettext_noop("%(code)s: expected the code of its aggregate here"),
    "cointool.two_parents": gettext_noop(
        "%(code)s is under %(first)s for another indicator, here under %(found)s"
    ),
    "cointool.not_in_framework": gettext_noop(
        "the aggregate %(code)s is not on the Framework sheet (its codes in column C, weights "
        "in column E, names in column H, from row 5)"
    ),
    "cointool.no_units": gettext_noop(
        "no unit: the COIN Tool's Database sheet has one unit a row from row 17, its name in "
        "column B and its code in column C"
    ),
    "cli.coinr_para": gettext_noop(
        "expected KEY=VALUE,… with ; between a list's items (e.g. gposts=10;90;100), found "
        "“%(found)s”"
    ),
    "cli.weights_target": gettext_noop(
        "--target: expected equal or ID=SHARE,… (for example i1=1,i2=2), found “%(found)s”"
    ),
    "cli.weights_options": gettext_noop("the options of leitai weights are not valid: %(found)s"),
    "cli.weights": gettext_noop(
        "--weights %(found)s: expected a share from 0 up to (not including) 1, e.g. 0.25"
    ),
    "coinr.bad_code": gettext_noop(
        "“%(found)s” cannot be used as an id (letters, digits, _ and - only)"
    ),
    "coinr.childless": gettext_noop("%(code)s: an aggregate without children"),
    "coinr.direction": gettext_noop("expected 1 or -1, found “%(found)s”"),
    "coinr.missing_column": gettext_noop("this column is missing"),
    "coinr.no_code": gettext_noop("expected a code"),
    "coinr.no_units": gettext_noop("no units (time point %(time)s)"),
    "coinr.orphan": gettext_noop("%(code)s: an indicator without a parent aggregate"),
    "coinr.panel": gettext_noop(
        "a panel of several time points (%(found)s): choose one with --time"
    ),
    "coinr.twice": gettext_noop("%(found)s appears twice"),
    "coinr.unknown_group": gettext_noop(
        "unknown group column “%(found)s” (expected one of %(expected)s)"
    ),
    "coinr.unknown_parent": gettext_noop("%(code)s: unknown parent aggregate “%(found)s”"),
    "coinr.weight": gettext_noop("%(code)s: expected a weight greater than 0, found %(found)s"),
    "data.above_range": gettext_noop(
        "%(found)s is above the plausible range of this indicator (at most %(max)s)"
    ),
    "data.below_range": gettext_noop(
        "%(found)s is below the plausible range of this indicator (at least %(min)s)"
    ),
    "data.duplicated": gettext_noop("%(unit)s / %(indicator)s is given twice (first at %(first)s)"),
    "data.not_integer": gettext_noop(
        "%(found)s is not a whole number; this indicator counts things"
    ),
    "data.other_scheme": gettext_noop("the data were read for scheme %(made)s, not %(wanted)s"),
    "data.target_missing": gettext_noop(
        "%(unit)s: indicator %(name)s is scored against a target, but no target is given"
    ),
    "data.target_not_positive": gettext_noop(
        "the target must be greater than 0 (this indicator is scored against its target), found %(found)s"
    ),
    "data.units_absent": gettext_noop("units of the scheme absent from the table: %(units)s"),
    "data.unknown_indicator": gettext_noop(
        "unknown indicator “%(indicator)s”: use the ids of the scheme's indicators, adjustments or series"
    ),
    "data.unknown_unit": gettext_noop("unknown unit “%(unit)s”: use one of the scheme's unit ids"),
    "expression.arity": gettext_noop(
        "%(function)s() takes %(expected)s argument(s), found %(found)s"
    ),
    "expression.chained_comparison": gettext_noop(
        "chained comparisons are not allowed; join them with “and”"
    ),
    "expression.empty": gettext_noop("expected a non-empty expression"),
    "expression.expected": gettext_noop("expected “%(expected)s”, found “%(found)s”"),
    "expression.too_deep": gettext_noop(
        "the expression is nested too deeply (at most %(limit)s levels)"
    ),
    "expression.too_long": gettext_noop(
        "the expression is too long (%(found)s characters; at most %(limit)s)"
    ),
    "expression.unexpected": gettext_noop("unexpected “%(found)s”"),
    "expression.unexpected_character": gettext_noop(
        "unexpected character “%(found)s” at position %(position)s"
    ),
    "expression.unexpected_end": gettext_noop("the expression ends too early"),
    "expression.unknown_variable": gettext_noop("unknown variable %(names)s"),
    "file.cannot_read": gettext_noop("cannot read the file (%(reason)s)"),
    "file.not_text": gettext_noop("not a text file: expected a UTF-8 or GBK encoded .csv file"),
    "flag.not_yes_no": gettext_noop("expected 是 (yes) or 否 (no), found “%(found)s”"),
    "number.decimal_comma": gettext_noop(
        "“%(found)s” has a comma that is not a thousands separator (groups of three digits, as in 1,234); a decimal point was probably meant (write 1.5, not 1,5)"
    ),
    "number.not_a_number": gettext_noop("expected a number, found “%(found)s”"),
    "number.not_finite": gettext_noop("expected a finite number, found “%(found)s”"),
    "previous.no_unit_rank": gettext_noop(
        "expected the previous ranks: a JSON result or a table with the columns unit and rank"
    ),
    "previous.not_a_rank": gettext_noop(
        "expected a whole-number rank for %(unit)s, found “%(found)s”"
    ),
    "previous.not_a_result": gettext_noop(
        "expected a result in the JSON form of the specification (results with unit and rank)"
    ),
    "scheme.adjustment_needs_max_points": gettext_noop(
        "a bonus or deduction needs max_points (at least 0)"
    ),
    "scheme.bad_id": gettext_noop(
        "“%(found)s” is not a valid id: use letters, digits, _ and - only"
    ),
    "scheme.duplicate_id": gettext_noop("the id %(id)s is already used at %(first)s"),
    "scheme.empty_board": gettext_noop("a board needs at least one indicator or sub-board"),
    "scheme.empty_text": gettext_noop("must not be empty"),
    "scheme.invalid": gettext_noop("not a valid value here (%(type)s)"),
    "scheme.not_a_list": gettext_noop("expected a list"),
    "scheme.not_a_mapping": gettext_noop("expected a mapping (key: value)"),
    "scheme.not_a_number": gettext_noop("expected a number, found “%(found)s”"),
    "scheme.not_a_scheme": gettext_noop(
        "expected a mapping with id, name, version, units and boards"
    ),
    "scheme.not_an_integer": gettext_noop("expected a whole number, found “%(found)s”"),
    "scheme.not_at_least": gettext_noop("expected at least %(ge)s, found %(found)s"),
    "scheme.not_at_most": gettext_noop("expected at most %(le)s, found %(found)s"),
    "scheme.not_finite": gettext_noop("expected a finite number, found %(found)s"),
    "scheme.not_greater_than": gettext_noop("expected more than %(gt)s, found %(found)s"),
    "scheme.not_less_than": gettext_noop("expected less than %(lt)s, found %(found)s"),
    "scheme.not_one_of": gettext_noop("expected one of %(expected)s, found “%(found)s”"),
    "scheme.not_text": gettext_noop("expected text, found “%(found)s”"),
    "scheme.not_utf8": gettext_noop("expected UTF-8 text (byte %(byte)s is not)"),
    "scheme.not_yes_no": gettext_noop("expected true or false, found “%(found)s”"),
    "scheme.range_reversed": gettext_noop(
        "the range's minimum %(min)s is above its maximum %(max)s"
    ),
    "scheme.required": gettext_noop("is required"),
    "scheme.stars_min_above_max": gettext_noop(
        "the fewest stars (%(min)s) exceed the most (%(max)s)"
    ),
    "scheme.stars_need_thresholds": gettext_noop(
        "stars by bands need a list of [board score, stars]"
    ),
    "scheme.sub_board_has_points": gettext_noop("a sub-board has a weight, not points"),
    "scheme.text_too_long": gettext_noop("is too long (at most %(max_length)s characters)"),
    "scheme.too_deep": gettext_noop("nested too deeply (at most %(limit)s levels)"),
    "scheme.too_few_items": gettext_noop("needs at least %(min_length)s item(s)"),
    "scheme.too_long": gettext_noop(
        "the scheme is too long (%(found)s characters; at most %(limit)s)"
    ),
    "scheme.too_many_items": gettext_noop("has too many items (at most %(max_length)s)"),
    "scheme.top_board_has_weight": gettext_noop("a top-level board has points, not a weight"),
    "scheme.top_board_needs_points": gettext_noop("a top-level board needs points (more than 0)"),
    "scheme.unknown_key": gettext_noop("is not a recognised key here"),
    "scheme.unknown_series": gettext_noop("expected the id of a series, found “%(found)s”"),
    "scheme.unknown_tie_break_board": gettext_noop(
        "expected the id of a top-level board, found “%(found)s”"
    ),
    "scheme.yaml_syntax": gettext_noop("not valid YAML"),
    "table.empty": gettext_noop("the table is empty: it needs a header row"),
    "table.no_header": gettext_noop(
        "the first row must be a header: unit, indicator and value (long form), or unit followed by indicator ids (wide form, as in the template); found %(found)s"
    ),
    "table.not_a_workbook": gettext_noop(
        "not a spreadsheet: upload the .xlsx template or a .csv file"
    ),
    "table.old_xls": gettext_noop("the old .xls format is not read: save the workbook as .xlsx"),
    "table.other_scheme": gettext_noop(
        "this template was made for scheme %(made)s, not %(wanted)s"
    ),
    "target.direction": gettext_noop("expected higher or lower, found “%(found)s”"),
    "target.empty_text": gettext_noop("must not be empty"),
    "target.frequency": gettext_noop(
        "expected a reporting frequency, one of %(expected)s, found “%(found)s”"
    ),
    "target.higher_not_above_start": gettext_noop(
        "%(unit)s/%(id)s: a target that should rise must exceed its start %(start)s"
    ),
    "target.impossible_date": gettext_noop("“%(found)s” is not a date of the calendar"),
    "target.listed_twice": gettext_noop("%(unit)s/%(id)s: the target is listed twice"),
    "target.lower_needs_start": gettext_noop(
        "%(unit)s/%(id)s: a target that should fall (lower) needs a start value, the value at the start of the year"
    ),
    "target.lower_not_below_start": gettext_noop(
        "%(unit)s/%(id)s: a target that should fall must lie below its start %(start)s"
    ),
    "target.margin": gettext_noop("expected a margin of at least 0 points, found “%(found)s”"),
    "target.milestone_outside_year": gettext_noop(
        "%(unit)s/%(id)s: the milestone of %(date)s lies outside the target year ending %(deadline)s"
    ),
    "target.milestone_pairs": gettext_noop(
        "%(unit)s/%(id)s: milestones must be (date, value) pairs"
    ),
    "target.milestones_same_date": gettext_noop("%(unit)s/%(id)s: two milestones share a date"),
    "target.milestones_years": gettext_noop(
        "%(unit)s/%(id)s: the milestones lie in different years"
    ),
    "target.mixed_frequencies": gettext_noop(
        "%(unit)s/%(id)s: the actuals mix reporting frequencies (%(found)s); report by month, by quarter or by day throughout"
    ),
    "target.no_such_target": gettext_noop("unit %(unit)s has no target %(id)s"),
    "target.not_a_date": gettext_noop("expected a date such as 2023-06-30, found “%(found)s”"),
    "target.not_a_period": gettext_noop(
        "expected a period such as 2023-05, 2023Q2 or 2023-05-31, found “%(found)s”"
    ),
    "target.period_twice": gettext_noop("%(unit)s/%(id)s: the period %(period)s is reported twice"),
    "target.source": gettext_noop("expected assigned or pledged, found “%(found)s”"),
    "targets.code_taken": gettext_noop("%(unit)s already has a target %(code)s"),
    "targets.column_twice": gettext_noop("the column “%(found)s” appears twice"),
    "targets.duplicate": gettext_noop("target %(id)s of unit %(unit)s is already on row %(first)s"),
    "targets.empty_cell": gettext_noop("this cell must not be empty"),
    "targets.empty_table": gettext_noop("the table is empty: it needs a header row"),
    "targets.evidence_type": gettext_noop(
        "expected a file of one of these kinds: %(expected)s; found “%(found)s”"
    ),
    "targets.file_type": gettext_noop("expected a .csv or .xlsx file, found “%(found)s”"),
    "targets.milestones_syntax": gettext_noop(
        "expected milestones as date:value pairs such as 2023-06-30:83, found “%(found)s”"
    ),
    "targets.missing_column": gettext_noop("the column %(name)s is missing"),
    "targets.mixed_frequency": gettext_noop(
        "%(unit)s/%(id)s: %(period)s is of another reporting frequency than row %(first)s"
    ),
    "targets.not_one_of": gettext_noop("expected %(expected)s, found “%(found)s”"),
    "targets.not_stored": gettext_noop("%(unit)s/%(id)s cannot be stored: %(detail)s"),
    "targets.period_outside": gettext_noop(
        "the period ends on %(end)s, outside the target's year %(year)s (deadline %(deadline)s)"
    ),
    "targets.period_twice": gettext_noop(
        "%(period)s of %(unit)s/%(id)s is already reported on row %(first)s"
    ),
    "targets.unknown_column": gettext_noop(
        "unknown column “%(found)s”; the columns are %(expected)s"
    ),
    "targets.unknown_unit": gettext_noop("unknown unit “%(unit)s”"),
    # -- the write API: a request that does not follow its schema (leitai.web.api)
    "api.missing": gettext_noop("missing"),
    "api.not_text": gettext_noop("expected text (a code)"),
    "api.not_a_value": gettext_noop("expected a number, a text or null"),
    "api.not_a_row": gettext_noop("expected an object with unit, indicator and value"),
    "api.not_rows": gettext_noop("expected “rows”, a list of rows"),
    "api.no_rows": gettext_noop("the list of rows is empty"),
    "api.too_many_rows": gettext_noop("more than %(limit)s rows; send them in several requests"),
    "api.control_character": gettext_noop(
        "the text holds a control character (a line break, a tab or NUL); a cell is one line"
    ),
    "api.too_long": gettext_noop("longer than %(limit)s characters"),
    "api.empty": gettext_noop("empty; write the code"),
    "api.not_as_described": gettext_noop("not as the API's description says (%(kind)s)"),
    "upload.no_figures": gettext_noop("the table has no figures"),
    "upload.not_your_unit": gettext_noop(
        "%(found)s is not your unit: you may upload only the rows of %(own)s, so the whole upload is refused and nothing is saved"
    ),
    "upload.not_your_indicator": gettext_noop(
        "%(found)s is not yours to fill in: the whole upload is refused and nothing is saved"
    ),
    "upload.nothing_changes": gettext_noop("nothing would change: every figure is as stored"),
    "upload.other_period": gettext_noop(
        "this template was made for period %(made)s, not %(wanted)s: download the template of %(wanted)s"
    ),
    # web workflow: the previous period, and values that jump against it
    "period.previous_unpublished": gettext_noop(
        "The previous period %(period)s is not published: rank changes and climbing flags "
        "can only be counted against a published result."
    ),
    "period.no_previous": gettext_noop(
        "These cannot be computed without a previous published result: %(items)s. Name a "
        "published previous period, or say in words why the result is published without one."
    ),
    "figures.explanation_required": gettext_noop(
        "These values changed by more than the scheme allows against the previous period "
        "and need an explanation before submitting: %(items)s."
    ),
    # -- the annual assessment: values from other periods' published results (spec §11)
    "period.source_unpublished": gettext_noop(
        "%(annual)s takes values from %(period)s, whose result is not published yet: it "
        "can be computed once %(period)s is published."
    ),
    "period.source_missing": gettext_noop(
        "%(annual)s takes values from %(period)s, which is not a period here: open and "
        "publish %(period)s first."
    ),
    # groups (spec section 10) and values from other periods (section 11)
    "scheme.duplicate_group": gettext_noop("the group id %(id)s is already used at %(first)s"),
    "scheme.unknown_group": gettext_noop(
        "expected one of the groups listed under groups (%(expected)s), found “%(found)s”"
    ),
    "scheme.ranking_needs_groups": gettext_noop(
        "ranking within groups needs the groups listed under groups"
    ),
    "scheme.unit_needs_group": gettext_noop(
        "with ranking within groups, the unit %(unit)s needs a group"
    ),
    "scheme.board_id_is_a_variable": gettext_noop(
        "the board id %(id)s would make the rule variable %(variable)s, which already means something else: choose another id"
    ),
    "from.missing_period": gettext_noop(
        "the result of period %(period)s is needed and was not given"
    ),
    "from.not_a_result": gettext_noop(
        "what was given for period %(period)s is not a result (a JSON result with a list of units)"
    ),
    "from.other_period": gettext_noop(
        "the result given for period %(period)s is the result of period %(found)s"
    ),
    "from.other_units": gettext_noop(
        "the result given for period %(period)s has units this scheme does not assess: %(units)s"
    ),
    "from.unknown_board": gettext_noop(
        "the result of period %(period)s has no board “%(found)s”; its boards: %(expected)s"
    ),
    "cli.from_syntax": gettext_noop("expected --from PERIOD=RESULT.json, found “%(found)s”"),
    "data.value_from_other_period": gettext_noop(
        "the indicator %(indicator)s takes its value from the result of period %(period)s: leave it out of the data table"
    ),
    # the notice (通报)
    "cli.notice_date": gettext_noop("%(option)s: expected a date YYYY-MM-DD, found “%(found)s”"),
    "cli.notice_no_libreoffice": gettext_noop(
        "--pdf: LibreOffice (soffice) is not installed, so the notice cannot be converted to PDF"
    ),
    "judging.out_of_scale": gettext_noop(
        "%(found)s is outside the scale: give a number from %(low)s to %(high)s"
    ),
    "judging.criterion_out_of_scale": gettext_noop(
        "%(criterion)s: %(found)s is outside the scale: give a number from %(low)s to %(high)s"
    ),
    "judging.criterion_missing": gettext_noop("%(criterion)s has no score yet"),
    "judging.sheet_incomplete": gettext_noop("every criterion needs a score"),
    "judging.unknown_choice": gettext_noop("%(found)s is not one of the sheet's choices"),
    "judging.unknown_criteria": gettext_noop("the sheet has no criterion %(found)s"),
    "arena.code_invalid": gettext_noop("this judge code is not valid"),
    "arena.code_used": gettext_noop("this judge code has already been used on another device"),
    "arena.unit_not_open": gettext_noop("%(unit)s is not open for scoring"),
    "arena.scoring_closed": gettext_noop("the scoring of this session is closed"),
    "arena.no_scoring_sheet": gettext_noop("this session has no scoring sheet yet"),
    "arena.scoring_started": gettext_noop(
        "judges have already scored: the scoring sheet can no longer change"
    ),
    "arena.scoring_not_closed": gettext_noop(
        "close the session's scoring before freezing its result"
    ),
    "arena.result_frozen": gettext_noop("the session's result is frozen"),
    "arena.result_not_frozen": gettext_noop("freeze the session's result first"),
    "arena.sheet_exists": gettext_noop(
        "this judge has already scored %(unit)s: change that sheet instead"
    ),
    "arena.period_published": gettext_noop(
        "%(period)s is published: its figures can no longer change"
    ),
    "arena.scoring_invalid": gettext_noop("the scoring sheet is not valid: %(reason)s"),
    "arena.group_unknown": gettext_noop("the scoring sheet has no judges' group %(group)s"),
    "arena.sheet_id_missing": gettext_noop("the sheet carries no id: reload the page"),
    "arena.indicator_unknown": gettext_noop(
        "%(indicator)s is not a bonus adjustment with a maximum in %(period)s"
    ),
    "cli.output_needed": gettext_noop(
        "--format %(format)s writes a file: name it with -o (or give --out-dir)"
    ),
    "from.top_boards_unknown": gettext_noop(
        "the result of period %(period)s does not say which of its boards (%(boards)s) are "
        "top-level, so their stars cannot be summed: give the scheme it was assessed with "
        "(--from-scheme SCHEME.yaml), or take stars_<board> of each top-level board"
    ),
    "cli.more_problems": gettext_noop("… and %(count)s more problems, not listed here"),
    "scheme.generalised_needs_power": gettext_noop(
        "the generalised mean needs its power p (for example p: 2)"
    ),
    "scheme.generalised_power_zero": gettext_noop(
        "the power p of the generalised mean cannot be 0; use method: geometric"
    ),
    "coinr.unknown_aggregation": gettext_noop(
        "COINr's aggregation “%(found)s” has no counterpart in leitai; it has %(expected)s"
    ),
    "scheme.unknown_reference_unit": gettext_noop(
        "the reference unit “%(found)s” is not one of the scheme's units"
    ),
    "scheme.lambda_only_boxcox": gettext_noop(
        "Box-Cox (fallback: boxcox) needs its exponent lambda, and only it takes one"
    ),
    "weights.pca_too_few_units": gettext_noop(
        "the board %(board)s has too few units with every value, or an indicator with one "
        "value for all, to weigh its indicators by principal components"
    ),
    "weights.pca_not_positive": gettext_noop(
        "in the board %(board)s the first principal component gives %(indicators)s a weight "
        "of 0 or below; weights must be above 0"
    ),
    "weights.optimise_not_positive": gettext_noop(
        "the optimised weights give %(indicators)s a weight of 0 or below; weights must be "
        "above 0 (try other target shares or the default tolerance)"
    ),
    "scheme.target_only_optimise": gettext_noop(
        "only weights from optimisation (method: optimise) take target shares, not %(found)s"
    ),
    "scheme.target_unknown_indicator": gettext_noop(
        "the target shares name “%(found)s”, which is not one of the scheme's indicators"
    ),
    "scheme.target_not_positive": gettext_noop("a target share must be above 0, found %(found)s"),
    "scheme.target_missing_indicators": gettext_noop(
        "the target shares must give every indicator a share; missing: %(found)s"
    ),
    "weights.optimise_target": gettext_noop(
        "the target shares must be “equal” or give every indicator a share above 0, and "
        "only the scheme's indicators: %(found)s"
    ),
    "coinr.unknown_normalisation": gettext_noop(
        "COINr's normalisation “%(found)s” has no counterpart in leitai; it has %(expected)s"
    ),
    "coinr.unknown_treatment": gettext_noop(
        "COINr's treatment “%(found)s” has no counterpart in leitai; it has %(expected)s"
    ),
    "scheme.power_only_generalised": gettext_noop("only the generalised mean takes a power p"),
}
MESSAGES.update(FILE_MESSAGES)


def _value(value: Any, _: Any) -> Any:
    if isinstance(value, list | tuple):
        items = [str(v) for v in value]
        if not items:
            return ""
        text = items[0]
        for item in items[1:]:
            text = _("%(items)s, %(item)s") % {"items": text, "item": item}
        return text
    return value


def message(problem: Problem, _: Any) -> str:
    template = MESSAGES.get(problem.code)
    if template is None:
        raise KeyError(f"no message for problem code {problem.code!r}")
    params = {k: _value(v, _) for k, v in problem.params.items()}
    return _(template) % params


def where_parts(where: Where, _: Any) -> str:
    parts: list[str] = []
    if where.file:
        parts.append(where.file)
    if where.path:
        parts.append(_("at %(path)s") % {"path": where.path})
    if where.line is not None:
        parts.append(_("line %(line)s") % {"line": where.line})
    if where.sheet:
        parts.append(_("sheet %(sheet)s") % {"sheet": where.sheet})
    if where.cell:
        if where.column:
            parts.append(
                _("cell %(cell)s (%(column)s)") % {"cell": where.cell, "column": where.column}
            )
        else:
            parts.append(_("cell %(cell)s") % {"cell": where.cell})
    else:
        if where.row is not None:
            parts.append(_("row %(row)s") % {"row": where.row})
        if where.column:
            parts.append(_("column %(column)s") % {"column": where.column})
    if not parts:
        return ""
    place = parts[0]
    for part in parts[1:]:
        place = _("%(place)s, %(part)s") % {"place": place, "part": part}
    return place
