"""Server-rendered web pages (Jinja2, no front-end build): login, search, read detail, query log."""
