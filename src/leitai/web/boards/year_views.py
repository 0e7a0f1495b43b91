"""The year pages: the city's year across its quarters and a unit's year.

Thin views over :mod:`leitai.web.boards.years`, which reads published results only.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from leitai.web.assessments.models import Unit
from leitai.web.boards import years
from leitai.web.boards.views import visible


@visible
def year(request: HttpRequest, year: int) -> HttpResponse:
    """The city's year: every unit's rank over the quarters, the stars, the climbers."""
    the_year = years.year_read(year=year, user=request.user)
    return render(
        request,
        "boards/year.html",
        {
            "year": the_year,
            "city": years.city_year(year=the_year),
            "section": "year",
        },
    )


@visible
def unit_year(request: HttpRequest, year: int, unit: str) -> HttpResponse:
    """A unit's year: its quarters, stars collected, rank path and the annual result."""
    unit_obj = get_object_or_404(Unit, code=unit)
    the_year = years.year_read(year=year, user=request.user)
    if unit_obj.code not in _year_units(the_year):
        raise Http404
    return render(
        request,
        "boards/unit_year.html",
        {
            "year": the_year,
            "unit": unit_obj,
            "card": years.unit_year(year=the_year, unit=unit_obj),
            "section": "year",
        },
    )


def _year_units(the_year: years.Year) -> set[str]:
    return {row["unit"] for view in the_year.views for row in view.rows}
