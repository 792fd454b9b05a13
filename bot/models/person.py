"""A person who texts the fund, known by her address, and her opt-out state per channel.

Her address (`phone`) is her E.164 number, or her WhatsApp user id while her number is
unknown (bot.infra.phone); `whatsapp_user_id` remembers that id once WhatsApp has sent it, so
that a message naming only the id still finds her."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ColumnElement, ForeignKey, String, or_
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.infra.orm import Base, utcnow


class Channel(StrEnum):
    """How a message travels."""

    SMS = "sms"
    WHATSAPP = "whatsapp"


class Person(Base):
    """Anyone who texts: a worker, a household, or someone who has not joined yet."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(140), unique=True)  # her number, else her id
    whatsapp_user_id: Mapped[str | None] = mapped_column(String(140), unique=True)
    name: Mapped[str | None] = mapped_column(String(80))
    language: Mapped[str] = mapped_column(String(8), default="en")
    time_zone: Mapped[str] = mapped_column(String(64), default="America/New_York")
    # The channel she last texted from; notices go there (SMS until she texts).
    last_channel: Mapped[Channel] = mapped_column(
        String(16), default=Channel.SMS, server_default=Channel.SMS.value
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    consents: Mapped[list["ChannelConsent"]] = relationship(back_populates="person")


class ChannelConsent(Base):
    """Whether a person said STOP on a channel; nothing is sent there while she has."""

    __tablename__ = "channel_consents"

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True)
    channel: Mapped[Channel] = mapped_column(String(16), primary_key=True)
    opted_out: Mapped[bool] = mapped_column(default=False)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    person: Mapped[Person] = relationship(back_populates="consents")


def known_as(address: str) -> ColumnElement[bool]:
    """The condition that finds the person with this address: her number or her WhatsApp id."""
    if address.startswith("+"):
        return Person.phone == address
    return or_(Person.phone == address, Person.whatsapp_user_id == address)
