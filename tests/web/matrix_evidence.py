"""The permission matrix of evidence (佐证材料) on a unit's figures (gathered by
test_permissions).

李沧区 has submitted its 2023Q4 figures, so nobody can add or remove its evidence there:
its reporter is sent back to the page with the reason (302), the office is refused
(403, evidence is the unit's own), 市北区's reporter learns nothing (403 for the unit
named in the address, 404 for a file by number).
"""

from __future__ import annotations

from tests.web.matrix import Request, roles
from tests.web.matrix_workflow import GET_ONLY, LICANG_GET, Ref


def licang_evidence() -> int:
    """A file 李沧区's reporter attached to its 2023Q4 GDP figure."""
    from django.core.files.base import ContentFile

    from leitai.web.accounts.models import User
    from leitai.web.assessments.models import Period, Unit
    from leitai.web.workflow.models import Evidence

    found = Evidence.objects.filter(name="matrix-licang.pdf").first()
    if found is None:
        found = Evidence(
            period=Period.objects.get(code="2023Q4"),
            unit=Unit.objects.get(code="licang"),
            key="gdp_growth",
            name="matrix-licang.pdf",
            size=15,
            added_by=User.objects.get(username="tianbao-licang"),
        )
        found.file.save("matrix-licang.pdf", ContentFile(b"%PDF-1.4 matrix"), save=False)
        found.save()
    return found.pk


EVIDENCE = {"pk": Ref(licang_evidence)}
LICANG_Q4 = {"period": "2023Q4", "unit": "licang"}

ENTRIES: dict[str, list[Request]] = {
    "workflow:evidence_add": [
        Request("get", LICANG_Q4, GET_ONLY),
        # Nothing attached: back to the page; another unit's reporter: 403.
        Request(
            "post",
            LICANG_Q4,
            roles(
                anonymous=302, outsider=403, viewer=403, reporter_shibei=403, provider=403, rest=302
            ),
            data={"key": "gdp_growth"},
        ),
    ],
    "workflow:evidence_file": [Request("get", EVIDENCE, LICANG_GET)],
    "workflow:evidence_remove": [
        Request("get", EVIDENCE, GET_ONLY),
        Request(
            "post",
            EVIDENCE,
            roles(
                anonymous=302,
                outsider=403,
                viewer=403,
                reporter_shibei=404,
                reporter_licang=302,
                provider=404,
                office=403,
            ),
        ),
    ],
}
