"""Demo data: one loader (loader.py) and one data module per municipality (falun.py, stenungsund.py).

The cases are made through app.driving.case_driver, the way their people would; see docs/architecture.md,
"Adding a municipality's demo data".
"""

from app.demo.loader import MUNICIPALITIES, load_demo
from app.demo.people import DEMO_LOGIN, DEMO_PASSWORD

__all__ = ["DEMO_LOGIN", "DEMO_PASSWORD", "MUNICIPALITIES", "load_demo"]
