"""The HTTP face of Lianhu: FastAPI routers under /api/v1, problem+json errors, the CLI."""
