"""IOP agreements: payment plans, follow-ups, renewal dates and repayment claims (pure rules).

Everything here works on plain dates, ints and JSON-shaped dicts typed as records (records.py) so that
the workflow's service tasks, the projection tables, the simulation and the tests share one
implementation.
"""
