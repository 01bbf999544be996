"""Server-rendered pages, one blueprint per audience (auth, tasks, portal, cases, admin)."""
