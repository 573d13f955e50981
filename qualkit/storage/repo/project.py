"""The project row: name, description and settings."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qualkit.errors import NotFoundError
from qualkit.events import EventKind
from qualkit.model import Project
from qualkit.storage.base import StoreBase, aware
from qualkit.storage.schema import ProjectRow


def _project_row(s: Session) -> ProjectRow:
    row = s.scalar(select(ProjectRow))
    if row is None:
        raise NotFoundError("this database holds no project")
    return row


class ProjectRepo(StoreBase):
    """The project row: name, description and settings."""

    def init_project(self, name: str, description: str, actor: str) -> Project:
        with self.write() as s:
            row = s.scalar(select(ProjectRow))
            if row is None:
                row = ProjectRow(name=name, description=description)
                s.add(row)
                self._log(s, actor, EventKind.PROJECT_CREATE, name=name)
            s.flush()
            return Project(name=row.name, description=row.description, id=row.id)

    def project(self) -> Project:
        with self.read() as s:
            row = s.scalar(select(ProjectRow))
            if row is None:
                raise NotFoundError("this database holds no project: run `qualkit init` first")
            return Project(row.name, row.description, row.id, aware(row.created))

    def settings(self) -> dict[str, Any]:
        with self.read() as s:
            row = s.scalar(select(ProjectRow))
            return dict(row.settings or {}) if row else {}

    def update_settings(self, actor: str, **values: Any) -> None:
        with self.write() as s:
            row = _project_row(s)
            row.settings = {**(row.settings or {}), **values}
            self._log(s, actor, EventKind.PROJECT_SETTINGS, keys=sorted(values))

    def update_project(self, actor: str, *, name: str, description: str) -> None:
        """Rename the project and set its description (a ``.qdpx`` import keeps both)."""
        with self.write() as s:
            row = _project_row(s)
            row.name, row.description = name, description
            self._log(s, actor, EventKind.PROJECT_UPDATE, name=name)
