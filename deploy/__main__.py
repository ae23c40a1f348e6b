"""`python -m deploy --help`: see deploy/launcher.py and the README's "Deployment" section."""
import sys

from deploy.launcher import main

sys.exit(main())
