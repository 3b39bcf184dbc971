"""``python -m api.bench``: ``bookrun bench`` without the rest of the command line."""

import sys

from api.bench.bench import main

sys.exit(main())
