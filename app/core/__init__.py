"""The small core every layer may use: clock, calendar, roles, errors."""
