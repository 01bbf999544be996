"""Jobs: work the scheduler runs (app/scheduler.py), above the engine, the notifications and the domain.

* timer_sweep.py: fire the due timers of all cases, then reminders and mail retries
* reminders.py: due-date reminders for open tasks
"""
