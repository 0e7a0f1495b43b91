from __future__ import annotations

import sys

from leitai.cli import main

sys.exit(main())
