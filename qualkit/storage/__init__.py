"""Project storage: SQLAlchemy 2 models, Alembic migrations and repository functions.

SQLAlchemy is imported only inside this package; callers get domain objects from
:class:`Store`.
"""

from qualkit.storage.db import MigrationNeeded, head_revision, to_url
from qualkit.storage.store import CONSENSUS_CODER, Store, UnitOfWork

__all__ = ["CONSENSUS_CODER", "MigrationNeeded", "Store", "UnitOfWork", "head_revision", "to_url"]
