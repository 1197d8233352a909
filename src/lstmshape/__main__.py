"""``python -m lstmshape``: the same as the ``lstmshape`` command."""

import sys

from .cli import main

sys.exit(main())
