"""Start the Clusterdesk web chat and JSON API: ``python app.py`` (http://127.0.0.1:7860/)."""

import sys

from assistant.web.serve import main

if __name__ == "__main__":
    sys.exit(main())
