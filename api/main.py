"""create_app(): routers under /api/v1, problem+json errors, request logging, ops endpoints."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute

from api import frontend, openapi, problems
from api.accounts import router as accounts
from api.assignment import router as assignments
from api.audit import router as audit
from api.auth import router as auth
from api.changes import router as changes
from api.checklists import router as checklists
from api.deps import AccountStates, utc_now
from api.disclosure import router as disclosure
from api.health import router as health
from api.households import router as households
from api.issue_drafts import router as issue_drafts
from api.issues import open311
from api.issues import router as issues
from api.lifespan import with_worker_threads
from api.limits import BodyLimit, BodyLimitMiddleware
from api.meetings import router as meetings
from api.members import router as members
from api.meta import router as meta
from api.must_attend import router as must_attend
from api.observability import RequestLogMiddleware, configure_logging
from api.org import router as orgs
from api.photos import router as photos
from api.policies import router as policies
from api.schemes import router as schemes
from api.service_orders import router as service_orders
from api.settings import Settings, get_settings
from api.sweeping import periodic_sweep
from api.sync import router as sync
from api.transfer import router as transfer
from api.visits import router as visits
from persistence.engine import make_engine, make_session_factory
from persistence.photos.media import LocalDiskStorage

IMPORT_PATHS = r"^/api/v1/imports"
PHOTO_PATHS = r"^/api/v1/(visits|issues|service-orders)/[0-9]+/photos$"
SYNC_PATHS = r"^/api/v1/sync/batch$"

# Every feature's routes under /api/v1: adding a feature is adding its router here. FastAPI
# matches a request against included routes one by one, so the order is the cost of finding a
# route: the field's hot paths (visits, sync) come first.
FEATURE_ROUTERS: tuple[APIRouter, ...] = (
    visits.router,
    sync.router,
    must_attend.router,
    checklists.router,
    households.router,
    households.categories_router,
    photos.router,
    issue_drafts.router,
    issues.router,
    issues.public_router,
    open311.router,
    meetings.router,
    policies.router,
    members.router,
    orgs.router,
    auth.router,
    meta.router,
    schemes.router,
    assignments.router,
    transfer.router,
    disclosure.router,
    disclosure.public_router,
    service_orders.router,
    service_orders.household_router,
    service_orders.public_router,
    accounts.router,
    audit.router,
    changes.router,
)


def body_limits(settings: Settings) -> list[BodyLimit]:
    """Every request body's limit, by route: the first whose paths match applies."""
    return [
        BodyLimit(
            IMPORT_PATHS, settings.max_upload_bytes, "import.too_large", "上传文件", field="file"
        ),
        BodyLimit(  # a multipart form adds a little around the photo itself
            PHOTO_PATHS,
            settings.photo_max_bytes + 64 * 1024,
            "photo.too_large",
            "照片",
            field="file",
        ),
        BodyLimit(SYNC_PATHS, settings.max_sync_bytes),
        BodyLimit(r"", settings.max_json_bytes),
    ]


def _operation_id(route: APIRoute) -> str:
    return f"{route.tags[0]}-{route.name}" if route.tags else route.name


def create_app(
    settings: Settings | None = None, *, clock: Callable[[], datetime] = utc_now
) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level)
    app = FastAPI(
        title="联户 Lianhu API",
        version="0.1.0",
        description="党员联系户平台：组织、党员、农户、联户模式、权限与导入导出。"
        "错误均为 RFC 9457 application/problem+json。",
        generate_unique_id_function=_operation_id,
        docs_url=None,  # api.frontend serves /docs with Swagger UI from this server, not a CDN
        redoc_url=None,
    )
    engine = make_engine(settings.database_url, pool_size=settings.db_pool_size)
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = make_session_factory(engine)
    sweeping = settings.sweep_minutes
    app.router.lifespan_context = with_worker_threads(
        settings.db_pool_size,
        [periodic_sweep(app.state.session_factory, clock, sweeping)] if sweeping else [],
    )
    app.state.account_states = AccountStates(app.state.session_factory)
    app.state.clock = clock
    app.state.visit_log = visits.visit_log(app.state.session_factory, clock)
    problems.install(app)
    openapi.install(app)
    app.state.photo_storage = LocalDiskStorage(settings.media_dir)
    app.add_middleware(BodyLimitMiddleware, limits=body_limits(settings))
    app.add_middleware(RequestLogMiddleware)  # outermost: every response gets a request id

    app.include_router(health.router)
    v1 = APIRouter(prefix="/api/v1")
    for router in FEATURE_ROUTERS:
        v1.include_router(router)
    app.include_router(v1)
    app.include_router(disclosure.page_router)  # /c/{token}: the page a card's QR code opens
    app.include_router(frontend.router)  # /app/ and /admin/ from frontend/dist, when built
    return app
