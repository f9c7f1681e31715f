"""`python -m <package>`: migrate the database, then serve the API for development."""

from .app import main

main()
