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
