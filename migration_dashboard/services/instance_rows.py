"""What the status tables of moving instances (evacuation, drain) know of
each instance besides their own columns: where it is now and its newest
migration record."""
import dataclasses


@dataclasses.dataclass
class Row:
    """One instance of such a table; each table adds its own fields."""
    id: str
    name: str = ""
    reason: str = ""
    status: str = None  # the instance's status now
    task_state: str = None
    host: str = None  # the instance's host now
    migration_id: object = None
    migration_status: str = None
    migration_dest: str = None
    created_at: str = None
