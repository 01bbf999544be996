"""/finance/payments and /finance/payments.csv: the payments across a municipality's agreements for finance
(officers read only), filters, sums, links to the pay tasks, CSV for Swedish Excel, and the repayment of an
agreement ended early recorded by finance until it is settled (issue 10)."""

from __future__ import annotations

import csv
import io
from typing import Any

from app.services import Services
from tests.stenungsund import steps
from tests.web.pages import Browser, text_of


def _two_agreements(services: Services) -> tuple[int, int]:
    """Two Stenungsund agreements of 400 000 kr a year from 2026: the first paid its first payment, the second's
    is released and overdue on 2026-01-15 (released 2026-01-01, 10 days to pay)."""
    first = steps.to_decision(services)
    second = steps.to_decision(services)
    steps.advance(services, "2026-01-01")
    steps.complete(services, first, "pay", steps.PAYMENT)
    steps.advance(services, "2026-01-15")
    steps.add_staff(services, "officer", "finance")
    return first, second


def test_finance_sees_states_sums_and_pay_tasks(services: Services, browser: Browser) -> None:
    first, second = _two_agreements(services)
    browser.login("st_finance")
    html = browser.get("/finance/payments")
    text = text_of(html)
    assert "Utbetalningar – Stenungsunds kommun" in text
    assert "Utbetald 2026-01-02 (VER-1)" in text and "Försenad från 2026-01-11" in text
    assert f'href="/cases/{first}/agreement"' in html and f'href="/cases/{second}/agreement"' in html
    pay_task = next(t for t in steps.open_tasks(services, second) if t.name == "pay")
    assert f'href="/tasks/{pay_task.id}"' in html and "Genomför utbetalning" in text
    # ten payments of 400 000 kr: 1 paid, 1 overdue, 8 planned
    assert "Totalt 10 4 000 000 kr" in text and "4\xa0000\xa0000\xa0kr" in html
    assert "Planerad 8 3 200 000 kr" in text and "Försenad 1 400 000 kr" in text

    only = text_of(browser.get("/finance/payments?state=overdue"))
    assert "Totalt 1 400 000 kr" in only and "Utbetald 2026-01-02" not in only
    window = text_of(browser.get("/finance/payments?from=2027-01-01&to=2027-12-31"))
    assert "Totalt 2 800 000 kr" in window and "2027-01-01" in window and "2028-01-01" not in window

    browser.login("st_officer")  # officers read; the tasks are finance's
    html = browser.get("/finance/payments")
    assert "Försenad från 2026-01-11" in text_of(html) and f"/tasks/{pay_task.id}" not in html


def test_bad_filters_are_named_and_kept(services: Services, browser: Browser) -> None:
    _two_agreements(services)
    browser.login("st_finance")
    resp = browser.client.get("/finance/payments?state=gone&from=1+jan&to=2026-13-01")
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    text = text_of(html)
    assert "Status: Välj en status i listan." in text
    assert "Förfallodag från och med: Skriv datumet som ÅÅÅÅ-MM-DD" in text
    assert 'value="1 jan"' in html and 'value="2026-13-01"' in html and 'aria-invalid="true"' in html
    assert browser.client.get("/finance/payments?from=2027-01-01&to=2026-01-01").status_code == 422
    assert browser.client.get("/finance/payments.csv?from=x").status_code == 422


def test_csv_for_swedish_excel(services: Services, browser: Browser) -> None:
    first, second = _two_agreements(services)
    browser.login("st_finance")
    resp = browser.client.get("/finance/payments.csv?to=2026-12-31")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    assert "attachment" in resp.headers["Content-Disposition"]
    raw = resp.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:7] == ["Diarienummer", "Organisation", "Avtalsperiod", "Utbetalning", "Förfallodag",
                           "Belopp (kr)", "Status"]
    body = {(r[6], r[4], r[5], r[9], r[10]) for r in rows[1:]}
    assert body == {("paid", "2026-01-01", "400000", "2026-01-02", "VER-1"),
                    ("overdue", "2026-01-01", "400000", "", "")}
    assert {r[1] for r in rows[1:]} == {"Föreningen Gemenskap"} and {r[0][:3] for r in rows[1:]} == {"KS "}
    overdue = list(csv.reader(io.StringIO(browser.client.get("/finance/payments.csv?state=overdue")
                                          .get_data().decode("utf-8-sig")), delimiter=";"))
    assert len(overdue) == 2 and overdue[1][11] == "2026-01-11"


def test_access(services: Services, browser: Browser) -> None:
    _two_agreements(services)
    browser.login("org_a")  # the organisation of both agreements
    assert browser.client.get("/finance/payments").status_code == 403
    assert browser.client.get("/finance/payments.csv").status_code == 403
    browser.login("finance")  # Falun's finance: its own municipality, which has no agreements
    html = browser.get("/finance/payments")
    assert "Falu" in text_of(html) and "Inga utbetalningar" in text_of(html) and "/agreement\"" not in html
    rows = browser.client.get("/finance/payments.csv").get_data().decode("utf-8-sig").splitlines()
    assert len(rows) == 1  # the header only
    assert browser.client.get("/finance/payments?municipality=stenungsund").status_code == 200
    assert "Inga utbetalningar" in text_of(browser.get("/finance/payments?municipality=stenungsund"))
    browser.login("admin")  # an administrator without a municipality chooses one
    assert "Inga utbetalningar" not in text_of(browser.get("/finance/payments?municipality=stenungsund"))
    assert browser.client.get("/finance/payments?municipality=nowhere").status_code == 404
    browser.logout()
    assert browser.client.get("/finance/payments").status_code == 302


def test_repayment_recorded_by_finance_until_settled(services: Services, browser: Browser) -> None:
    first, _ = _two_agreements(services)
    steps.advance(services, "2026-07-01")
    browser.login("st_officer")
    assert browser.post(f"/cases/{first}/agreement/terminate",
                        {"reason": "Verksamheten upphör.", "date": "2026-07-02", "step": "confirm"}).status_code == 302
    claim = round(400000 * 183 / 365)
    browser.login("st_finance")
    html = browser.get("/finance/payments")
    task = next(t for t in steps.open_tasks(services, first) if t.name == "record_repayment")
    assert f'href="/tasks/{task.id}"' in html and "Registrera återbetalning" in text_of(html)
    resp = browser.post(f"/tasks/{task.id}", {"repaid_sek": "100000", "received_on": "2026-08-01"})
    assert resp.status_code == 302, text_of(resp.get_data(as_text=True))[:500]
    page = text_of(browser.get(f"/cases/{first}/agreement"))
    assert "Återbetalt 100 000 kr" in page and "Inte reglerad" in page
    task = next(t for t in steps.open_tasks(services, first) if t.name == "record_repayment")  # the rest
    assert browser.post(f"/tasks/{task.id}", {"repaid_sek": str(claim - 100000),
                                              "received_on": "2026-09-01"}).status_code == 302
    agreement = steps.agreement(services, first)
    assert agreement.claim is not None and agreement.claim.status == "settled"
    assert agreement.claim.settled_sek == claim
    assert not [t for t in steps.open_tasks(services, first)]
    text = text_of(browser.get("/finance/payments"))
    claims = text.split("Återbetalningskrav")[-1]
    assert "Reglerad" in claims and "Registrera återbetalning" not in claims
    browser.login("org_a")
    assert "Reglerad" in text_of(browser.get(f"/cases/{first}/agreement"))


def test_a_fixed_number_of_statements_whatever_the_number_of_agreements(services: Services, people: Any) -> None:
    from sqlalchemy import event

    from app.models import Municipality
    from app.queries.payments import payments

    def count(n_agreements: int) -> tuple[int, int]:
        statements: list[str] = []

        def record(*args: object) -> None:
            statements.append(str(args[2]))

        with services.unit_of_work() as s:
            muni = s.query(Municipality).filter_by(slug="stenungsund").one()
            engine = s.get_bind()
            event.listen(engine, "before_cursor_execute", record)
            try:
                found = payments(s, muni.id, services.clock.today(), overdue_days=10)
            finally:
                event.remove(engine, "before_cursor_execute", record)
        assert len(found.rows) == 5 * n_agreements
        return len(statements), len(found.rows)

    first = steps.to_decision(services)
    steps.advance(services, "2026-01-01")
    steps.complete(services, first, "pay", steps.PAYMENT)
    one, _ = count(1)
    for _ in range(3):
        steps.to_decision(services)
    steps.advance(services, "2026-01-02")
    four, _ = count(4)
    assert one == four == 4


def test_english_and_spreadsheet_safe_cells(services: Services, browser: Browser) -> None:
    from app.web.pages.finance import _cell

    _two_agreements(services)
    browser.login("st_finance")
    text = text_of(browser.get("/finance/payments?lang=en"))
    assert "Payments – Stenungsunds kommun" in text and "Overdue from 2026-01-11" in text
    assert "Total 10 SEK 4,000,000" in text
    header = browser.client.get("/finance/payments.csv?lang=en").get_data().decode("utf-8-sig").splitlines()[0]
    assert header.startswith("Registration number;Organisation;Period;Payment;Due;Amount (SEK)")
    assert [_cell(v) for v in ("=1+1", "+46", "-2", "@x", "Föreningen", None, 7)] == \
        ["'=1+1", "'+46", "'-2", "'@x", "Föreningen", "", "7"]
