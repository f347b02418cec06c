// Returns from an original ticket: find it by its printed number, choose quantities, refund.
import { euros, toCents } from "./money.js";
import { Refused, Unreachable, call, enqueue, newUuid } from "./net.js";

const root = document.getElementById("returns");
const $ = (id) => document.getElementById(id);
const METHODS = { cash: "espèces", card: "carte", cheque: "chèque", voucher: "bon d'achat", store_credit: "avoir" };
let original = null;
let uuid = newUuid();
let approval = null;

function flash(text, kind = "") { const el = $("flash"); el.textContent = text; el.className = "flash " + kind; el.hidden = !text; }
const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));

function refundTotal() {
  let total = 0;
  for (const input of document.querySelectorAll("[data-line]")) {
    const line = original.lines[+input.dataset.line];
    const q = Math.min(Math.max(0, parseInt(input.value || "0", 10) || 0), line.returnable);
    total += q * toCents(line.unit_price);
  }
  $("refund-total").textContent = euros(total);
  return total;
}

$("find-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const number = $("ticket-number").value.trim();
  if (!number) return;
  try {
    original = await call(`${root.dataset.findUrl}?number=${encodeURIComponent(number)}`);
  } catch (err) {
    $("original").hidden = true; flash(err instanceof Refused ? err.message : "Serveur injoignable."); return;
  }
  flash("");
  $("original-title").textContent = `Ticket ${original.number} du ${new Date(original.date).toLocaleString("fr-FR")} — ${euros(toCents(original.total))}`;
  $("orig-tenders").textContent = `(${[...new Set(original.tenders)].map((m) => METHODS[m] || m).join(", ")})`;
  $("return-lines").innerHTML = original.lines.map((l, i) => `<tr>
    <td><b>${esc(l.name)}</b><br><small class="sku">${esc(l.sku)}</small></td><td class="n">${l.quantity}</td>
    <td class="n">${l.quantity - l.returnable}</td><td class="n">${euros(toCents(l.unit_price))}</td>
    <td class="n"><input type="number" min="0" max="${l.returnable}" value="0" data-line="${i}" ${l.returnable ? "" : "disabled"} aria-label="Quantité rendue de ${esc(l.name)}"></td></tr>`).join("");
  $("original").hidden = false;
  refundTotal();
  document.querySelector("[data-line]:not([disabled])")?.focus();
});
$("return-lines").addEventListener("input", refundTotal);

async function askPin(reason) {
  const dlg = $("dlg-pin"); const form = dlg.querySelector("form"); form.reset();
  dlg.querySelector("[data-reason]").textContent = reason;
  dlg.returnValue = ""; dlg.showModal();
  await new Promise((r) => dlg.addEventListener("close", r, { once: true }));
  if (dlg.returnValue !== "ok") return null;
  try { return (await call(root.dataset.approveUrl, { method: "POST", body: { pin: new FormData(form).get("pin"), purpose: "return" } })).approval; }
  catch (e) { flash(e.message); return null; }
}

async function doReturn() {
  if (!original) return;
  const lines = [];
  for (const input of document.querySelectorAll("[data-line]")) {
    const line = original.lines[+input.dataset.line];
    const q = parseInt(input.value || "0", 10) || 0;
    if (q < 0 || q > line.returnable) { flash(`${line.name} : au plus ${line.returnable}.`); return; }
    if (q) lines.push({ line_id: line.line_id, quantity: q });
  }
  if (!lines.length) { flash("Indiquez la quantité rendue d'au moins un article."); return; }
  const body = { uuid, session_id: root.dataset.session, original_ticket_id: original.id, lines,
                 refund_method: document.querySelector("[name=refund]:checked").value, approval };
  $("do-return").disabled = true;
  try {
    const res = await call(root.dataset.returnUrl, { method: "POST", body });
    window.location.assign(res.receipt_url);
  } catch (e) {
    if (e instanceof Unreachable) {
      enqueue({ url: root.dataset.returnUrl, payload: body, label: "retour" });
      flash("Serveur injoignable : le retour est gardé sur ce poste et sera renvoyé automatiquement.", "wait");
      uuid = newUuid();
    } else if (e.status === 403 && !approval && (e.fields.approved_by_id || e.code === "approval_required")) {
      approval = await askPin(e.message);
      if (approval) { $("do-return").disabled = false; return doReturn(); }
    } else {
      flash(`Retour refusé : ${e.message}`);
    }
  } finally { $("do-return").disabled = false; }
}
$("do-return").addEventListener("click", doReturn);
document.addEventListener("keydown", (e) => {
  if (document.querySelector("dialog[open]")) return;
  if (e.key === "F12") { e.preventDefault(); doReturn(); }
  if (e.key === "Escape") window.location.assign(root.dataset.saleUrl);
});

// --- without the original ticket: the goods are scanned, a manager approves ----------------------
const loose = [];
let looseUuid = newUuid();
function renderLoose() {
  $("nt-lines").innerHTML = loose.map((l, i) => `<tr><td><b>${esc(l.name)}</b><br><small class="sku">${esc(l.sku)}</small></td>
    <td class="n">${euros(toCents(l.unit_price))}</td>
    <td class="n"><input type="number" min="1" max="999" value="${l.quantity}" data-loose="${i}" aria-label="Quantité rendue"></td>
    <td class="n"><button class="key danger" type="button" data-drop="${i}">✕</button></td></tr>`).join("");
}
$("nt-scan").addEventListener("submit", async (e) => {
  e.preventDefault();
  const code = $("nt-code").value.trim(); $("nt-code").value = "";
  if (!code) return;
  try {
    const found = await call(`${root.dataset.lookupUrl}?code=${encodeURIComponent(code)}`);
    const item = found.match || (found.results.length === 1 ? found.results[0] : null);
    if (!item) { flash(found.results.length ? "Plusieurs articles : scannez le code-barres." : `Article introuvable : « ${code} »`); return; }
    const same = loose.find((l) => l.variant_id === item.variant_id);
    if (same) same.quantity += 1; else loose.push({ ...item, quantity: 1 });
    flash(""); renderLoose();
  } catch (err) { flash(err instanceof Refused ? err.message : "Serveur injoignable."); }
});
$("nt-lines").addEventListener("input", (e) => {
  const i = e.target.dataset.loose; if (i !== undefined) loose[+i].quantity = Math.max(1, parseInt(e.target.value || "1", 10) || 1);
});
$("nt-lines").addEventListener("click", (e) => {
  const b = e.target.closest("[data-drop]"); if (b) { loose.splice(+b.dataset.drop, 1); renderLoose(); }
});
let looseApproval = null;
async function looseReturn() {
  if (!loose.length) { flash("Scannez les articles rendus."); return; }
  if (!looseApproval) looseApproval = await askPin("Un retour sans ticket demande l'accord d'un responsable.");
  if (!looseApproval) return;
  const body = { uuid: looseUuid, session_id: root.dataset.session, original_ticket_id: null, approval: looseApproval,
                 lines: loose.map((l) => ({ variant_id: l.variant_id, quantity: l.quantity })),
                 refund_method: document.querySelector("[name=nt-refund]:checked").value };
  try {
    const res = await call(root.dataset.returnUrl, { method: "POST", body });
    window.location.assign(res.receipt_url);
  } catch (e) {
    if (e instanceof Unreachable) {
      enqueue({ url: root.dataset.returnUrl, payload: body, label: "retour" });
      flash("Serveur injoignable : le retour est gardé sur ce poste et sera renvoyé automatiquement.", "wait");
      looseUuid = newUuid(); loose.length = 0; renderLoose();
    } else { flash(`Retour refusé : ${e.message}`); if (e.fields.approval || e.fields.approved_by_id) looseApproval = null; }
  }
}
$("nt-return").addEventListener("click", looseReturn);
