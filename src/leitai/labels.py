"""Words shown outside the web application (terminal, result books, slides), in Chinese and English.

The web application translates through Django's i18n; the command line and the
documents it writes use these labels, Chinese by default.
"""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    "rank": ("排名", "Rank"),
    "unit": ("单位", "Unit"),
    "unit_id": ("单位代码", "Unit id"),
    "score": ("综合成绩", "Composite"),
    "change": ("名次变化", "Change"),
    "prev_rank": ("上期排名", "Previous rank"),
    "flags": ("红旗", "Flags"),
    "grade": ("等次", "Grade"),
    "stars": ("星级", "Stars"),
    "vetoed": ("一票否决", "Vetoed"),
    "new": ("新", "new"),
    "board": ("板块", "Board"),
    "board_score": ("板块得分", "Board score"),
    "indicator": ("指标", "Indicator"),
    "indicator_id": ("指标代码", "Indicator id"),
    "value": ("数值", "Value"),
    "target": ("目标值", "Target"),
    "ind_score": ("指标得分", "Score"),
    "weight": ("权重（分）", "Weight (points)"),
    "contribution": ("贡献（分）", "Contribution (points)"),
    "ind_rank": ("指标排名", "Indicator rank"),
    "strongest": ("优势指标", "Strongest indicators"),
    "weakest": ("短板指标", "Weakest indicators"),
    "gap_above": ("与上一名差距（分）", "Gap to the unit above (points)"),
    "above": ("上一名", "Unit above"),
    "league": ("综合成绩", "League table"),
    "star_sheet": ("摘星情况", "Stars"),
    "indicator_sheet": ("指标得分", "Indicator scores"),
    "explain_sheet": ("成绩解读", "Explanations"),
    "about_sheet": ("说明", "About"),
    "scheme": ("考核办法", "Scheme"),
    "version": ("版本", "Version"),
    "period": ("考核期", "Period"),
    "sha256": ("办法文件校验值", "Scheme file SHA-256"),
    "generated": ("生成时间", "Generated"),
    "direction": ("方向", "Direction"),
    "higher": ("越大越好", "higher is better"),
    "lower": ("越小越好", "lower is better"),
    "measure": ("计量单位", "Unit of measure"),
    "name": ("名称", "Name"),
    "adjustment": ("加减分及否决项", "Adjustments"),
    "bonus": ("加分", "bonus"),
    "deduction": ("扣分", "deduction"),
    "veto": ("否决", "veto"),
    "results_written": ("结果文件已写入", "Result files written to"),
    "valid": ("校验通过", "Valid"),
    "template_written": ("填报模板已写入", "Template written to"),
    "book_written": ("成绩册已写入", "Result book written to"),
    "title": ("摘星夺旗综合成绩", "League table"),
    "board_scores_sheet": ("板块得分", "Board scores"),
    "ties_note": (
        "分数相同时显示更多位小数以区分名次和星级；※ 表示分数在六位小数内相同，由并列排序规则决定。",
        "Where scores look equal, more decimals are shown to tell ranks and stars apart; "
        "※ marks scores equal to six decimals, where the tie-break rule decided.",
    ),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "group": ("分类", "Group"),
    "rank_all": ("全体排名", "Overall rank"),
    "needs_periods": ("需要以下考核期的结果", "Needs the results of periods"),
    "notes_sheet": ("指标说明", "Indicator notes"),
    "definition": ("口径", "Definition"),
    "source": ("数据来源", "Data source"),
    "department": ("责任部门", "Responsible department"),
    "contact": ("联系人", "Contact"),
}


def label(key: str, lang: str = "zh") -> str:
    """The label ``key`` in ``lang`` ('zh' or 'en')."""
    zh, en = LABELS[key]
    return en if lang == "en" else zh


def arrow(change: int | None, lang: str = "zh") -> str:
    """A rank change as an arrow: ↑2, ↓1, → 0, or 'new' without a previous rank."""
    if change is None:
        return label("new", lang)
    if change > 0:
        return f"↑{change}"
    if change < 0:
        return f"↓{-change}"
    return "→0"
