"""``python -m api.cli``: the ``bookrun`` command line."""

import sys

from api.cli.main import main

sys.exit(main())
