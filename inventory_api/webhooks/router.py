"""Webhook subscriptions and deliveries over HTTP (admin only)."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Header, Request, Response
from sqlalchemy import select

from inventory_api.db import utcnow
from inventory_api.deps import EverySiteAdminDep, SessionDep, SettingsDep
from inventory_api.errors import NotFound
from inventory_api.etag import check_if_match
from inventory_api.exports import CsvFormat, csv_response, wants_csv
from inventory_api.idempotency import IdempotentRoute
from inventory_api.pagination import Page, PageDep, paginate
from inventory_api.routing import ERROR_RESPONSES
from inventory_api.webhooks import schemas, service
from inventory_api.webhooks.models import WebhookDelivery, WebhookSubscription

router = APIRouter(
    prefix="/api/v1/webhooks", tags=["webhooks"], route_class=IdempotentRoute, responses=ERROR_RESPONSES
)


@router.get("/subscriptions", response_model=list[schemas.SubscriptionRead])
def list_subscriptions(session: SessionDep, _: EverySiteAdminDep) -> Any:
    return session.scalars(select(WebhookSubscription).order_by(WebhookSubscription.name)).all()


@router.post("/subscriptions", response_model=schemas.SubscriptionWithSecret, status_code=201)
def create_subscription(
    body: schemas.SubscriptionCreate, session: SessionDep, settings: SettingsDep, _: EverySiteAdminDep
) -> Any:
    """Subscribe a URL to event types; the answer carries the signing secret (only here)."""
    data = {**body.model_dump(), "url": str(body.url)}
    return service.create_subscription(session, data, list(settings.webhook_allowed_networks))


@router.get("/subscriptions/{subscription_id}", response_model=schemas.SubscriptionRead)
def read_subscription(subscription_id: uuid.UUID, session: SessionDep, _: EverySiteAdminDep) -> Any:
    return service.require_subscription(session, subscription_id)


@router.patch("/subscriptions/{subscription_id}", response_model=schemas.SubscriptionChanged)
def update_subscription(
    subscription_id: uuid.UUID, body: schemas.SubscriptionUpdate, response: Response, session: SessionDep,
    settings: SettingsDep, _: EverySiteAdminDep, if_match: Annotated[str | None, Header()] = None,
) -> Any:  # fmt: skip
    """Change URL, event types or active; `rotate_secret` issues a new secret (shown in this answer only)."""
    row = service.require_subscription(session, subscription_id)
    check_if_match(if_match, row.version)
    values = body.model_dump(exclude_unset=True)
    if "url" in values:
        values["url"] = str(body.url)
    rotate = bool(values.get("rotate_secret"))
    row = service.update_subscription(session, row, values, list(settings.webhook_allowed_networks))
    response.headers["ETag"] = f'"{row.version}"'
    answer = schemas.SubscriptionRead.model_validate(row).model_dump()
    return schemas.SubscriptionChanged(**answer, secret=row.secret if rotate else None)


@router.get("/deliveries", response_model=Page[schemas.DeliveryRead])
def list_deliveries(
    request: Request, session: SessionDep, _: EverySiteAdminDep, page: PageDep, subscription_id: uuid.UUID | None = None,
    status: str | None = None, event_type: str | None = None, answer_format: CsvFormat = None,
) -> Any:  # fmt: skip
    """Deliveries with their status, attempts and last error; newest first by default."""
    stmt = service.deliveries_statement(subscription_id, status, event_type)
    if wants_csv(request):
        return csv_response(session, stmt, schemas.DeliveryRead, "webhook-deliveries.csv")
    sorts = {"id": WebhookDelivery.id, "next_attempt_at": WebhookDelivery.next_attempt_at}
    return paginate(session, stmt, page, sort_columns=sorts, default_sort="-id", id_column=WebhookDelivery.id)


@router.post("/deliveries/{delivery_id}/redeliver", response_model=schemas.DeliveryRead)
def redeliver(delivery_id: int, session: SessionDep, _: EverySiteAdminDep) -> Any:
    """Send a delivered or dead delivery again, with the same webhook-id."""
    row = session.get(WebhookDelivery, delivery_id)
    if row is None:
        raise NotFound("webhook delivery", delivery_id)
    return service.redeliver(session, row, utcnow())
