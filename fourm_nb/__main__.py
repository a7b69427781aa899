"`python -m fourm_nb ...` is the same as the `fourm_nb` console script."
import sys

from fourm_nb.cli import main

sys.exit(main())
