"""The ASGI application uvicorn imports in each worker (settings from the environment)."""

from api.main import create_app

app = create_app()
