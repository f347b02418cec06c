"""A report's header and rows as CSV, XLSX (openpyxl) or PDF (WeasyPrint, as invoices are)."""
from __future__ import annotations

import csv
import io
import uuid

from django.template.loader import render_to_string

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _cell(value):
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def render(*, fmt: str, title: str, header: list[str], rows: list[list]) -> bytes:
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";")
        writer.writerow(header)
        writer.writerows([["" if v is None else _cell(v) for v in row] for row in rows])
        return ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: spreadsheets open it as UTF-8
    if fmt == "xlsx":
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet(title=title[:31] or "Rapport")
        ws.append(header)
        for row in rows:
            ws.append([_cell(v) for v in row])  # Decimal, date and int stay typed in the sheet
        buf = io.BytesIO()
        wb.save(buf)
        return buf.getvalue()
    if fmt == "pdf":
        import weasyprint

        html = render_to_string("engagement/reporting/report.html", {
            "title": title, "header": header, "rows": [[_cell(v) if v is not None else "" for v in r] for r in rows]})
        return weasyprint.HTML(string=html).write_pdf()
    raise ValueError(fmt)

