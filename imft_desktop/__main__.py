"""``python -m imft_desktop`` starts the desktop app."""

import sys

from imft_desktop.app import main

sys.exit(main())
