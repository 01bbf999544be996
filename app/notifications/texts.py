"""Mail texts: each function returns (subject, body) in the recipient's language `lang` ("sv", the default,
or "en"), worded from the catalogues (app/i18n, keys `mail.*`).

Dates are the Swedish short form (2026-11-23) in both languages; amounts are Babel's SEK in the mail's
language; what a diagram or a user wrote (task titles, reasons) is quoted as is.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from app.core.roles import ROLE_TITLES
from app.i18n import Language, language, plural, translate
from app.i18n.formats import clock_time, eur, sek, short_date

__all__ = ["Language", "Text", "footer", "language", "once_per_language"]

Text = Callable[[Language], tuple[str, str]]  # a mail's (subject, body) in the given language


def footer(lang: Language = "sv") -> str:
    """What every mail ends with (after a blank line)."""
    return "\n\n" + translate("mail.footer", lang)


def once_per_language(text: Text) -> Text:
    """`text`, rendered at most once for each language (a mail to many recipients)."""
    done: dict[Language, tuple[str, str]] = {}

    def render(lang: Language) -> tuple[str, str]:
        if lang not in done:
            done[lang] = text(lang)
        return done[lang]
    return render


def local_time(moment: datetime | None, tz: ZoneInfo, lang: Language = "sv") -> str:
    if moment is None:
        return ""
    local = moment.astimezone(tz)
    day = short_date(local.date(), lang)
    if clock_time(local) == "00:00":
        return day
    return translate("mail.at_time", lang, date=day, time=clock_time(local))


def _mail(name: str, lang: Language, **values: Any) -> tuple[str, str]:
    """The subject and body of `mail.<name>`, the footer added to the body."""
    return (translate(f"mail.{name}.subject", lang, **values),
            translate(f"mail.{name}.body", lang, **values) + footer(lang))


def _role(role: str, lang: Language = "sv") -> str:
    return ROLE_TITLES.get(role, {}).get(lang, role).lower()


def _line(key: str, moment: datetime | None, tz: ZoneInfo, lang: Language) -> str:
    return "\n" + translate(key, lang, when=local_time(moment, tz, lang)) if moment else ""


def task_opened(reg: str, case_title: str, task_title: str, role: str, due: datetime | None,
                tz: ZoneInfo, lang: Language = "sv") -> tuple[str, str]:
    return _mail("task_opened", lang, reg=reg, case=case_title, task=task_title, role=_role(role, lang),
                 due_line=_line("mail.due_line", due, tz, lang))


def task_assigned(reg: str, case_title: str, task_title: str, due: datetime | None, tz: ZoneInfo,
                  lang: Language = "sv") -> tuple[str, str]:
    return _mail("task_assigned", lang, reg=reg, case=case_title, task=task_title,
                 due_line=_line("mail.due_line", due, tz, lang))


def reminder(reg: str, case_title: str, task_title: str, due: datetime, tz: ZoneInfo,
             lang: Language = "sv") -> tuple[str, str]:
    return _mail("reminder", lang, reg=reg, case=case_title, task=task_title, due=local_time(due, tz, lang),
                 due_line=_line("mail.due_line", due, tz, lang))


def escalation(reg: str, case_title: str, what: str, due: datetime | None, tz: ZoneInfo,
               lang: Language = "sv") -> tuple[str, str]:
    return _mail("escalation", lang, reg=reg, case=case_title, what=what,
                 time_line=_line("mail.time_line", due, tz, lang))


def decision(reg: str, case_title: str, title: str, text: str, lang: Language = "sv") -> tuple[str, str]:
    message = f"\n\n{text.strip()}" if text.strip() else ""
    return _mail("decision", lang, reg=reg, case=case_title, title=title, message=message)


def state_aid(reg: str, case_title: str, decided_on: str, amount_eur: object, amount_sek: int, rate: str,
              regulation: str, lang: Language = "sv") -> tuple[str, str]:
    """What the law wants the organisation told of de minimis aid granted: the amount and the regulation."""
    return _mail("state_aid", lang, reg=reg, case=case_title, date=decided_on, amount=eur(amount_eur, lang),
                 amount_sek=sek(amount_sek, lang), rate=rate,
                 regulation=translate(f"state_aid.regulation.{regulation}", lang))


# --------------------------------------------------------------- agreements (Stenungsund's cycle)
def _amount(value: object, lang: Language) -> str:
    return sek(int(str(value or 0)), lang)


def _ref(value: object) -> str:
    return f" ({value})" if value else ""


def agreement_decided(reg: str, case_title: str, period: Mapping[str, object], interval_title: str,
                      lang: Language = "sv") -> tuple[str, str]:
    """`interval_title` is the Swedish title of the period's payment interval (shown when the catalogue
    has no text for the interval)."""
    key = f"mail.interval.{period.get('interval')}"
    interval = translate(key, lang)
    return _mail("agreement_decided", lang, reg=reg, case=case_title, ref=_ref(period.get("decision_ref")),
                 start=period["start"], end=period["end"], amount=_amount(period.get("yearly_amount_sek"), lang),
                 interval=interval_title.lower() if interval == key else interval,
                 dialogue=period.get("renewal_dialogue_opens"))


def follow_up_missing(reg: str, case_title: str, year: int, due: str, gates: str,
                      lang: Language = "sv") -> tuple[str, str]:
    return _mail("follow_up_missing", lang, reg=reg, case=case_title, year=year, due=due, gates=gates)


def payment_held(reg: str, case_title: str, payments: list[tuple[str, int]],
                 lang: Language = "sv") -> tuple[str, str]:
    rows = "\n".join(f"  {due}: {_amount(amount, lang)}" for due, amount in payments)
    return (translate("mail.payment_held.subject", lang, reg=reg),
            plural("mail.payment_held.body", len(payments), lang, reg=reg, case=case_title, rows=rows)
            + footer(lang))


def renewal_opened(reg: str, case_title: str, end: str, deadline: str, lang: Language = "sv") -> tuple[str, str]:
    return _mail("renewal_opened", lang, reg=reg, case=case_title, end=end, deadline=deadline)


def renewal_declined(reg: str, case_title: str, by: str, end: str, lang: Language = "sv") -> tuple[str, str]:
    party = translate("mail.party.organisation" if by == "organisation" else "mail.party.municipality", lang)
    return _mail("renewal_declined", lang, reg=reg, case=case_title, party=party, end=end)


def renewal_decided(reg: str, case_title: str, renews: bool, values: dict[str, object], next_start: str,
                    end: str, lang: Language = "sv") -> tuple[str, str]:
    ref = _ref(values.get("renewal_minute_reference"))
    if not renews:
        return _mail("renewal_decided.ends", lang, reg=reg, case=case_title, ref=ref, end=end)
    years = values.get("renewal_years")
    count = int(str(years)) if str(years).isdigit() else 0
    return (translate("mail.renewal_decided.renews.subject", lang, start=next_start, reg=reg),
            plural("mail.renewal_decided.renews.body", count, lang, count=years, reg=reg, case=case_title, ref=ref,
                   start=next_start, amount=_amount(values.get("renewal_yearly_support_sek"), lang))
            + footer(lang))


def agreement_terminated(reg: str, case_title: str, claim: dict[str, object],
                         lang: Language = "sv") -> tuple[str, str]:
    amount = int(str(claim.get("amount_sek") or 0))
    if amount:
        lines = "\n".join(translate("mail.terminated.line", lang, due=line["due"],
                                    amount=_amount(line["amount_sek"], lang))
                          for line in claim.get("lines") or [])  # type: ignore[attr-defined]
        demand = translate("mail.terminated.claim", lang, amount=_amount(amount, lang), lines=lines)
    else:
        demand = translate("mail.terminated.no_claim", lang)
    return (translate("mail.terminated.subject", lang, date=claim["terminated_on"], reg=reg),
            translate("mail.terminated.body", lang, reg=reg, case=case_title, date=claim["terminated_on"],
                      reason=claim.get("reason"), demand=demand) + footer(lang))


def repayment_settled(reg: str, case_title: str, settled: int, lang: Language = "sv") -> tuple[str, str]:
    return _mail("repayment_settled", lang, reg=reg, case=case_title, amount=_amount(settled, lang))
