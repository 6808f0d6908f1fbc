"""The FLASK_APP target."""
from eic import create_app

app = create_app()
