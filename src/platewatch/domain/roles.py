"""Roles of the LPR program and what each may do: the single table every route's permission uses."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """The people who use the system (general order V.B, V.E)."""

    ADMINISTRATOR = "administrator"  # the LPR Program Administrator (V.B.1)
    SUPERVISOR = "supervisor"
    OFFICER = "officer"
    INVESTIGATOR = "investigator"
    AUDITOR = "auditor"
    EQUIPMENT = "equipment"  # designated equipment / Town IT personnel (V.A.3-5)


class Permission(StrEnum):
    """Things a route can require. A route names exactly one."""

    SEARCH_READS = "search_reads"  # search, view reads and images (IV.B.1, V.D.2)
    EXPORT_READS = "export_reads"
    VIEW_QUERY_LOG = "view_query_log"  # V.D.8-10
    VERIFY_QUERY_LOG = "verify_query_log"
    MANAGE_USERS = "manage_users"  # V.B.1e
    MANAGE_UNITS = "manage_units"  # V.A.2-3
    VIEW_OWN_ACCOUNT = "view_own_account"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMINISTRATOR: frozenset(Permission),
    Role.SUPERVISOR: frozenset({Permission.SEARCH_READS, Permission.EXPORT_READS, Permission.VIEW_OWN_ACCOUNT}),
    Role.INVESTIGATOR: frozenset({Permission.SEARCH_READS, Permission.EXPORT_READS, Permission.VIEW_OWN_ACCOUNT}),
    Role.OFFICER: frozenset({Permission.SEARCH_READS, Permission.VIEW_OWN_ACCOUNT}),
    Role.AUDITOR: frozenset({Permission.VIEW_QUERY_LOG, Permission.VERIFY_QUERY_LOG, Permission.VIEW_OWN_ACCOUNT}),
    Role.EQUIPMENT: frozenset({Permission.MANAGE_UNITS, Permission.VIEW_OWN_ACCOUNT}),
}

# Roles whose members can see read data or the query log must use a second factor (CJIS v6 IA-2).
DATA_PERMISSIONS = frozenset({Permission.SEARCH_READS, Permission.EXPORT_READS, Permission.VIEW_QUERY_LOG})


def allows(role: Role, permission: Permission) -> bool:
    """True when `role` holds `permission`."""
    return permission in ROLE_PERMISSIONS[role]


def requires_mfa(role: Role) -> bool:
    """True when the role can see read data (or the log of it) and therefore needs TOTP."""
    return bool(ROLE_PERMISSIONS[role] & DATA_PERMISSIONS)
