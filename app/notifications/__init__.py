"""E-mail to the people concerned: an outbox written with the change, delivered after commit.

* outbox.py: the Outbox (queue in the caller's transaction, deliver after commit, retry in the sweep)
* transport.py: SMTP from IOP_SMTP_URL, or log only
* recipients.py: who holds a role where a case lives; the organisation's addresses
* notices.py: the moments that send mail (task opened, assigned, escalation, decision, reminder)
* listeners.py: which event sends which mail (registered by build_services)
* agreements.py, incidents.py: the agreement notices; the administrators' mail when a case stops
* texts.py: the texts, in Swedish and in English (each recipient's preferred language)
"""
