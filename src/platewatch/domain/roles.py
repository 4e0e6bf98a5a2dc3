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
    DISPATCHER = "dispatcher"  # confirms hits through COLLECT/NCIC (V.E.6-7, V.F.3)


class Permission(StrEnum):
    """Things a route can require. A route names exactly one."""

    SEARCH_READS = "search_reads"  # search, view reads and images (IV.B.1, V.D.2)
    EXPORT_READS = "export_reads"
    VIEW_QUERY_LOG = "view_query_log"  # V.D.8-10
    VERIFY_QUERY_LOG = "verify_query_log"
    MANAGE_USERS = "manage_users"  # V.B.1e
    MANAGE_UNITS = "manage_units"  # V.A.2-3
    APPROVE_DEPLOYMENTS = "approve_deployments"  # where and when a unit may be used: the Program Administrator (V.A.2)
    VIEW_OWN_ACCOUNT = "view_own_account"
    VIEW_HOTLISTS = "view_hotlists"
    MANAGE_HOTLISTS = "manage_hotlists"  # create lists, import files (V.B.1b, V.C.1)
    ADD_MANUAL_ENTRIES = "add_manual_entries"  # manual entries with a purpose (V.E.9b-c)
    VIEW_ALERTS = "view_alerts"
    DECIDE_ALERTS = "decide_alerts"  # accept / reject (V.E.5)
    VERIFY_ALERTS = "verify_alerts"  # COLLECT/NCIC confirmation (V.F.3)
    DISPOSE_ALERTS = "dispose_alerts"  # outcome and LEAS incident number (V.E.2f)
    VIEW_COVERT = "view_covert"  # hits on covert lists reach the back office only
    MANAGE_HOLDS = "manage_holds"  # place and view legal holds (V.D.4)
    RELEASE_HOLDS = "release_holds"  # end a hold: the Program Administrator, custodian of the data (V.B.1)
    VIEW_PURGE_LOG = "view_purge_log"  # what each purge deleted and kept (V.B.1c, audits)
    VIEW_REPORTS = "view_reports"  # metrics reports on reads and alarms, counts only (IV.B.3)
    REPORT_DAMAGE = "report_damage"  # damage to LPR equipment, reported at once (V.A.7)
    MANAGE_TRAINING = "manage_training"  # document completed LPR courses (V.B.1f-g, V.E.2c-d)
    VIEW_TRAINING = "view_training"  # who is trained, whose training is due (audits)
    MANAGE_AUDITS = "manage_audits"  # random audits of data use, documented (V.D.10)
    VIEW_UNITS = "view_units"  # each unit's contact, hot list and shift (V.E.2g-h, V.F.2)
    MANAGE_REQUESTS = "manage_requests"  # record requests for data, their release or closing (V.D.7-8)
    REVIEW_REQUESTS = "review_requests"  # approve or deny them: the Program Administrator or a designee (V.D.7)
    PUBLISH_TRANSPARENCY = "publish_transparency"  # the public transparency report: the Program Administrator only
    MANAGE_AREAS = "manage_areas"  # save and retire named search areas (IV.B.4)
    ASSIGN_UNITS = "assign_units"  # assign trained officers to units for a shift, override a refused log-on (V.E.2a)
    MANAGE_COMMANDS = "manage_commands"  # group units and people into supervisors' commands (V.E.2g)
    VIEW_EQUIPMENT = "view_equipment"  # the inventory and what is due, read-only (V.A.3-6, V.E.2b)


_P = Permission
_OWN = {_P.VIEW_OWN_ACCOUNT}
_ALERT_WORK = {_P.VIEW_HOTLISTS, _P.VIEW_ALERTS, _P.DECIDE_ALERTS, _P.DISPOSE_ALERTS, _P.REPORT_DAMAGE}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMINISTRATOR: frozenset(Permission),
    Role.SUPERVISOR: frozenset(
        {
            _P.SEARCH_READS,
            _P.EXPORT_READS,
            _P.ADD_MANUAL_ENTRIES,
            _P.VERIFY_ALERTS,
            _P.VIEW_COVERT,
            _P.MANAGE_HOLDS,
            _P.MANAGE_AREAS,
            _P.VIEW_REPORTS,
            _P.MANAGE_TRAINING,
            _P.VIEW_TRAINING,
            _P.VIEW_UNITS,
            _P.MANAGE_REQUESTS,
            _P.REVIEW_REQUESTS,  # the Program Administrator's designees (ADR 0013)
            _P.ASSIGN_UNITS,  # V.E.2a (ADR 0017)
            _P.VIEW_EQUIPMENT,  # V.E.2b: deployed and maintained
            _P.VIEW_QUERY_LOG,  # V.E.2e: of the people in their command (ADR 0017)
            _P.VIEW_PURGE_LOG,  # V.E.2e: counts only
            *_ALERT_WORK,
            *_OWN,
        }
    ),
    Role.INVESTIGATOR: frozenset(
        {
            _P.SEARCH_READS,
            _P.EXPORT_READS,
            _P.ADD_MANUAL_ENTRIES,
            _P.VIEW_HOTLISTS,
            _P.VIEW_ALERTS,
            _P.VIEW_COVERT,
            _P.MANAGE_HOLDS,
            _P.MANAGE_AREAS,
            _P.MANAGE_REQUESTS,
            *_OWN,
        }
    ),
    Role.OFFICER: frozenset({_P.SEARCH_READS, *_ALERT_WORK, *_OWN}),
    Role.DISPATCHER: frozenset({_P.VIEW_HOTLISTS, _P.VIEW_ALERTS, _P.VERIFY_ALERTS, *_OWN}),
    Role.AUDITOR: frozenset(
        {
            _P.VIEW_QUERY_LOG,
            _P.VERIFY_QUERY_LOG,
            _P.VIEW_PURGE_LOG,
            _P.VIEW_REPORTS,
            _P.VIEW_TRAINING,
            _P.MANAGE_AUDITS,
            *_OWN,
        }
    ),
    Role.EQUIPMENT: frozenset({_P.MANAGE_UNITS, _P.VIEW_EQUIPMENT, _P.REPORT_DAMAGE, _P.VIEW_UNITS, *_OWN}),
}

# Roles whose members can see read data or the query log must use a second factor (CJIS v6 IA-2).
DATA_PERMISSIONS = frozenset(
    {Permission.SEARCH_READS, Permission.EXPORT_READS, Permission.VIEW_QUERY_LOG, Permission.VIEW_ALERTS}
)


# Only trained personnel may reach LPR data (order V.D.2, V.E.2d): routes needing one of these also need a current
# training record (`server/training`).
TRAINED_PERMISSIONS = DATA_PERMISSIONS | {
    Permission.DECIDE_ALERTS,
    Permission.VERIFY_ALERTS,
    Permission.DISPOSE_ALERTS,
    Permission.MANAGE_HOLDS,
    Permission.ADD_MANUAL_ENTRIES,
    Permission.MANAGE_AUDITS,
}


def allows(role: Role, permission: Permission) -> bool:
    """True when `role` holds `permission`."""
    return permission in ROLE_PERMISSIONS[role]


def requires_mfa(role: Role) -> bool:
    """True when the role can see read data (or the log of it) and therefore needs TOTP."""
    return bool(ROLE_PERMISSIONS[role] & DATA_PERMISSIONS)
