"""Driving cases the way their people would: one place, used by tests, the demo, the simulation and benchmarks.

- `case_driver.CaseDriver`: one case in this process, through the application's use cases (a named user goes
  through app.domain.task_actions, the same permission and validation as the pages and the API; no user means
  the system, straight to the engine, which still validates the form), plus the injected clock and the timer
  sweep;
- `api_driver.ApiDriver`: the same steps over the JSON API, for a caller with an HTTP client.
"""
