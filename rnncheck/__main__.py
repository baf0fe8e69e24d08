import sys

from rnncheck.cli import main

sys.exit(main())
