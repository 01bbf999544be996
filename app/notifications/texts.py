"""Mail texts in plain Swedish, and in English for recipients who chose English.

Each function returns (subject, body) in the language `lang` ("sv", the default, or "en").
Dates stay ISO in both languages; what a diagram or a user wrote (task titles, reasons) is quoted as is.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

from app.core.roles import ROLE_TITLES

Language = Literal["sv", "en"]
Text = Callable[[Language], tuple[str, str]]  # a mail's (subject, body) in the given language

FOOTER = "\n\nLogga in i IOP-tjänsten för att se ärendet.\n\nDetta meddelande skickades automatiskt. Svara inte på det."
FOOTER_EN = ("\n\nLog in to the IOP service to see the case.\n\n"
             "This message was sent automatically. Please do not reply to it.")

INTERVAL_TITLES_EN: dict[str, str] = {
    "yearly": "once a year", "half_yearly": "twice a year", "quarterly": "once a quarter",
    "lump_sum": "a lump sum at the start of the agreement",
}


def language(value: str | None) -> Language:
    """A user's preferred language as a mail language: English if they chose it, else Swedish."""
    return "en" if (value or "").strip().lower() == "en" else "sv"


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
    at = "at" if lang == "en" else "kl."
    return local.strftime("%Y-%m-%d") if local.strftime("%H:%M") == "00:00" else local.strftime(f"%Y-%m-%d {at} %H:%M")


def _role(role: str, lang: Language = "sv") -> str:
    return ROLE_TITLES.get(role, {}).get(lang, role).lower()


def _due_line(due: datetime | None, tz: ZoneInfo, lang: Language = "sv") -> str:
    if lang == "en":
        return f"\nDue: {local_time(due, tz, lang)}" if due else ""
    return f"\nSista dag: {local_time(due, tz)}" if due else ""


def task_opened(reg: str, case_title: str, task_title: str, role: str, due: datetime | None,
                tz: ZoneInfo, lang: Language = "sv") -> tuple[str, str]:
    if lang == "en":
        return (f"New task: {task_title} ({reg})",
                f"Hello,\n\nA new task is waiting for you as {_role(role, lang)} in case {reg}, {case_title}:\n\n"
                f"  {task_title}{_due_line(due, tz, lang)}\n\nAnyone with the role can take the task.{FOOTER_EN}")
    subject = f"Ny uppgift: {task_title} ({reg})"
    body = (f"Hej!\n\nEn ny uppgift väntar på dig som {_role(role)} i ärende {reg}, {case_title}:\n\n"
            f"  {task_title}{_due_line(due, tz)}\n\nVem som helst med rollen kan ta uppgiften.{FOOTER}")
    return subject, body


def task_assigned(reg: str, case_title: str, task_title: str, due: datetime | None, tz: ZoneInfo,
                  lang: Language = "sv") -> tuple[str, str]:
    if lang == "en":
        return (f"The task is yours: {task_title} ({reg})",
                f"Hello,\n\nThe task below in case {reg}, {case_title}, is now assigned to you:\n\n"
                f"  {task_title}{_due_line(due, tz, lang)}{FOOTER_EN}")
    subject = f"Uppgiften är din: {task_title} ({reg})"
    body = (f"Hej!\n\nUppgiften nedan i ärende {reg}, {case_title}, är nu tilldelad dig:\n\n"
            f"  {task_title}{_due_line(due, tz)}{FOOTER}")
    return subject, body


def reminder(reg: str, case_title: str, task_title: str, due: datetime, tz: ZoneInfo,
             lang: Language = "sv") -> tuple[str, str]:
    if lang == "en":
        return (f"Reminder: {task_title} is due by {local_time(due, tz, lang)} ({reg})",
                f"Hello,\n\nA task in case {reg}, {case_title}, is nearing its due date:\n\n"
                f"  {task_title}{_due_line(due, tz, lang)}\n\nPlease finish the task in time, or ask a colleague "
                f"to take it over.{FOOTER_EN}")
    subject = f"Påminnelse: {task_title} ska vara klar senast {local_time(due, tz)} ({reg})"
    body = (f"Hej!\n\nEn uppgift i ärende {reg}, {case_title}, närmar sig sista dagen:\n\n"
            f"  {task_title}{_due_line(due, tz)}\n\nGör klart uppgiften i tid, eller be en kollega ta över.{FOOTER}")
    return subject, body


def escalation(reg: str, case_title: str, what: str, due: datetime | None, tz: ZoneInfo,
               lang: Language = "sv") -> tuple[str, str]:
    if lang == "en":
        at = f"\nTime: {local_time(due, tz, lang)}" if due else ""
        return (f"Escalation: {what} ({reg})",
                f"Hello,\n\nCase {reg}, {case_title}, needs attention:\n\n  {what}{at}\n\n"
                f"A deadline has passed or the case has been escalated. Please make sure someone deals with it."
                f"{FOOTER_EN}")
    subject = f"Eskalering: {what} ({reg})"
    when = f"\nTidpunkt: {local_time(due, tz)}" if due else ""
    body = (f"Hej!\n\nÄrende {reg}, {case_title}, behöver uppmärksamhet:\n\n  {what}{when}\n\n"
            f"En tidsgräns har passerats eller ärendet har eskalerats. Se till att någon tar hand om det.{FOOTER}")
    return subject, body


def decision(reg: str, case_title: str, title: str, text: str, lang: Language = "sv") -> tuple[str, str]:
    if lang == "en":
        said = f"\n\n{text.strip()}" if text.strip() else ""
        return (f"Decision in case {reg}: {title}",
                f"Hello,\n\nThe municipality has given a decision in your case {reg}, {case_title}:\n\n  {title}{said}"
                f"{FOOTER_EN}")
    subject = f"Besked i ärende {reg}: {title}"
    message = f"\n\n{text.strip()}" if text.strip() else ""
    body = (f"Hej!\n\nKommunen har lämnat ett besked i ert ärende {reg}, {case_title}:\n\n  {title}{message}"
            f"{FOOTER}")
    return subject, body


# --------------------------------------------------------------- agreements (Stenungsund's cycle)
def _kr(amount: object) -> str:
    return f"{int(str(amount or 0)):,} kr".replace(",", " ")


def _sek(amount: object) -> str:
    return f"{int(str(amount or 0)):,} SEK"


def agreement_decided(reg: str, case_title: str, period: dict[str, object], interval_title: str,
                      lang: Language = "sv") -> tuple[str, str]:
    """`interval_title` is the Swedish title of the period's payment interval."""
    if lang == "en":
        by = f" ({period.get('decision_ref')})" if period.get("decision_ref") else ""
        interval = INTERVAL_TITLES_EN.get(str(period.get("interval")), interval_title.lower())
        return (f"Decision: the municipality enters into the agreement ({reg})",
                f"Hello,\n\nThe municipal executive board has decided{by} to enter into an idea-based public "
                f"partnership (IOP) in case {reg}, {case_title}.\n\n"
                f"  Agreement period: {period['start']} – {period['end']}\n"
                f"  Support: {_sek(period.get('yearly_amount_sek'))} per year ({interval})\n"
                f"  The renewal dialogue begins no later than {period.get('renewal_dialogue_opens')}.{FOOTER_EN}")
    subject = f"Beslut: kommunen ingår överenskommelsen ({reg})"
    ref = f" ({period.get('decision_ref')})" if period.get("decision_ref") else ""
    body = (f"Hej!\n\nKommunstyrelsen har beslutat{ref} att ingå idéburet offentligt partnerskap i ärende {reg}, "
            f"{case_title}.\n\n  Avtalsperiod: {period['start']} – {period['end']}\n"
            f"  Stöd: {_kr(period.get('yearly_amount_sek'))} per år ({interval_title.lower()})\n"
            f"  Förnyelsedialogen börjar senast {period.get('renewal_dialogue_opens')}.{FOOTER}")
    return subject, body


def follow_up_missing(reg: str, case_title: str, year: int, due: str, gates: str,
                      lang: Language = "sv") -> tuple[str, str]:
    if lang == "en":
        return (f"Reminder: the report for agreement year {year} is due by {due} ({reg})",
                f"Hello,\n\nThe report for agreement year {year} in case {reg}, {case_title}, is due by {due} "
                f"and has not been received yet.\n\nWithout an approved follow-up, the next payment ({gates}) is "
                f"withheld. Please submit the report (income statement and balance sheet, description of the "
                f"activities and statistics) as soon as possible.{FOOTER_EN}")
    subject = f"Påminnelse: redogörelsen för avtalsår {year} ska lämnas senast {due} ({reg})"
    body = (f"Hej!\n\nRedogörelsen för avtalsår {year} i ärende {reg}, {case_title}, ska lämnas senast {due} "
            f"och har ännu inte kommit in.\n\nUtan godkänd uppföljning hålls nästa utbetalning ({gates}) inne. "
            f"Lämna redogörelsen (resultat- och balansräkning, verksamhetsbeskrivning och statistik) "
            f"så snart som möjligt.{FOOTER}")
    return subject, body


def payment_held(reg: str, case_title: str, payments: list[tuple[str, int]],
                 lang: Language = "sv") -> tuple[str, str]:
    if lang == "en":
        rows = "\n".join(f"  {due}: {_sek(amount)}" for due, amount in payments)
        what, it, be = ("payments", "They", "are") if len(payments) > 1 else ("payment", "It", "is")
        return (f"Payment withheld: the follow-up has not been approved ({reg})",
                f"Hello,\n\nThe following {what} in case {reg}, {case_title}, {be} withheld because this year's "
                f"follow-up has not been approved:\n\n{rows}\n\n{it} will be paid once the report has been "
                f"submitted and approved.{FOOTER_EN}")
    subject = f"Utbetalning innehållen: uppföljningen är inte godkänd ({reg})"
    lines = "\n".join(f"  {due}: {_kr(amount)}" for due, amount in payments)
    body = (f"Hej!\n\nFöljande utbetalning i ärende {reg}, {case_title}, hålls inne eftersom årets uppföljning inte "
            f"är godkänd:\n\n{lines}\n\nUtbetalningen görs när redogörelsen har lämnats och godkänts.{FOOTER}")
    return subject, body


def renewal_opened(reg: str, case_title: str, end: str, deadline: str, lang: Language = "sv") -> tuple[str, str]:
    if lang == "en":
        return (f"Time for the renewal dialogue: the agreement expires on {end} ({reg})",
                f"Hello,\n\nThe agreement in case {reg}, {case_title}, expires on {end}. The dialogue about a new, "
                f"revised agreement begins now; the municipal executive board is to decide no later than "
                f"{deadline}.\n\nThe municipality's case officer will contact you about a dialogue meeting."
                f"{FOOTER_EN}")
    subject = f"Dags för dialog om förnyelse: överenskommelsen löper ut {end} ({reg})"
    body = (f"Hej!\n\nÖverenskommelsen i ärende {reg}, {case_title}, löper ut {end}. Nu börjar dialogen om en ny "
            f"och reviderad överenskommelse; kommunstyrelsen ska ha beslutat senast {deadline}.\n\n"
            f"Kommunens handläggare kontaktar er för ett dialogmöte.{FOOTER}")
    return subject, body


def renewal_declined(reg: str, case_title: str, by: str, end: str, lang: Language = "sv") -> tuple[str, str]:
    if lang == "en":
        party = "The organisation" if by == "organisation" else "The municipality"
        return (f"Notice: the agreement will not be renewed ({reg})",
                f"Hello,\n\n{party} has declined a new agreement period in the renewal dialogue in case {reg}, "
                f"{case_title}.\n\nThe agreement remains in force up to and including {end} and then ends."
                f"{FOOTER_EN}")
    who = "Organisationen" if by == "organisation" else "Kommunen"
    subject = f"Besked: överenskommelsen förnyas inte ({reg})"
    body = (f"Hej!\n\n{who} har i förnyelsedialogen avstått från en ny avtalsperiod i ärende {reg}, {case_title}.\n\n"
            f"Överenskommelsen gäller till och med {end} och upphör sedan.{FOOTER}")
    return subject, body


def renewal_decided(reg: str, case_title: str, renews: bool, values: dict[str, object], next_start: str,
                    end: str, lang: Language = "sv") -> tuple[str, str]:
    if lang == "en":
        return _renewal_decided_en(reg, case_title, renews, values, next_start, end)
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


def _renewal_decided_en(reg: str, case_title: str, renews: bool, values: dict[str, object], next_start: str,
                        end: str) -> tuple[str, str]:
    by = f" ({values.get('renewal_minute_reference')})" if values.get("renewal_minute_reference") else ""
    if not renews:
        return (f"Decision: the agreement will not be renewed ({reg})",
                f"Hello,\n\nThe municipal executive board has decided{by} not to renew the agreement in case {reg}, "
                f"{case_title}. It remains in force up to and including {end}.{FOOTER_EN}")
    years = values.get("renewal_years")
    return (f"Decision: the agreement is renewed from {next_start} ({reg})",
            f"Hello,\n\nThe municipal executive board has decided{by} on a new agreement period in case {reg}, "
            f"{case_title}.\n\n  New period from: {next_start}, {years} {'year' if str(years) == '1' else 'years'}\n"
            f"  Support: {_sek(values.get('renewal_yearly_support_sek'))} per year{FOOTER_EN}")


def agreement_terminated(reg: str, case_title: str, claim: dict[str, object],
                         lang: Language = "sv") -> tuple[str, str]:
    if lang == "en":
        return _agreement_terminated_en(reg, case_title, claim)
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


def _agreement_terminated_en(reg: str, case_title: str, claim: dict[str, object]) -> tuple[str, str]:
    amount = int(str(claim.get("amount_sek") or 0))
    if amount:
        rows = "\n".join(f"  payment {line['due']}: {_sek(line['amount_sek'])}"
                         for line in claim.get("lines") or [])  # type: ignore[attr-defined]
        demand = f"Repayment claim: {_sek(amount)}\n{rows}\n\nThe amount will be followed up until it is settled."
    else:
        demand = "No amount is to be repaid."
    return (f"Decision: the agreement ends early on {claim['terminated_on']} ({reg})",
            f"Hello,\n\nThe agreement in case {reg}, {case_title}, ends early as of {claim['terminated_on']}.\n\n"
            f"Reason: {claim.get('reason')}\n\nPayments that have not been made are cancelled. {demand}{FOOTER_EN}")


def repayment_settled(reg: str, case_title: str, settled: int, lang: Language = "sv") -> tuple[str, str]:
    if lang == "en":
        return (f"The repayment has been settled ({reg})",
                f"Hello,\n\nThe municipality has received {_sek(settled)}, and the repayment claim in case {reg}, "
                f"{case_title}, is thereby settled.{FOOTER_EN}")
    subject = f"Återbetalningen är reglerad ({reg})"
    body = (f"Hej!\n\nKommunen har tagit emot {_kr(settled)} och återbetalningskravet i ärende {reg}, {case_title}, "
            f"är därmed reglerat.{FOOTER}")
    return subject, body
