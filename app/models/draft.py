"""A draft of a task's form: what one user typed and saved without submitting ("Spara utkast").

One row per task and user; a draft is never shown to anyone else, not even a colleague who may work on the
same task. The row goes with its task: `task_id` references the open task projection with ON DELETE CASCADE,
so completing the task (by anyone), or the task closing any other way (cancelled case, boundary timer, case
moved to another version), removes every draft of it. The values are task data as the form would submit
them (app/domain/drafts.py checks them: the form's fields only, capped in size, nothing required).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base
from app.models.types import JSONType, UTCDateTime


class TaskDraft(Base):
    __tablename__ = "task_drafts"
    __table_args__ = (UniqueConstraint("task_id", "user_id", name="uq_task_drafts_task_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[str] = mapped_column(String(36), ForeignKey("open_tasks.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime())
