"""Imports every ORM module so that `Base.metadata` is complete (Alembic and tests use this)."""

from platewatch.server.accounts import models as accounts_models
from platewatch.server.alerts import models as alerts_models
from platewatch.server.areas import models as areas_models
from platewatch.server.audits import models as audits_models
from platewatch.server.data_requests import models as data_requests_models
from platewatch.server.db.base import Base
from platewatch.server.deployments import models as deployments_models
from platewatch.server.equipment import models as equipment_models
from platewatch.server.governance import models as governance_models
from platewatch.server.hotlists import models as hotlists_models
from platewatch.server.leas import models as leas_models
from platewatch.server.notices import models as notices_models
from platewatch.server.querylog import models as querylog_models
from platewatch.server.reads import models as reads_models
from platewatch.server.supervision import models as supervision_models
from platewatch.server.training import models as training_models
from platewatch.server.unit_shifts import models as unit_shifts_models
from platewatch.server.unit_status import models as unit_status_models

__all__ = [
    "Base",
    "accounts_models",
    "alerts_models",
    "areas_models",
    "audits_models",
    "data_requests_models",
    "deployments_models",
    "equipment_models",
    "governance_models",
    "hotlists_models",
    "leas_models",
    "notices_models",
    "querylog_models",
    "reads_models",
    "supervision_models",
    "training_models",
    "unit_shifts_models",
    "unit_status_models",
]
