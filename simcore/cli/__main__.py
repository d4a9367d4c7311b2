"""``python -m simcore.cli``: the ``evcycle`` command line."""

import sys

from simcore.cli import main

sys.exit(main())
