"""The store's tables (SQLAlchemy 2.0, singular names, ``_at`` times in UTC, ``_date`` dates).

Change a table only together with a new migration in ``api/store/migrations/versions/``;
``tests/api/store/test_store.py`` checks that the migrations and these classes agree.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Enum,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from api.store.db import Base, UtcDateTime, now_utc
from scenarios.closures import ClosureKind
from scenarios.consignments import ConsignmentKind


class Role(StrEnum):
    STAFF = "staff"  # library staff: everything
    SCHOOL_LIBRARIAN = "school_librarian"  # bound to one school
    CONTRACTOR = "contractor"  # the logistics contractor: reads plans, marks stops done


class RequestStatus(StrEnum):
    REQUESTED = "requested"
    ACCEPTED = "accepted"
    SCHEDULED = "scheduled"
    DELIVERED = "delivered"
    RETURNED = "returned"
    CANCELLED = "cancelled"
    REJECTED = "rejected"


class PlanStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Publication(StrEnum):
    """Whether a plan version is the one the drivers run: ``published``; a ``draft``
    nobody published; ``superseded``: published once, then another version of the date
    was."""

    DRAFT = "draft"
    PUBLISHED = "published"
    SUPERSEDED = "superseded"


class ConsignmentStatus(StrEnum):
    RECORDED = "recorded"
    SCHEDULED = "scheduled"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


def _enum(kind: type[StrEnum], name: str) -> Enum:
    return Enum(kind, name=name, native_enum=False, length=32,
                values_callable=lambda k: [m.value for m in k], validate_strings=True)


class SiteRow(Base):
    __tablename__ = "site"

    site_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    scenario: Mapped[str] = mapped_column(String(100), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    name_ja: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str] = mapped_column(String(300), default="")
    address_ja: Mapped[str] = mapped_column(String(300), default="")
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(Text, default="")
    accuracy_m: Mapped[int | None] = mapped_column(Integer, nullable=True)


class UserRow(Base):
    __tablename__ = "app_user"

    user_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[Role] = mapped_column(_enum(Role, "role"))
    school_site_id: Mapped[str | None] = mapped_column(ForeignKey("site.site_id"),
                                                       nullable=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=now_utc)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)


class TokenRow(Base):
    __tablename__ = "api_token"

    token_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.user_id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(128), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=now_utc)
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())

    user: Mapped[UserRow] = relationship(lazy="joined")


class CollectionRow(Base):
    """A return-post collection as it stands now; its corrections are `CollectionRevisionRow`."""

    __tablename__ = "collection"

    collection_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    post_id: Mapped[str] = mapped_column(ForeignKey("site.site_id"), index=True)
    collected_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), index=True)
    items: Mapped[int] = mapped_column(Integer)
    collected_by: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.user_id"),
                                                            nullable=True)
    recorded_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=now_utc)
    source: Mapped[str] = mapped_column(String(100), default="api")  # api, csv, seed
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True,
                                                        nullable=True)

    revisions: Mapped[list[CollectionRevisionRow]] = relationship(
        order_by="CollectionRevisionRow.revision_id", lazy="selectin")


class CollectionRevisionRow(Base):
    """One correction: who changed which fields of a collection, when, from what to what."""

    __tablename__ = "collection_revision"

    revision_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    collection_id: Mapped[int] = mapped_column(ForeignKey("collection.collection_id"),
                                               index=True)
    changed_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=now_utc)
    changed_by_user_id: Mapped[int] = mapped_column(ForeignKey("app_user.user_id"))
    reason: Mapped[str] = mapped_column(Text, default="")
    changes: Mapped[dict[str, Any]] = mapped_column(JSON)  # field -> {"old": .., "new": ..}


class SchoolRequestRow(Base):
    __tablename__ = "school_request"

    request_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    school_site_id: Mapped[str] = mapped_column(ForeignKey("site.site_id"), index=True)
    from_site_id: Mapped[str] = mapped_column(ForeignKey("site.site_id"))
    items: Mapped[int] = mapped_column(Integer)
    topic: Mapped[str] = mapped_column(Text)
    for_class: Mapped[str] = mapped_column(String(200), default="")
    needed_by_date: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[RequestStatus] = mapped_column(_enum(RequestStatus, "request_status"),
                                                  index=True)
    status_reason: Mapped[str] = mapped_column(Text, default="")
    scheduled_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plan.plan_id"), nullable=True)
    created_by_user_id: Mapped[int] = mapped_column(ForeignKey("app_user.user_id"))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=now_utc)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=now_utc)
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True,
                                                        nullable=True)
    #: The day the materials are ready to travel (default: the day it was accepted).
    ready_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    #: A day staff chose for an extra run to the school (instead of its run days).
    extra_run_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)

    events: Mapped[list[SchoolRequestEventRow]] = relationship(
        order_by="SchoolRequestEventRow.event_id", lazy="selectin")


class StatusEvent:
    """The columns of a step in a history: who, when, from which status to which, a note,
    the changed fields as ``{field: {"old": .., "new": ..}}``."""

    event_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=now_utc)
    from_status: Mapped[str | None] = mapped_column(String(32), nullable=True)
    to_status: Mapped[str] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(Text, default="")
    changes: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)

    @declared_attr
    def by_user_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("app_user.user_id"))


class SchoolRequestEventRow(StatusEvent, Base):
    """The history of a request: each status change or edit, by whom, when."""

    __tablename__ = "school_request_event"

    request_id: Mapped[int] = mapped_column(ForeignKey("school_request.request_id"),
                                            index=True)


class PlanRow(Base):
    """One version of the plan of a date. Re-planning adds a version; none is overwritten."""

    __tablename__ = "plan"
    __table_args__ = (UniqueConstraint("scenario", "plan_date", "version",
                                       name="uq_plan_scenario_date_version"),)

    plan_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    scenario: Mapped[str] = mapped_column(String(100))
    plan_date: Mapped[dt.date] = mapped_column(Date, index=True)
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[PlanStatus] = mapped_column(_enum(PlanStatus, "plan_status"))
    options: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=now_utc)
    created_by_user_id: Mapped[int] = mapped_column(ForeignKey("app_user.user_id"))
    started_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    problem_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    plan_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    error: Mapped[str] = mapped_column(Text, default="")
    publication: Mapped[Publication] = mapped_column(
        _enum(Publication, "plan_publication"), default=Publication.DRAFT,
        server_default=Publication.DRAFT.value)
    published_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    published_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.user_id"),
                                                             nullable=True)


class StopDoneRow(Base):
    """A stop the contractor marked done."""

    __tablename__ = "stop_done"
    __table_args__ = (UniqueConstraint("plan_id", "vehicle_id", "stop",
                                       name="uq_stop_done_plan_vehicle_stop"),)

    stop_done_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.plan_id"), index=True)
    vehicle_id: Mapped[str] = mapped_column(String(100))
    stop: Mapped[int] = mapped_column(Integer)
    site_id: Mapped[str] = mapped_column(String(100))
    done_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=now_utc)
    by_user_id: Mapped[int] = mapped_column(ForeignKey("app_user.user_id"))
    note: Mapped[str] = mapped_column(Text, default="")


class ClosureRow(Base):
    """A closure (臨時休館, a school holiday) or opening staff recorded for a site or for
    every site of a calendar; withdrawn ones are kept with who withdrew them and why."""

    __tablename__ = "closure"

    closure_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    scenario: Mapped[str] = mapped_column(String(100), index=True)
    site_id: Mapped[str | None] = mapped_column(ForeignKey("site.site_id"), nullable=True)
    calendar_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    first_date: Mapped[dt.date] = mapped_column(Date, index=True)
    last_date: Mapped[dt.date] = mapped_column(Date, index=True)
    kind: Mapped[ClosureKind] = mapped_column(_enum(ClosureKind, "closure_kind"))
    reason: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(32), default="api")  # api, csv
    created_by_user_id: Mapped[int] = mapped_column(ForeignKey("app_user.user_id"))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=now_utc)
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    withdrawn_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.user_id"),
                                                             nullable=True)
    withdrawn_reason: Mapped[str] = mapped_column(Text, default="")


class ConsignmentRow(Base):
    """What must travel from one site to another, as recorded; its steps are
    `ConsignmentEventRow`."""

    __tablename__ = "consignment"

    consignment_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    scenario: Mapped[str] = mapped_column(String(100), index=True)
    from_site_id: Mapped[str] = mapped_column(ForeignKey("site.site_id"))
    to_site_id: Mapped[str] = mapped_column(ForeignKey("site.site_id"))
    items: Mapped[int] = mapped_column(Integer)
    crates: Mapped[int | None] = mapped_column(Integer, nullable=True)
    kind: Mapped[ConsignmentKind] = mapped_column(_enum(ConsignmentKind, "consignment_kind"))
    ready_date: Mapped[dt.date] = mapped_column(Date, index=True)
    reference: Mapped[str] = mapped_column(String(200), default="", index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[ConsignmentStatus] = mapped_column(
        _enum(ConsignmentStatus, "consignment_status"), index=True)
    status_reason: Mapped[str] = mapped_column(Text, default="")
    scheduled_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True, index=True)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plan.plan_id"), nullable=True)
    delivered_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    source: Mapped[str] = mapped_column(String(32), default="api")  # api, csv
    created_by_user_id: Mapped[int] = mapped_column(ForeignKey("app_user.user_id"))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=now_utc)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=now_utc)
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True,
                                                        nullable=True)

    events: Mapped[list[ConsignmentEventRow]] = relationship(
        order_by="ConsignmentEventRow.event_id", lazy="selectin")


class ConsignmentEventRow(StatusEvent, Base):
    """The history of a consignment: each status change, by whom, when, and why."""

    __tablename__ = "consignment_event"

    consignment_id: Mapped[int] = mapped_column(ForeignKey("consignment.consignment_id"),
                                                index=True)
