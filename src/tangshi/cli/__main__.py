"""``python -m tangshi.cli``: the ``tangshi`` command."""
import sys

from tangshi.cli.main import main

sys.exit(main())
