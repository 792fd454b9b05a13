"""Fund staff who sign in to the dashboard."""

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from bot.infra.orm import Base, utcnow


class StaffAccount(Base):
    """A person at the fund who may sign in to the dashboard. The password is kept hashed."""

    __tablename__ = "staff_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-cased
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    disabled_at: Mapped[datetime | None]
    # A session cookie names the version it was signed in under; signing out, disabling the
    # account and a new password move it on, so every cookie issued before is refused.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
