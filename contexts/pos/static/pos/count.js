// Cash count per denomination (opening float, closing): subtotals, total, difference with the expected cash.
import { euros, toCents } from "./money.js";

for (const table of document.querySelectorAll("[data-cash-count]")) {
  const form = table.closest("form");
  const update = () => {
    let total = 0;
    for (const input of table.querySelectorAll("input[data-value-cents]")) {
      const n = Math.max(0, parseInt(input.value || "0", 10) || 0);
      const sub = n * parseInt(input.dataset.valueCents, 10);
      total += sub;
      input.closest("tr").querySelector("[data-subtotal]").textContent = euros(sub);
    }
    table.querySelector("[data-count-total]").textContent = euros(total);
    const cashCounted = form.querySelector("[data-counted='cash']");
    if (cashCounted) cashCounted.textContent = euros(total), cashCounted.dataset.cents = total;
    for (const row of form.querySelectorAll("[data-tender-row]")) {
      const expected = parseInt(row.dataset.expectedCents, 10);
      let counted;
      if (row.dataset.tenderRow === "cash") counted = total;
      else counted = toCents(row.querySelector("input")?.value || "0") ?? 0;
      const diff = counted - expected;
      const cell = row.querySelector("[data-diff]");
      cell.textContent = (diff > 0 ? "+" : "") + euros(diff);
      cell.className = "n " + (diff === 0 ? "diff-ok" : diff < 0 ? "diff-neg" : "diff-pos");
    }
  };
  form.addEventListener("input", update);
  update();
  table.querySelector("input")?.focus();
}
