"""Messages in and out, and where each person's conversation stands."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.infra.orm import Base, utcnow
from bot.models.person import Channel


class ConversationRecord(Base):
    """The stored state of one person's conversation with the bot."""

    __tablename__ = "conversations"

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True)
    state: Mapped[str] = mapped_column(String(32), default="new")
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    asked_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class InboundMessage(Base):
    """A message Twilio delivered, claimed by its MessageSid, with the reply we gave."""

    __tablename__ = "inbound_messages"
    __table_args__ = (Index("ix_inbound_messages_person_id_id", "person_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_sid: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    channel: Mapped[Channel] = mapped_column(String(16))
    body: Mapped[str] = mapped_column(Text, default="")
    num_media: Mapped[int] = mapped_column(default=0)
    # The first attachment's content type (image/jpeg, audio/ogg...): staff see what came.
    media_type: Mapped[str | None] = mapped_column(String(100))
    reply: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class OutboundStatus(StrEnum):
    """Where an outbound notice stands."""

    PENDING = "pending"  # committed, not yet handed over (or waiting to be tried again)
    SENDING = "sending"  # a worker is handing it to Twilio right now
    RECORDED = "recorded"  # no Twilio credentials: printed, not sent
    SUPPRESSED = "suppressed"  # the person opted out on that channel: never sent
    QUEUED = "queued"
    SENT = "sent"
    DELIVERED = "delivered"
    UNDELIVERED = "undelivered"
    FAILED = "failed"
    READ = "read"  # WhatsApp


# Later statuses never give way to earlier ones: callbacks arrive out of order.
STATUS_RANK = {
    OutboundStatus.PENDING: 0,
    OutboundStatus.SENDING: 1,
    OutboundStatus.QUEUED: 2,
    OutboundStatus.SENT: 3,
    OutboundStatus.UNDELIVERED: 4,
    OutboundStatus.FAILED: 4,
    OutboundStatus.DELIVERED: 5,
    OutboundStatus.READ: 6,
    OutboundStatus.RECORDED: 7,
    OutboundStatus.SUPPRESSED: 7,
}


class OutboundMessage(Base):
    """A text the bot starts (not a reply): written in the transaction that caused it."""

    __tablename__ = "outbound_messages"
    __table_args__ = (Index("ix_outbound_messages_status_id", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    channel: Mapped[Channel] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(8))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[OutboundStatus] = mapped_column(String(16), default=OutboundStatus.PENDING)
    twilio_sid: Mapped[str | None] = mapped_column(String(64), index=True)
    error_code: Mapped[int | None]
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    next_attempt_at: Mapped[datetime | None]  # when a transient failure may be tried again
    sending_at: Mapped[datetime | None]  # when a worker began handing it to Twilio
    via_template: Mapped[bool] = mapped_column(default=False, server_default="0")
    # The buttons it carries on WhatsApp (bot.channel.choices): {"key": "yesno"}...
    choices: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # For notices sent once per period (a statement, a premium notice): a second run finds it.
    dedupe_key: Mapped[str | None] = mapped_column(String(96), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]


class DeliveryEvent(Base):
    """One status Twilio reported for a notice (or one we recorded), in arrival order."""

    __tablename__ = "delivery_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    outbound_id: Mapped[int] = mapped_column(ForeignKey("outbound_messages.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    error_code: Mapped[int | None]
    at: Mapped[datetime] = mapped_column(default=utcnow)


class WhatsAppContent(Base):
    """A Content API resource we created for a set of buttons in a language: made once."""

    __tablename__ = "whatsapp_contents"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)  # yesno, language, pick:3
    language: Mapped[str] = mapped_column(String(8), primary_key=True)
    content_sid: Mapped[str] = mapped_column(String(34))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
