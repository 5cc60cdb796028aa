"""Changes in the browser: an order's page, its allowed transitions and notes, a work order opened from an asset's
page, an asset's flag resolved. Every form carries the session's CSRF token; every change goes through the same
service function as the API."""

from __future__ import annotations

import hashlib
import re
import shutil
import uuid
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import parse_qs

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ValidationError
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from inventory_api.assets import flags as asset_flags
from inventory_api.assets import service as assets
from inventory_api.assets.models import Asset
from inventory_api.assignments import service as assignments
from inventory_api.auth.service import Principal
from inventory_api.cabling.models import AssetConnection, Jack
from inventory_api.cabling.registry import require_asset
from inventory_api.deps import SESSION_COOKIE
from inventory_api.errors import AppError, Forbidden, NotFound, Unprocessable
from inventory_api.history.service import recent_changes
from inventory_api.imports import service as imports
from inventory_api.imports.models import ImportJob
from inventory_api.ingest.merge import merge_assets
from inventory_api.locations.models import Location
from inventory_api.numbers.models import NumberPool
from inventory_api.people import service as people
from inventory_api.people.models import Person
from inventory_api.people.schemas import EMAIL
from inventory_api.services import people as leavers
from inventory_api.services import service as services
from inventory_api.services.models import Service
from inventory_api.workorders import service as workorders
from inventory_api.workorders import worklog
from inventory_api.workorders.states import HOLD_REASONS, PRIORITIES, TRANSITIONS, WORK_ORDER_TYPES


def csrf_token(request: Request) -> str:
    """The session's form token: derived from the HttpOnly session cookie, which another site's page can neither
    read nor send along with a token of its own."""
    session_token = request.cookies.get(SESSION_COOKIE, "")
    return hashlib.sha256(b"csrf:" + session_token.encode()).hexdigest()[:40]


async def read_form(request: Request, files_to: Path | None = None) -> dict[str, str]:
    """The posted form, its CSRF token checked (403 otherwise). An uploaded file is copied as it arrives into a
    new file in `files_to` (its path, name and size are the form's `<field>`, `<field>_name`, `<field>_size`);
    a form that takes none refuses one."""
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        form = {}
        async with request.form() as parts:
            for key, value in parts.items():
                if isinstance(value, str):
                    form[key] = value
                elif files_to is None:
                    raise Unprocessable(f"{key}: this form takes no file", code="unexpected_file")
                elif value.filename or value.size:
                    path = files_to / f"{uuid.uuid4()}.upload"
                    await run_in_threadpool(_copy, value.file, path)
                    form |= {
                        key: str(path),
                        f"{key}_name": value.filename or "",
                        f"{key}_size": str(value.size),
                    }
    else:
        form = {k: v[0] for k, v in parse_qs((await request.body()).decode("utf-8", "replace")).items()}
    if not request.cookies.get(SESSION_COOKIE) or form.pop("csrf", None) != csrf_token(request):
        for key in [k for k in form if k + "_name" in form]:
            Path(form[key]).unlink(missing_ok=True)
        raise Forbidden("this form is stale or came from elsewhere: reload the page and send it again")
    return form


def _copy(source: BinaryIO, path: Path) -> None:
    with path.open("wb") as out:
        shutil.copyfileobj(source, out, 1 << 20)


def validated(model: type[BaseModel], data: dict[str, Any]) -> dict[str, Any]:
    """A form's values as the API's input model reads them (the fields given, none other); what is wrong with
    them, in words, as a 422."""
    try:
        return model.model_validate(data).model_dump(exclude_unset=True)
    except ValidationError as exc:
        words = "; ".join(
            f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors(include_url=False)
        )
        raise Unprocessable(words, code="invalid_form") from None


def may_write(principal: Principal) -> None:
    if "write" not in principal.permissions:
        raise Forbidden(f"this needs the 'write' permission; you have {sorted(principal.permissions)}")


def order_page(
    session: Session, request: Request, principal: Principal, order_id: uuid.UUID
) -> dict[str, Any]:
    """What the order's page shows: the order, its items, notes, history, and the states it may go to."""
    order = workorders.require_work_order(session, principal, order_id)
    return {
        "order": order, "items": workorders.list_items(session, order), "notes": worklog.list_notes(session, order),
        "time": worklog.list_time_entries(session, order), "today": date.today().isoformat(),
        "history": recent_changes(session, "work_order", order.id, limit=50), "next_states": TRANSITIONS[order.state],
        "hold_reasons": HOLD_REASONS, "can_write": "write" in principal.permissions, "csrf": csrf_token(request),
    }  # fmt: skip


def change_state(session: Session, principal: Principal, order_id: uuid.UUID, form: dict[str, str]) -> None:
    may_write(principal)
    order = workorders.require_work_order(session, principal, order_id)
    workorders.transition(
        session,
        order,
        form.get("to", ""),
        hold_reason=form.get("hold_reason") or None,
        note=form.get("note") or None,
    )


def add_note(session: Session, principal: Principal, order_id: uuid.UUID, form: dict[str, str]) -> None:
    may_write(principal)
    body = (form.get("body") or "").strip()
    if not body:
        raise Unprocessable("write the note first", code="note_required")
    worklog.add_note(session, workorders.require_work_order(session, principal, order_id), body)


def add_time(session: Session, principal: Principal, order_id: uuid.UUID, form: dict[str, str]) -> None:
    """Book the caller's time on the order (minutes, the day, a note)."""
    may_write(principal)
    try:
        minutes = int(form.get("minutes") or "")
        day = date.fromisoformat(form.get("work_date") or "")
    except ValueError:
        raise Unprocessable("minutes: a whole number; day: a date, YYYY-MM-DD", code="invalid_time") from None
    if not 0 < minutes <= 24 * 60:
        raise Unprocessable("minutes: between 1 and 1440", code="invalid_time")
    order = workorders.require_work_order(session, principal, order_id)
    worklog.add_time_entry(session, order, technician_id=principal.user_id, work_date=day, minutes=minutes,
                           note=form.get("note") or None)  # fmt: skip


def _order_fields(form: dict[str, str], site_id: uuid.UUID) -> dict[str, Any]:
    """A new order's own fields from its form, each checked as the API's schema checks it."""
    title = (form.get("title") or "").strip()
    kind, priority = form.get("kind") or "repair", form.get("priority") or "P3"
    if not 0 < len(title) <= 300:
        raise Unprocessable("title: say in a few words what is to be done (at most 300 characters)",
                            code="title_required")  # fmt: skip
    if kind not in WORK_ORDER_TYPES:
        raise Unprocessable(f"kind: one of {', '.join(WORK_ORDER_TYPES)}", code="invalid_kind")
    if priority not in PRIORITIES:
        raise Unprocessable(f"priority: one of {', '.join(PRIORITIES)}", code="invalid_priority")
    return {"kind": kind, "title": title, "priority": priority, "site_id": site_id,
            "description": (form.get("description") or "").strip() or None}  # fmt: skip


def open_for_asset(
    session: Session, principal: Principal, asset_id: uuid.UUID, form: dict[str, str]
) -> uuid.UUID:
    """A work order about this asset (linked to it by an `inspect` item, which changes nothing by itself)."""
    may_write(principal)
    asset = assets.get_asset(session, asset_id, principal)
    if asset is None:
        raise NotFound("asset", asset_id)
    item = {"action": "inspect", "subject_id": asset.id, "params": {}}
    return workorders.create_work_order(
        session, principal, {**_order_fields(form, asset.site_id), "items": [item]}
    ).id


def open_for_person(
    session: Session, principal: Principal, person_id: uuid.UUID, form: dict[str, str]
) -> uuid.UUID:
    """A work order the person asked for, naming the assets and services ticked on their page. A move carries
    each to the chosen room: a device plugged into a jack goes into the target jack (when one is named), a service
    with a room of its own moves there, one that follows its device is linked and keeps following. Any other kind
    links them by `inspect` items, which change nothing by themselves."""
    may_write(principal)
    person = people.get_person(session, person_id, principal)
    if person is None:
        raise NotFound("person", person_id)
    fields = _order_fields(form, person.site_id)
    ticked = {uuid.UUID(key[5:]) for key in form if key.startswith("item:") and _is_uuid(key[5:])}
    owned = [a for a in session.scalars(select(Asset).where(Asset.id.in_(ticked), Asset.deleted_at.is_(None)))
             if a.assigned_person_id == person.id]  # fmt: skip
    held = [s for s in session.scalars(select(Service).where(Service.id.in_(ticked), Service.deleted_at.is_(None)))
            if s.person_id == person.id]  # fmt: skip
    if len(owned) + len(held) != len(ticked):
        raise Unprocessable("tick only the person's own assets and services", code="invalid_items")
    if fields["kind"] != "move":
        items = [{"action": "inspect", "subject_id": a.id} for a in owned] + [
            {"action": "inspect", "subject_id": s.id, "subject_type": "service"} for s in held
        ]
    else:
        room, jack = _move_target(session, person, form)
        plugged = set(session.scalars(select(AssetConnection.asset_id).where(
            AssetConnection.asset_id.in_([a.id for a in owned]), AssetConnection.jack_id.is_not(None))))  # fmt: skip
        items = [
            {"action": "move_asset", "subject_id": a.id, "params": {"location_id": str(room.id)} |
             ({"jack_id": str(jack.id)} if jack and a.id in plugged else {})}
            for a in owned
        ] + [
            {"action": "move_service", "subject_id": s.id, "params": {"location_id": str(room.id)}}
            if s.location_id else {"action": "note", "subject_id": s.id, "subject_type": "service"}
            for s in held
        ]  # fmt: skip
    data = {**fields, "requester_id": person.id, "items": items}
    return workorders.create_work_order(session, principal, data).id


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _move_target(session: Session, person: Person, form: dict[str, str]) -> tuple[Location, Jack | None]:
    """The room a move goes to (of the person's site) and its jack, by label, if one is named."""
    room = session.get(Location, uuid.UUID(form["room_id"])) if _is_uuid(form.get("room_id", "")) else None
    if room is None or room.deleted_at is not None or room.site_id != person.site_id:
        raise Unprocessable("move to: choose a room of the person's site", code="room_required")
    label = (form.get("jack") or "").strip()
    if not label:
        return room, None
    jack = session.scalar(select(Jack).where(Jack.label == label, Jack.site_id == person.site_id,
                                             Jack.deleted_at.is_(None)))  # fmt: skip
    if jack is None or jack.room_id != room.id:
        raise Unprocessable(f"jack: no jack {label!r} in {room.name}", code="jack_required")
    return room, jack


def rooms_for(session: Session, person: Person) -> list[Location]:
    """The rooms of a person's site, for a move's target."""
    stmt = select(Location).where(Location.site_id == person.site_id, Location.kind == "room",
                                  Location.deleted_at.is_(None)).order_by(Location.name)  # fmt: skip
    return list(session.scalars(stmt))


def resolve_flag(
    session: Session, principal: Principal, flag_id: uuid.UUID, form: dict[str, str]
) -> uuid.UUID:
    """Close an asset's flag after looking at it, with what was decided; the asset it was on."""
    may_write(principal)
    flag = asset_flags.require_flag(session, flag_id, principal)
    note = (form.get("note") or "").strip() or None
    if other := (form.get("merge") or "").strip():
        duplicate = _merge_into(session, principal, flag.asset_id, other)
        note = f"merged {duplicate} into this asset" + (f": {note}" if note else "")
    asset_flags.resolve_flag(session, flag, note)
    return flag.asset_id


def _merge_into(session: Session, principal: Principal, survivor_id: uuid.UUID, other: str) -> str:
    """Fold the duplicate named by its asset tag, serial or id into the flagged asset (admins, as through the
    API); the words that name it."""
    if "admin" not in principal.permissions:
        raise Forbidden("merging two assets needs the 'admin' permission")
    found = session.scalars(select(Asset).where(Asset.deleted_at.is_(None), or_(
        Asset.asset_tag == other, Asset.serial == other, Asset.id == (uuid.UUID(other) if _is_uuid(other) else None),
    )).limit(2)).all()  # fmt: skip
    duplicate = found[0] if len(found) == 1 and principal.can_see_site(found[0].site_id) else None
    if duplicate is None:
        raise Unprocessable(f"merge: no single asset {other!r} at your sites", code="duplicate_required")
    merge_assets(session, require_asset(session, survivor_id, principal.site_ids), duplicate)
    return duplicate.asset_tag or duplicate.name or str(duplicate.id)


def check_out(session: Session, principal: Principal, asset_id: uuid.UUID, form: dict[str, str]) -> None:
    """Hand the asset to the person with this e-mail or employee id (of the caller's sites), until a date."""
    may_write(principal)
    asset = require_asset(session, asset_id, principal.site_ids)
    who = (form.get("person") or "").strip()
    person = session.scalar(
        select(Person).where(
            or_(func.lower(Person.email) == who.lower(), Person.employee_id == who), Person.deleted_at.is_(None)
        )
    ) if who else None  # fmt: skip
    if person is None or not principal.can_see_site(person.site_id):
        raise Unprocessable(
            f"no person with the e-mail or employee id {who!r} at your sites", code="person_required"
        )
    try:
        until = date.fromisoformat(form["expected_return"]) if form.get("expected_return") else None
    except ValueError:
        raise Unprocessable("expected return: a date, YYYY-MM-DD", code="invalid_date") from None
    assignments.check_out(session, asset, person_id=person.id, expected_return=until,
                          notes=form.get("notes") or None, sites=principal.site_ids)  # fmt: skip


def check_in(session: Session, principal: Principal, asset_id: uuid.UUID, form: dict[str, str]) -> None:
    """Take the asset back into stock."""
    may_write(principal)
    asset = require_asset(session, asset_id, principal.site_ids)
    assignments.check_in(session, asset, notes=form.get("notes") or None, sites=principal.site_ids)


def pools_for(session: Session, person: Any) -> list[NumberPool]:
    """The number pools of a person's site, for the person's page."""
    stmt = (
        select(NumberPool)
        .where(NumberPool.site_id == person.site_id)
        .order_by(NumberPool.kind, NumberPool.name)
    )
    return list(session.scalars(stmt))


def give_number(session: Session, principal: Principal, person_id: uuid.UUID, form: dict[str, str]) -> None:
    """A new extension or DID for the person: the lowest free number of the chosen pool of their site, allocated
    and assigned in one transaction (the API's `number_pool_id`), used in the person's room."""
    may_write(principal)
    person = people.get_person(session, person_id, principal)
    if person is None:
        raise NotFound("person", person_id)
    try:
        pool = session.get(NumberPool, uuid.UUID(form.get("pool_id", "")))
    except ValueError:
        pool = None
    if pool is None or pool.site_id != person.site_id:
        raise Unprocessable("choose a number pool of the person's site", code="pool_required")
    details = {"extension": _rings(session, person, form)} if pool.kind == "did" else {}
    services.create_service(session, {
        "type": pool.kind, "status": "active", "person_id": person.id, "details": details,
        "location_id": person.location_id if pool.kind == "extension" else None, "number_pool_id": pool.id,
    }, principal.site_ids)  # fmt: skip


def _rings(session: Session, person: Person, form: dict[str, str]) -> str:
    """The extension a new DID rings: the one named, else the person's only live extension."""
    named = (form.get("extension") or "").strip()
    if named:
        return named
    theirs = list(session.scalars(select(Service.number).where(
        Service.person_id == person.id, Service.type == "extension", Service.status != "disconnected",
        Service.deleted_at.is_(None))))  # fmt: skip
    if len(theirs) != 1:
        raise Unprocessable("a DID rings an extension: name it (the person has "
                            f"{len(theirs) or 'no'} extension{'s' if len(theirs) != 1 else ''})", code="extension_required")  # fmt: skip
    return theirs[0]


#: The services a person is given from their page (numbers come from a pool, above), and the fields of each.
SERVICE_FIELDS = {
    "voicemail": ("mailbox", "extension"), "data_port": ("jack", "vlan", "voice_vlan"),
    "remote_access": ("username", "profile", "token_serial"), "mobile_line": ("number", "carrier", "plan"),
    "generic": ("label",),
}  # fmt: skip


def add_service(session: Session, principal: Principal, person_id: uuid.UUID, form: dict[str, str]) -> None:
    """A voicemail box, a data jack on its VLAN (its switch port set, or the history says why not), remote access,
    a mobile line or another service for the person, checked by the same rules as the API."""
    may_write(principal)
    person = people.get_person(session, person_id, principal)
    if person is None:
        raise NotFound("person", person_id)
    kind = form.get("type", "")
    if kind not in SERVICE_FIELDS:
        raise Unprocessable(f"type: one of {', '.join(SERVICE_FIELDS)}", code="invalid_type")
    details: dict[str, Any] = {
        f: form[f].strip() for f in SERVICE_FIELDS[kind] if (form.get(f) or "").strip()
    }
    if "jack" in details:
        label = details.pop("jack")
        jack = session.scalar(select(Jack).where(Jack.label == label, Jack.site_id == person.site_id,
                                                 Jack.deleted_at.is_(None)))  # fmt: skip
        if jack is None:
            raise Unprocessable(f"jack: no jack {label!r} at the person's site", code="jack_required")
        details["jack_id"] = str(jack.id)
    services.create_service(session, {
        "type": kind, "status": "active", "person_id": person.id, "details": details,
        "location_id": person.location_id if kind == "voicemail" else None,
        "notes": (form.get("notes") or "").strip() or None,
    }, principal.site_ids)  # fmt: skip


def offboard(
    session: Session, principal: Principal, person_id: uuid.UUID, form: dict[str, str], quarantine_days: int
) -> None:
    """A leaver's last day: every service of theirs disconnected, their numbers to quarantine (what to reclaim
    stays listed on their page)."""
    may_write(principal)
    person = people.get_person(session, person_id, principal)
    if person is None:
        raise NotFound("person", person_id)
    if form.get("confirm") != "on":
        raise Unprocessable("tick the box to confirm that the person is leaving", code="confirm_required")
    leavers.offboard(session, person, disconnect_services=True, sites=principal.site_ids,
                     quarantine_days=quarantine_days)  # fmt: skip


def sites_for(session: Session, principal: Principal) -> list[Location]:
    """The sites the caller may add people to."""
    stmt = (
        select(Location).where(Location.kind == "site", Location.deleted_at.is_(None)).order_by(Location.name)
    )
    return [site for site in session.scalars(stmt) if principal.can_see_site(site.id)]


PERSON_FIELDS = ("name", "email", "employee_id", "department", "phone")


def person_form(person: Person) -> dict[str, str]:
    """A person as their edit form shows them."""
    return {f: getattr(person, f) or "" for f in PERSON_FIELDS} | {"site_id": str(person.site_id)}


def new_person(session: Session, principal: Principal, form: dict[str, str]) -> uuid.UUID:
    """A new person (a new hire) at one of the caller's sites, through the same checks as the API."""
    return people.create_person(session, _person_values(principal, form), principal).id


def edit_person(session: Session, principal: Principal, person_id: uuid.UUID, form: dict[str, str]) -> None:
    """Change a person's name, contact, department or site (another site's person is not found)."""
    person = people.get_person(session, person_id, principal)
    if person is None:
        raise NotFound("person", person_id)
    people.update_person(session, person, _person_values(principal, form), principal)


def _person_values(principal: Principal, form: dict[str, str]) -> dict[str, Any]:
    may_write(principal)
    fields = PERSON_FIELDS
    values: dict[str, Any] = {f: (form.get(f) or "").strip() or None for f in fields}
    if not values["name"]:
        raise Unprocessable("name: a person needs a name", code="name_required")
    if values["email"] and not re.fullmatch(EMAIL, values["email"]):
        raise Unprocessable("email: not an e-mail address", code="invalid_email")
    try:
        values["site_id"] = uuid.UUID(form.get("site_id", ""))
    except ValueError:
        raise Unprocessable("site_id: choose a site", code="site_required") from None
    return values


IMPORT_KINDS = ("people", "locations", "assets", "services")


def start_import(session: Session, principal: Principal, form: dict[str, str], settings: Any) -> ImportJob:
    """An import job of an uploaded file (already spooled by `read_form`, up to INVENTORY_MAX_IMPORT_BYTES) or of
    pasted CSV, as `POST /api/v1/imports` makes one, run in the background (a dry run checks every row and changes
    nothing)."""
    path = Path(form["file"]) if form.get("file_name") is not None else None
    try:
        may_write(principal)
        kind = form.get("kind")
        if kind not in IMPORT_KINDS:
            raise Unprocessable(f"kind: one of {', '.join(IMPORT_KINDS)}", code="kind_required")
        if path is None:
            text = form.get("csv") or ""
            if not text.strip():
                raise Unprocessable(
                    "choose a CSV file or paste one (a header line, then one line per record)",
                    code="csv_required",
                )
            path = imports.spool_dir(settings.import_spool_dir) / f"{uuid.uuid4()}.upload"
            path.write_text(text, encoding="utf-8")
        sites = sorted(str(s) for s in principal.site_ids) if principal.site_ids is not None else None
        return imports.create_job(
            session, kind=kind, format="csv", dry_run=form.get("dry_run") == "on",
            filename=form.get("file_name") or "pasted.csv", size_bytes=path.stat().st_size, spool_path=str(path),
            site_ids=sites, created_by=principal.username, created_by_id=str(principal.user_id),
        )  # fmt: skip
    except BaseException:
        if path is not None:
            path.unlink(missing_ok=True)
        raise


def import_job(session: Session, principal: Principal, job_id: uuid.UUID) -> ImportJob:
    """One of the caller's import jobs (an admin of every site reads everyone's)."""
    everyone = "admin" in principal.permissions and principal.site_ids is None
    return imports.require_job(session, job_id, user_id=None if everyone else str(principal.user_id))


def redirect(url: str) -> Response:
    return RedirectResponse(url, status_code=303)


def error_page(render: Any, exc: AppError, **context: Any) -> HTMLResponse:
    """The page again with the error by the form, and the status that rolls the request back."""
    return render(error=exc.detail, status=exc.status, **context)


CHOICES = {"kinds": WORK_ORDER_TYPES, "priorities": PRIORITIES}
