// The sale screen: scanner first, keyboard shortcuts, tenders, manager approval, offline queue.
import { euros, fromCents, mulDiv, toCents } from "./money.js";
import { Refused, Unreachable, call, enqueue, flush, newUuid, pending } from "./net.js";

const root = document.getElementById("till");
const SESSION = root.dataset.session;
const URLS = { lookup: root.dataset.lookupUrl, customers: root.dataset.customersUrl, approve: root.dataset.approveUrl,
               ticket: root.dataset.ticketUrl, quote: root.dataset.quoteUrl };
const THRESHOLD = parseFloat(root.dataset.threshold || "10");  // percent (display only: the server decides)
const DRAFT_KEY = `comptoir.till.${SESSION}.draft`;
const METHODS = { cash: "Espèces", card: "Carte bancaire", cheque: "Chèque", voucher: "Bon d'achat", store_credit: "Avoir client" };
const $ = (id) => document.getElementById(id);
const scan = $("scan");

function blank() {
  return { uuid: newUuid(), lines: [], ticketDiscount: 0, approval: null, approver: "", customer: null, tenders: [], selected: -1 };
}
let state = loadDraft() || blank();
let busy = false;
let scans = Promise.resolve();

function loadDraft() { try { return JSON.parse(localStorage.getItem(DRAFT_KEY)); } catch (e) { return null; } }
function saveDraft() { localStorage.setItem(DRAFT_KEY, JSON.stringify(state)); }

// --- arithmetic (cents) ----------------------------------------------------------------------
// A line's amount after promotions: the server's quote for this quantity when it came back,
// else the scanned unit price (after promotions for one unit) times the quantity.
const quoted = (l) => l.quote && l.quote.qty === l.qty;
const lineGross = (l) => (quoted(l) ? l.quote.total : l.unit * l.qty);
const lineTotal = (l) => lineGross(l) - (l.discount || 0);
function totals() {
  const subtotal = state.lines.reduce((s, l) => s + lineTotal(l), 0);
  const total = subtotal - state.ticketDiscount;
  const paid = state.tenders.reduce((s, t) => s + t.cents, 0);
  const cashPaid = state.tenders.filter((t) => t.method === "cash").reduce((s, t) => s + t.cents, 0);
  const count = state.lines.reduce((s, l) => s + l.qty, 0);
  return { subtotal, total, paid, remaining: Math.max(0, total - paid), change: Math.max(0, Math.min(paid - total, cashPaid)), count };
}
const covered = () => { const t = totals(); return state.lines.length > 0 && t.paid >= t.total; };

// --- rendering -------------------------------------------------------------------------------
function esc(s) { return String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c])); }

function render() {
  const body = $("lines").querySelector("tbody");
  body.innerHTML = state.lines.map((l, i) => `
    <tr class="${i === state.selected ? "sel" : ""}" data-index="${i}">
      <td><div class="name">${esc(l.name)}</div><div class="sku">${esc(l.sku)}${l.barcode ? " · " + esc(l.barcode) : ""}</div>
        ${l.promotion ? `<div class="promo">${esc(l.promotion)}</div>` : ""}</td>
      <td class="n">${euros(quoted(l) ? l.quote.base : l.unit)}${quoted(l) && l.quote.promo ? `<div class="promo">−${euros(l.quote.promo)}</div>` : ""}</td>
      <td class="n">${l.qty}</td>
      <td class="n disc">${l.discount ? "−" + euros(l.discount) : ""}</td>
      <td class="n"><b>${euros(lineTotal(l))}</b></td>
      <td class="n"><button class="void" type="button" data-void="${i}" title="Annuler la ligne (Suppr)" aria-label="Annuler la ligne">✕</button></td>
    </tr>`).join("");
  $("empty").hidden = state.lines.length > 0;
  const t = totals();
  $("count").textContent = t.count;
  $("subtotal").textContent = euros(t.subtotal);
  $("discount-row").hidden = !state.ticketDiscount;
  $("ticket-discount").textContent = "−" + euros(state.ticketDiscount) + (state.approver ? ` (accordée par ${state.approver})` : "");
  $("total").textContent = euros(t.total);
  $("tenders").innerHTML = state.tenders.map((x, i) => `
    <div class="t"><span>${METHODS[x.method]}${x.reference ? ` <small>réf. ${esc(x.reference)}</small>` : ""}</span>
    <span>${euros(x.cents)} <button class="void" type="button" data-untender="${i}" aria-label="Retirer ce paiement">✕</button></span></div>`).join("");
  const due = $("due");
  if (t.paid > t.total && state.lines.length) {
    due.className = "due change"; due.firstElementChild.textContent = "Rendu monnaie"; $("remaining").textContent = euros(t.change);
  } else {
    due.className = "due" + (t.remaining && state.tenders.length ? " owed" : "");
    due.firstElementChild.textContent = "Reste à payer"; $("remaining").textContent = euros(t.remaining);
  }
  $("complete").disabled = !covered() || busy;
  if (state.customer) $("customer").innerHTML = `<b>${esc(state.customer.name)}</b><small>${esc(state.customer.detail || "")}</small>`;
  else $("customer").innerHTML = "Client non renseigné<small>Facultatif : fidélité, facture, historique</small>";
  renderPending();
  saveDraft();
  requote();
}

// Prices the lines as the server will (promotions by quantity): the total shown is the one charged.
let quoteTimer;
function requote() {
  const stale = state.lines.filter((l) => !quoted(l));
  if (!stale.length) return;
  clearTimeout(quoteTimer);
  quoteTimer = setTimeout(async () => {
    const lines = state.lines.map((l) => ({ variant_id: l.variant_id, quantity: l.qty }));
    try {
      const res = await call(URLS.quote, { method: "POST", body: { lines } });
      let changed = false;
      res.lines.forEach((q, i) => {
        const l = state.lines[i];
        if (!l || l.variant_id !== q.variant_id || l.qty !== q.quantity) return;  // the ticket moved on meanwhile
        l.quote = { qty: q.quantity, total: toCents(q.total), base: toCents(q.unit_price), promo: toCents(q.promotion) };
        l.promotion = q.promotions.join(", ");
        if (l.discount > l.quote.total) l.discount = 0;
        changed = true;
      });
      if (changed) render();
    } catch (e) { /* offline: the scanned prices stay */ }
  }, 120);
}

function renderPending() {
  const items = pending();
  const box = $("pending");
  box.hidden = items.length === 0;
  box.innerHTML = items.length ? `<div class="flash wait">${items.length} ticket(s) en attente d'envoi au serveur : renvoi automatique, ne fermez pas ce poste.</div>` : "";
}

let flashTimer;
function flash(text, kind = "") {
  const el = $("flash");
  el.textContent = text; el.className = "flash " + kind; el.hidden = !text;
  clearTimeout(flashTimer);
  if (text && kind === "ok") flashTimer = setTimeout(() => { el.hidden = true; }, 4000);
}

// --- dialogs ---------------------------------------------------------------------------------
function ask(dialogId, setup) {
  // Opens a <dialog>, resolves with the FormData on "ok" (or the button's value), null on cancel.
  return new Promise((resolve) => {
    const dlg = $(dialogId); const form = dlg.querySelector("form");
    form.reset(); dlg.querySelector("[data-error]").textContent = "";
    setup?.(dlg);
    const done = () => {
      dlg.removeEventListener("close", done);
      const v = dlg.returnValue;
      resolve(v === "ok" ? new FormData(form) : v && v !== "cancel" ? v : null);
      scan.focus();
    };
    dlg.returnValue = "";
    dlg.addEventListener("close", done);
    dlg.showModal();
    dlg.querySelector("input:not([type=hidden])")?.select();
  });
}
function dialogError(dialogId, text) { $(dialogId).querySelector("[data-error]").textContent = text; }
const dialogOpen = () => !!document.querySelector("dialog[open]");

// --- lines -----------------------------------------------------------------------------------
function addItem(item, qty) {
  const unit = toCents(item.unit_price);
  const same = state.lines.findIndex((l) => l.variant_id === item.variant_id && !l.discount);
  if (same >= 0) { state.lines[same].qty += qty; state.selected = same; }
  else {
    state.lines.push({ variant_id: item.variant_id, sku: item.sku, name: item.name, barcode: item.barcode || "",
                       unit, vat_rate: item.vat_rate, promotion: item.promotion || "", qty, discount: 0 });
    state.selected = state.lines.length - 1;
  }
  state.tenders = state.tenders.filter((t) => t.method !== "cash");  // the total changed: cash is taken again
  render();
}

async function lookup(text) {
  let qty = 1;
  const m = text.match(/^(\d{1,4})\s*[*x×]\s*(.+)$/i);
  if (m) { qty = parseInt(m[1], 10); text = m[2].trim(); }
  if (!text) return;
  $("results").innerHTML = "";
  try {
    const data = await call(`${URLS.lookup}?code=${encodeURIComponent(text)}`);
    if (data.match) { addItem(data.match, qty); flash(""); return; }
    if (!data.results?.length) { flash(`Article introuvable : « ${text} »`); return; }
    $("results").innerHTML = data.results.map((r, i) => `<li><button type="button" data-pick="${i}">
      <span><b>${esc(r.name)}</b> <small class="sku">${esc(r.sku)}</small></span><span>${euros(toCents(r.unit_price))}</span></button></li>`).join("");
    $("results").onclick = (e) => {
      const b = e.target.closest("[data-pick]"); if (!b) return;
      addItem(data.results[+b.dataset.pick], qty); $("results").innerHTML = ""; scan.focus();
    };
    $("results").querySelector("button")?.focus();
  } catch (e) {
    flash(e instanceof Unreachable ? "Serveur injoignable : recherche impossible, réessayez." : e.message);
  }
}

function selectedLine() {
  if (state.selected < 0 || state.selected >= state.lines.length) { flash("Choisissez d'abord une ligne (↑ ↓)."); return null; }
  return state.lines[state.selected];
}

async function changeQty() {
  const line = selectedLine(); if (!line) return;
  const fd = await ask("dlg-qty", (d) => { d.querySelector("[data-name]").textContent = line.name; d.querySelector("[name=qty]").value = line.qty; });
  if (!fd) return;
  const q = parseInt(fd.get("qty"), 10);
  if (!(q >= 1 && q <= 9999)) { flash("Quantité invalide (1 à 9999)."); return; }
  line.qty = q; if (line.discount > lineGross(line)) line.discount = 0;
  render();
}

function parseDiscount(text, base) {
  const s = String(text).trim();
  if (s.endsWith("%")) {
    const pct = toCents(s.slice(0, -1));  // percent * 100
    if (pct === null || pct < 0 || pct > 10000) return null;
    return mulDiv(base, pct, 10000);
  }
  const c = toCents(s);
  return c === null || c < 0 ? null : c;
}

async function approval(reason) {
  // A manager types their PIN; the server answers a signed, short-lived approval for this cashier.
  let error = "";
  for (;;) {
    const fd = await ask("dlg-pin", (d) => {
      d.querySelector("[data-reason]").textContent = reason; d.querySelector("[data-error]").textContent = error;
    });
    if (!fd) return null;
    try {
      return await call(URLS.approve, { method: "POST", body: { pin: fd.get("pin"), purpose: "discount" } });
    } catch (e) {
      if (!(e instanceof Refused)) { flash("Serveur injoignable : validation impossible."); return null; }
      error = e.fields.pin?.[0] || e.message;
    }
  }
}

const overThreshold = (amount, base) => base > 0 && amount * 100 > base * THRESHOLD;

async function discount(kind) {
  const line = kind === "line" ? selectedLine() : null;
  if (kind === "line" && !line) return;
  if (!state.lines.length) { flash("Ticket vide."); return; }
  const base = kind === "line" ? lineGross(line) : state.lines.reduce((s, l) => s + lineTotal(l), 0);
  const fd = await ask("dlg-discount", (d) => {
    d.querySelector("[data-title]").textContent = kind === "line" ? "Remise sur la ligne" : "Remise sur le ticket";
    d.querySelector("[data-name]").textContent = kind === "line" ? `${line.name} : ${euros(base)}` : `Sous-total : ${euros(base)}`;
  });
  if (!fd) return;
  const amount = parseDiscount(fd.get("value"), base);
  if (amount === null || amount > base) { flash("Remise invalide : un montant (ex. 5) ou un pourcentage (ex. 10%) au plus égal au prix."); return; }
  if (overThreshold(amount, base) && !state.approval) {
    const ok = await approval(`Remise de ${euros(amount)} sur ${euros(base)} : au-delà de ${THRESHOLD} %.`);
    if (!ok) { flash("Remise non accordée."); return; }
    state.approval = ok.approval; state.approver = ok.manager;
  }
  if (kind === "line") line.discount = amount; else state.ticketDiscount = amount;
  state.tenders = []; flash(`Remise de ${euros(amount)} appliquée.`, "ok");
  render();
}

function voidLine(i = state.selected) {
  if (i < 0 || i >= state.lines.length) { flash("Choisissez d'abord une ligne (↑ ↓)."); return; }
  const [gone] = state.lines.splice(i, 1);
  state.selected = Math.min(i, state.lines.length - 1);
  state.tenders = [];
  if (!state.lines.length) state.ticketDiscount = 0;
  flash(`Ligne annulée : ${gone.name}`, "ok");
  render();
}

// --- customer --------------------------------------------------------------------------------
async function customer() {
  let found = [];
  const v = await ask("dlg-customer", (d) => {
    const input = d.querySelector("[name=q]"); const list = d.querySelector("[data-results]"); list.innerHTML = "";
    let timer;
    input.oninput = () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        if (input.value.trim().length < 2) { list.innerHTML = ""; return; }
        try {
          found = (await call(`${URLS.customers}?q=${encodeURIComponent(input.value.trim())}`)).results;
          list.innerHTML = found.length ? found.map((c, i) => `<li><button type="button" data-pick="${i}"><span><b>${esc(c.name)}</b>
            <small>${esc([c.email, c.phone, c.city].filter(Boolean).join(" · "))}</small></span></button></li>`).join("")
            : "<li class='help'>Aucun client trouvé.</li>";
        } catch (e) { dialogError("dlg-customer", e.message); }
      }, 200);
    };
    input.onkeydown = (e) => { if (e.key === "Enter") { e.preventDefault(); list.querySelector("button")?.click(); } };
    list.onclick = (e) => {
      const b = e.target.closest("[data-pick]"); if (!b) return;
      const c = found[+b.dataset.pick];
      state.customer = { id: c.id, name: c.name, detail: [c.email, c.phone].filter(Boolean).join(" · ") };
      d.close("picked");
    };
  });
  if (v === "detach") state.customer = null;
  render();
}

// --- tenders and completion -------------------------------------------------------------------
async function tender(method) {
  if (!state.lines.length) { flash("Ticket vide : rien à encaisser."); return; }
  const t = totals();
  if (t.remaining <= 0) { flash("Le ticket est déjà réglé : validez (F12)."); return; }
  const fd = await ask("dlg-tender", (d) => {
    d.querySelector("[data-title]").textContent = METHODS[method];
    d.querySelector("[data-due]").textContent = `Reste à payer : ${euros(t.remaining)}`;
    d.querySelector("[name=amount]").value = fromCents(t.remaining).replace(".", ",");
    const ref = d.querySelector("[data-ref]");
    ref.hidden = method === "cash";
    ref.firstChild.textContent = { card: "N° d'autorisation du terminal (TPE)", cheque: "N° du chèque", voucher: "N° du bon d'achat",
                                  store_credit: "N° de l'avoir" }[method] || "Référence";
    ref.querySelector("input").required = method === "card";
    d.querySelector("[data-hint]").textContent = method === "cash" ? "Saisissez la somme remise par le client : la monnaie à rendre s'affiche." :
      method === "card" ? "Encaissez sur le terminal de paiement puis recopiez son numéro d'autorisation." : "";
  });
  if (!fd) return;
  const cents = toCents(fd.get("amount"));
  if (cents === null || cents <= 0) { flash("Montant invalide."); return; }
  if (method !== "cash" && cents > t.remaining) { flash(`${METHODS[method]} : au plus le reste à payer (${euros(t.remaining)}) ; seules les espèces rendent la monnaie.`); return; }
  const reference = (fd.get("reference") || "").trim();
  if (method === "card" && !reference) { flash("Carte : le numéro d'autorisation du terminal est obligatoire."); return; }
  state.tenders.push({ method, cents, reference });
  render();
  if (covered()) complete();
}

function payload() {
  return {
    uuid: state.uuid, session_id: SESSION,
    lines: state.lines.map((l) => ({ variant_id: l.variant_id, quantity: l.qty, discount: fromCents(l.discount || 0) })),
    tenders: state.tenders.map((t) => ({ method: t.method, amount: fromCents(t.cents), reference: t.reference })),
    customer_id: state.customer?.id || null,
    ticket_discount: state.ticketDiscount ? fromCents(state.ticketDiscount) : null,
    approval: state.approval,
  };
}

async function complete() {
  if (busy || !covered()) return;
  busy = true; render();
  const body = payload();
  const change = totals().change;
  try {
    const res = await call(URLS.ticket, { method: "POST", body, timeout: 10000 });
    state = blank(); render();
    window.location.assign(res.receipt_url + (change ? `?rendu=${fromCents(change)}` : ""));
  } catch (e) {
    if (e instanceof Unreachable) {
      enqueue({ url: URLS.ticket, payload: body, label: `${euros(totals().total)}` });
      state = blank();
      flash(`Serveur injoignable : le ticket est gardé sur ce poste et sera renvoyé automatiquement.${change ? ` Rendu : ${euros(change)}.` : ""}`, "wait");
    } else if (e.fields?.discount && !state.approval) {
      const ok = await approval(e.fields.discount[0] || e.message);
      if (ok) { state.approval = ok.approval; state.approver = ok.manager; busy = false; render(); return complete(); }
      flash("Remise non accordée : modifiez-la (F3 / F4).");
    } else {
      flash(`Ticket refusé : ${e.message}`);
      if (e.fields?.tenders) state.tenders = [];
    }
  } finally {
    busy = false; render();
  }
}

function resend() {
  flush((item, outcome) => {
    if (outcome.ok) {
      flash(`Ticket n° ${outcome.result.number} enregistré (envoyé après une coupure). `, "wait");
      const link = document.createElement("a");
      link.href = outcome.result.receipt_url; link.textContent = "Imprimer son ticket";
      $("flash").append(link);
    }
    else if (outcome.refused) flash(`Un ticket gardé hors ligne a été refusé par le serveur : ${outcome.refused.message}`);
    renderPending();
  }).finally(renderPending);
}

// --- events ----------------------------------------------------------------------------------
$("scan-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const text = scan.value.trim(); scan.value = "";
  if (text) scans = scans.then(() => lookup(text));  // one after the other: lines keep the scanning order
  else if (covered()) complete();
});
$("lines").addEventListener("click", (e) => {
  const v = e.target.closest("[data-void]");
  if (v) { voidLine(+v.dataset.void); return; }
  const row = e.target.closest("tr[data-index]");
  if (row) { state.selected = +row.dataset.index; render(); scan.focus(); }
});
$("tenders").addEventListener("click", (e) => {
  const b = e.target.closest("[data-untender]");
  if (b) { state.tenders.splice(+b.dataset.untender, 1); render(); scan.focus(); }
});
document.querySelectorAll("[data-tender]").forEach((b) => b.addEventListener("click", () => tender(b.dataset.tender)));
const ACTIONS = { qty: changeQty, "line-discount": () => discount("line"), "ticket-discount": () => discount("ticket"),
                  void: () => voidLine(), customer, complete,
                  clear: () => { if (confirm("Annuler tout le ticket ?")) { state = blank(); flash("Ticket annulé.", "ok"); render(); } } };
document.querySelectorAll("[data-action]").forEach((b) => b.addEventListener("click", () => { ACTIONS[b.dataset.action](); }));

const KEYS = { F2: changeQty, F3: () => discount("line"), F4: () => discount("ticket"), F5: () => tender("cash"), F6: () => tender("card"),
               F7: () => tender("cheque"), F8: () => tender("voucher"), F9: () => tender("store_credit"), F10: customer, F12: complete };
document.addEventListener("keydown", (e) => {
  if (dialogOpen()) return;
  if (KEYS[e.key]) { e.preventDefault(); KEYS[e.key](); return; }
  const inScan = document.activeElement === scan; const empty = !scan.value;
  if (e.key === "Delete" && (!inScan || empty)) { e.preventDefault(); voidLine(); }
  else if (e.key === "ArrowUp" && state.lines.length) { e.preventDefault(); state.selected = Math.max(0, state.selected - 1); render(); }
  else if (e.key === "ArrowDown" && state.lines.length) { e.preventDefault(); state.selected = Math.min(state.lines.length - 1, state.selected + 1); render(); }
  else if ((e.key === "+" || e.key === "-") && empty && inScan && state.selected >= 0) {
    e.preventDefault(); const l = state.lines[state.selected];
    l.qty = Math.max(1, l.qty + (e.key === "+" ? 1 : -1)); state.tenders = []; render();
  } else if (e.key === "Escape") { scan.value = ""; $("results").innerHTML = ""; scan.focus(); }
});
// The scanner types into whatever has the focus: keep it on the scan field.
document.addEventListener("focusout", () => setTimeout(() => {
  if (!dialogOpen() && !document.activeElement?.closest?.(".results") && document.activeElement?.tagName !== "A") scan.focus();
}, 0));
window.addEventListener("online", () => { $("net").className = "net"; $("net").textContent = "En ligne"; resend(); });
window.addEventListener("offline", () => { $("net").className = "net offline"; $("net").textContent = "Hors ligne"; });
setInterval(resend, 15000);

render();
resend();
scan.focus();
