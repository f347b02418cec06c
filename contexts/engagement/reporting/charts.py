"""Charts drawn on the server as SVG (no JavaScript): stacked bars of revenue by day and channel,
horizontal bars of top products, bars of receivables ageing. Text is escaped."""
from __future__ import annotations

from decimal import Decimal
from html import escape

COLOURS = {"web": "#2563eb", "till": "#16a34a", "contract": "#d97706"}
LABELS = {"web": "Web", "till": "Caisse", "contract": "Contrats"}


def _money(value) -> str:
    return f"{Decimal(value):,.0f} €".replace(",", " ")


def revenue_by_day(*, days: list, rows: list[dict], width: int = 640, height: int = 220) -> str:
    """`rows`: {"day", "channel", "gross"}; one stacked bar per day of `days` (negative days clipped at 0)."""
    per_day = {d: {} for d in days}
    for r in rows:
        if r["day"] in per_day:
            per_day[r["day"]][r["channel"]] = max(Decimal(r["gross"]), Decimal("0"))
    top = max([sum(v.values(), Decimal("0")) for v in per_day.values()] + [Decimal("1")])
    left, bottom, plot_h = 56, 24, height - 44
    slot = (width - left - 8) / max(len(days), 1)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="Chiffre d\'affaires par jour et par canal" class="w-full">']
    for i in range(5):
        y = 20 + plot_h * i / 4
        parts.append(f'<line x1="{left}" x2="{width - 8}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e5e7eb"/>')
        parts.append(f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="10" text-anchor="end" fill="#6b7280">'
                     f'{escape(_money(top * (4 - i) / 4))}</text>')
    for i, d in enumerate(days):
        x, y = left + i * slot + slot * 0.15, 20 + plot_h
        for channel in ("till", "web", "contract"):
            value = per_day[d].get(channel, Decimal("0"))
            h = float(value / top) * plot_h
            if h > 0:
                y -= h
                parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{h:.1f}" '
                             f'fill="{COLOURS[channel]}"><title>{escape(d.strftime("%d/%m"))} {LABELS[channel]} : '
                             f'{escape(_money(value))}</title></rect>')
        if len(days) <= 31 and (i % max(1, len(days) // 10) == 0):
            parts.append(f'<text x="{x + slot * 0.35:.1f}" y="{height - bottom + 16}" font-size="10" text-anchor="middle" '
                         f'fill="#6b7280">{d.strftime("%d/%m")}</text>')
    for j, channel in enumerate(("till", "web", "contract")):
        parts.append(f'<rect x="{left + j * 90}" y="4" width="10" height="10" fill="{COLOURS[channel]}"/>'
                     f'<text x="{left + j * 90 + 14}" y="13" font-size="11" fill="#374151">{LABELS[channel]}</text>')
    parts.append("</svg>")
    return "".join(parts)


def horizontal_bars(*, items: list[tuple[str, Decimal]], label: str, width: int = 640, colour: str = "#2563eb") -> str:
    row_h, left = 22, 220
    height = max(len(items), 1) * row_h + 8
    top = max([v for _, v in items] + [Decimal("1")])
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="{escape(label)}" class="w-full">']
    for i, (name, value) in enumerate(items):
        y = 4 + i * row_h
        w = max(float(max(value, Decimal("0")) / top) * (width - left - 90), 0)
        parts.append(f'<text x="{left - 6}" y="{y + 14}" font-size="11" text-anchor="end" fill="#374151">'
                     f'{escape(name[:34])}</text>')
        parts.append(f'<rect x="{left}" y="{y + 3}" width="{w:.1f}" height="{row_h - 8}" fill="{colour}"/>')
        parts.append(f'<text x="{left + w + 6:.1f}" y="{y + 14}" font-size="11" fill="#374151">{escape(_money(value))}</text>')
    if not items:
        parts.append(f'<text x="{width / 2}" y="18" font-size="12" text-anchor="middle" fill="#6b7280">Aucune donnée</text>')
    parts.append("</svg>")
    return "".join(parts)
