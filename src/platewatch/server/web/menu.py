"""What a page's menu offers its person, and the way on from an error page (pure rules)."""

from __future__ import annotations

from dataclasses import dataclass

from platewatch.domain.roles import TRAINED_PERMISSIONS, Permission, Role, allows


@dataclass(frozen=True, slots=True)
class PageUser:
    """The person a request came from, as its session said (kept for the error page, after the database is gone)."""

    username: str
    role: str
    must_change_password: bool


def offered(role: Role | None, must_change_password: bool, trained: bool = True) -> dict[str, bool]:
    """`can.<permission>` for the menu: nothing before a one-time password is changed (only the account answers),
    and none of the data's pages for someone with no current training (order V.D.2): they would refuse again."""
    open_to = None if role is None or must_change_password else role
    return {
        p.value: open_to is not None and allows(open_to, p) and (trained or p not in TRAINED_PERMISSIONS)
        for p in Permission
    }


MenuEntry = tuple[str, str, str]  # (permission, path, words)

# The menu, grouped by task: each group shows only the pages its person can open, and a group with none is left out,
# so an officer sees one short row and the administrator four groups that wrap onto a second row, never off screen.
MENU: tuple[tuple[str, tuple[MenuEntry, ...]], ...] = (
    (
        "Patrol",
        (
            ("search_reads", "/search", "Search"),
            ("search_reads", "/map", "Map"),
            ("search_reads", "/areas", "Areas"),
            ("view_alerts", "/alerts", "Alerts"),
            ("view_hotlists", "/hotlists", "Hot lists"),
        ),
    ),
    ("Cases", (("manage_holds", "/holds", "Legal holds"), ("manage_requests", "/requests", "Data requests"))),
    (
        "Oversight",
        (
            ("view_reports", "/reports", "Reports"),
            ("view_query_log", "/querylog", "Query log"),
            ("view_purge_log", "/purges", "Purge log"),
            ("manage_audits", "/audits", "Audits"),
            ("view_training", "/training", "Training"),
            ("assign_units", "/assignments", "Assignments"),
            ("publish_transparency", "/transparency", "Transparency"),
        ),
    ),
    (
        "Equipment",
        (
            ("view_units", "/units", "Units"),
            ("view_units", "/deployments", "Deployments"),
            ("view_units", "/notices", "Notices"),
            ("view_equipment", "/equipment", "Inventory"),
            ("report_damage", "/equipment/damage", "Report damage"),
        ),
    ),
    ("Admin", (("manage_users", "/people", "People"), ("manage_commands", "/commands", "Commands"))),
)


def menu_groups(can: dict[str, bool]) -> list[tuple[str, list[tuple[str, str]]]]:
    """(group, [(path, words)]) of the menu for `can` (from `offered`), groups with nothing offered left out."""
    groups = [(name, [(path, words) for perm, path, words in entries if can.get(perm)]) for name, entries in MENU]
    return [(name, links) for name, links in groups if links]


FIRST_PAGES = (
    ("search_reads", "/search", "Search"),
    ("view_alerts", "/alerts", "Alerts"),
    ("view_query_log", "/querylog", "Query log"),
    ("view_training", "/training", "Training"),
    ("view_units", "/units", "Units"),
)


def way_on(user: PageUser | None, can: dict[str, bool]) -> tuple[str, str]:
    """(path, words) of the page to go on to from an error: the first page the person can open, their account
    otherwise, the log-in page for nobody."""
    if user is None:
        return "/login", "Log in"
    return next(((path, words) for perm, path, words in FIRST_PAGES if can.get(perm)), ("/account", "Your account"))
