"""The arena deck's look, shared by the template's maker and the drawing: colours,
the slide's size and margins, the layouts' names in ``template.pptx``."""

from __future__ import annotations

from pathlib import Path

from pptx.util import Inches

TEMPLATE = Path(__file__).with_name("template.pptx")

RED = "C00000"
GOLD = "D4AF37"
GREY = "7F7F7F"
WHITE = "FFFFFF"
FONT = "Microsoft YaHei"
WIDTH = Inches(13.333)
HEIGHT = Inches(7.5)
MARGIN = Inches(0.6)
BAND = Inches(1.15)

COVER, DIVIDER, CONTENT = "arena cover", "arena divider", "arena content"
FACTS_IDX = 13
INK = "222222"
LIGHT = "F2F2F2"
GREEN = "2E7D32"
AMBER = "C98A00"
CREAM = "FBF6E9"
