"""The settings of the servers and workers the tests start (``leitai serve``, ``leitai
worker`` and the demo template's install in subprocesses; tests/deploy/harness.py):
production's, with MD5 first among the password hashers, as tests/conftest.py does in
the test process.

An Argon2 check costs the server about 0.25 s of CPU at every login through the form,
and the browser and process tests log in some fifty times. Argon2 stays listed, so an
Argon2 hash still verifies (and is replaced by an MD5 one at its first login).

Never a production setting: the tests about production itself (the deployment
scenario, tests/web/test_server.py, tests/web/test_deploy.py, the hashing tests) run
on ``leitai.web.settings``.
"""

from leitai.web.settings import *  # noqa: F403
from leitai.web.settings import PASSWORD_HASHERS as PRODUCTION_PASSWORD_HASHERS

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    *PRODUCTION_PASSWORD_HASHERS,
]
