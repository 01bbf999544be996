"""The application rules: accounts, permissions, task actions, agreements, drafts, case migrations."""
