"""Index the corpus: ``python ingest.py [--corpus DIR]... [--index DIR] [--rebuild] [--json]``."""

import sys

from assistant.ingest_cli import main

if __name__ == "__main__":
    sys.exit(main())
