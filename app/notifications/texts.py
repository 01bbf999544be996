"""Mail texts in plain Swedish. Each function returns (subject, body)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from app.domain.roles import ROLE_TITLES

FOOTER = "\n\nLogga in i IOP-tjänsten för att se ärendet.\n\nDetta meddelande skickades automatiskt. Svara inte på det."


def local_time(moment: datetime | None, tz: ZoneInfo) -> str:
    if moment is None:
        return ""
    local = moment.astimezone(tz)
    return local.strftime("%Y-%m-%d") if local.strftime("%H:%M") == "00:00" else local.strftime("%Y-%m-%d kl. %H:%M")


def _role(role: str) -> str:
    return ROLE_TITLES.get(role, {}).get("sv", role).lower()


def _due_line(due: datetime | None, tz: ZoneInfo) -> str:
    return f"\nSista dag: {local_time(due, tz)}" if due else ""


def task_opened(reg: str, case_title: str, task_title: str, role: str, due: datetime | None,
                tz: ZoneInfo) -> tuple[str, str]:
    subject = f"Ny uppgift: {task_title} ({reg})"
    body = (f"Hej!\n\nEn ny uppgift väntar på dig som {_role(role)} i ärende {reg}, {case_title}:\n\n"
            f"  {task_title}{_due_line(due, tz)}\n\nVem som helst med rollen kan ta uppgiften.{FOOTER}")
    return subject, body


def task_assigned(reg: str, case_title: str, task_title: str, due: datetime | None, tz: ZoneInfo) -> tuple[str, str]:
    subject = f"Uppgiften är din: {task_title} ({reg})"
    body = (f"Hej!\n\nUppgiften nedan i ärende {reg}, {case_title}, är nu tilldelad dig:\n\n"
            f"  {task_title}{_due_line(due, tz)}{FOOTER}")
    return subject, body


def reminder(reg: str, case_title: str, task_title: str, due: datetime, tz: ZoneInfo) -> tuple[str, str]:
    subject = f"Påminnelse: {task_title} ska vara klar senast {local_time(due, tz)} ({reg})"
    body = (f"Hej!\n\nEn uppgift i ärende {reg}, {case_title}, närmar sig sista dagen:\n\n"
            f"  {task_title}{_due_line(due, tz)}\n\nGör klart uppgiften i tid, eller be en kollega ta över.{FOOTER}")
    return subject, body


def escalation(reg: str, case_title: str, what: str, due: datetime | None, tz: ZoneInfo) -> tuple[str, str]:
    subject = f"Eskalering: {what} ({reg})"
    when = f"\nTidpunkt: {local_time(due, tz)}" if due else ""
    body = (f"Hej!\n\nÄrende {reg}, {case_title}, behöver uppmärksamhet:\n\n  {what}{when}\n\n"
            f"En tidsgräns har passerats eller ärendet har eskalerats. Se till att någon tar hand om det.{FOOTER}")
    return subject, body


def decision(reg: str, case_title: str, title: str, text: str) -> tuple[str, str]:
    subject = f"Besked i ärende {reg}: {title}"
    message = f"\n\n{text.strip()}" if text.strip() else ""
    body = (f"Hej!\n\nKommunen har lämnat ett besked i ert ärende {reg}, {case_title}:\n\n  {title}{message}"
            f"{FOOTER}")
    return subject, body


# --------------------------------------------------------------- agreements (Stenungsund's cycle)
def _kr(amount: object) -> str:
    return f"{int(str(amount or 0)):,} kr".replace(",", " ")


def agreement_decided(reg: str, case_title: str, period: dict[str, object], interval_title: str) -> tuple[str, str]:
    subject = f"Beslut: kommunen ingår överenskommelsen ({reg})"
    ref = f" ({period.get('decision_ref')})" if period.get("decision_ref") else ""
    body = (f"Hej!\n\nKommunstyrelsen har beslutat{ref} att ingå idéburet offentligt partnerskap i ärende {reg}, "
            f"{case_title}.\n\n  Avtalsperiod: {period['start']} – {period['end']}\n"
            f"  Stöd: {_kr(period.get('yearly_amount_sek'))} per år ({interval_title.lower()})\n"
            f"  Förnyelsedialogen börjar senast {period.get('renewal_dialogue_opens')}.{FOOTER}")
    return subject, body


def follow_up_missing(reg: str, case_title: str, year: int, due: str, gates: str) -> tuple[str, str]:
    subject = f"Påminnelse: redogörelsen för avtalsår {year} ska lämnas senast {due} ({reg})"
    body = (f"Hej!\n\nRedogörelsen för avtalsår {year} i ärende {reg}, {case_title}, ska lämnas senast {due} "
            f"och har ännu inte kommit in.\n\nUtan godkänd uppföljning hålls nästa utbetalning ({gates}) inne. "
            f"Lämna redogörelsen (resultat- och balansräkning, verksamhetsbeskrivning och statistik) "
            f"så snart som möjligt.{FOOTER}")
    return subject, body


def payment_held(reg: str, case_title: str, payments: list[tuple[str, int]]) -> tuple[str, str]:
    subject = f"Utbetalning innehållen: uppföljningen är inte godkänd ({reg})"
    lines = "\n".join(f"  {due}: {_kr(amount)}" for due, amount in payments)
    body = (f"Hej!\n\nFöljande utbetalning i ärende {reg}, {case_title}, hålls inne eftersom årets uppföljning inte "
            f"är godkänd:\n\n{lines}\n\nUtbetalningen görs när redogörelsen har lämnats och godkänts.{FOOTER}")
    return subject, body


def renewal_opened(reg: str, case_title: str, end: str, deadline: str) -> tuple[str, str]:
    subject = f"Dags för dialog om förnyelse: överenskommelsen löper ut {end} ({reg})"
    body = (f"Hej!\n\nÖverenskommelsen i ärende {reg}, {case_title}, löper ut {end}. Nu börjar dialogen om en ny "
            f"och reviderad överenskommelse; kommunstyrelsen ska ha beslutat senast {deadline}.\n\n"
            f"Kommunens handläggare kontaktar er för ett dialogmöte.{FOOTER}")
    return subject, body


def renewal_declined(reg: str, case_title: str, by: str, end: str) -> tuple[str, str]:
    who = "Organisationen" if by == "organisation" else "Kommunen"
    subject = f"Besked: överenskommelsen förnyas inte ({reg})"
    body = (f"Hej!\n\n{who} har i förnyelsedialogen avstått från en ny avtalsperiod i ärende {reg}, {case_title}.\n\n"
            f"Överenskommelsen gäller till och med {end} och upphör sedan.{FOOTER}")
    return subject, body


def renewal_decided(reg: str, case_title: str, renews: bool, values: dict[str, object], next_start: str,
                    end: str) -> tuple[str, str]:
    ref = f" ({values.get('renewal_minute_reference')})" if values.get("renewal_minute_reference") else ""
    if renews:
        subject = f"Beslut: överenskommelsen förnyas från {next_start} ({reg})"
        body = (f"Hej!\n\nKommunstyrelsen har beslutat{ref} om en ny avtalsperiod i ärende {reg}, {case_title}.\n\n"
                f"  Ny period från: {next_start}, {values.get('renewal_years')} år\n"
                f"  Stöd: {_kr(values.get('renewal_yearly_support_sek'))} per år{FOOTER}")
    else:
        subject = f"Beslut: överenskommelsen förnyas inte ({reg})"
        body = (f"Hej!\n\nKommunstyrelsen har beslutat{ref} att inte förnya överenskommelsen i ärende {reg}, "
                f"{case_title}. Den gäller till och med {end}.{FOOTER}")
    return subject, body


def agreement_terminated(reg: str, case_title: str, claim: dict[str, object]) -> tuple[str, str]:
    amount = int(str(claim.get("amount_sek") or 0))
    subject = f"Beslut: överenskommelsen avslutas i förtid {claim['terminated_on']} ({reg})"
    if amount:
        lines = "\n".join(f"  utbetalning {line['due']}: {_kr(line['amount_sek'])}"
                          for line in claim.get("lines") or [])  # type: ignore[attr-defined]
        demand = (f"Återbetalningskrav: {_kr(amount)}\n{lines}\n\nBeloppet följs upp tills det är reglerat.")
    else:
        demand = "Inget belopp ska betalas tillbaka."
    body = (f"Hej!\n\nÖverenskommelsen i ärende {reg}, {case_title}, avslutas i förtid från och med "
            f"{claim['terminated_on']}.\n\nSkäl: {claim.get('reason')}\n\nUtbetalningar som inte har gjorts ställs in. "
            f"{demand}{FOOTER}")
    return subject, body


def repayment_settled(reg: str, case_title: str, settled: int) -> tuple[str, str]:
    subject = f"Återbetalningen är reglerad ({reg})"
    body = (f"Hej!\n\nKommunen har tagit emot {_kr(settled)} och återbetalningskravet i ärende {reg}, {case_title}, "
            f"är därmed reglerat.{FOOTER}")
    return subject, body
