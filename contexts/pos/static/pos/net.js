// Talking to the server: JSON with the CSRF token, a timeout, and a queue of completed tickets kept in
// localStorage while the server does not answer (resent with the same client-generated UUID, so the
// server counts each ticket once).
const CSRF = document.querySelector("meta[name=csrf-token]")?.content || "";
const QUEUE_KEY = "comptoir.till.pending";

export function newUuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export class Unreachable extends Error {}
// The services answer in English for API clients: the till says it in French, by field.
const FRENCH = [
  [/^tenders/, "Les paiements ne couvrent pas le total, ou un moyen de paiement est mal renseigné"],
  [/^discount$/, "Remise au-delà du seuil : l'accord d'un responsable est nécessaire"],
  [/^approved_by_id$/, "L'accord d'un responsable est nécessaire"],
  [/^approval$/, null], [/^pin$/, null], [/^body$/, null],
  [/^session_id$/, "Session de caisse clôturée ou inconnue : rouvrez une session"],
  [/^lines\[\d+\]\.variant_id$/, "Article inconnu ou retiré de la vente"],
  [/^lines\[\d+\]\.quantity$/, "Quantité invalide"],
  [/^lines\[\d+\]\.discount$/, "La remise dépasse le montant de la ligne"],
  [/^lines/, "Ligne invalide"],
  [/^ticket_discount$/, "La remise sur le ticket dépasse le total"],
  [/^customer_id$/, "Client inconnu"],
  [/^original_ticket_id$/, "Ticket d'origine introuvable, ou ce n'est pas une vente"],
  [/^refund_method$/, "Choisissez le mode de remboursement"],
];
function french(field, message) {
  for (const [pattern, text] of FRENCH) if (field && pattern.test(field)) return text ? `${text} (${message})` : message;
  return message;
}
export class Refused extends Error {
  constructor(status, body) {
    const err = body?.error || {};
    const field = Object.keys(err.fields || {})[0];
    super(french(field, err.message || `Refusé (${status})`));
    this.status = status; this.code = err.code; this.fields = err.fields || {}; this.field = field;
  }
}

export async function call(url, { method = "GET", body, timeout = 8000 } = {}) {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), timeout);
  let response;
  try {
    response = await fetch(url, {
      method, signal: ctrl.signal, credentials: "same-origin",
      headers: { "Accept": "application/json", ...(body ? { "Content-Type": "application/json", "X-CSRFToken": CSRF } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
  } catch (e) {
    throw new Unreachable("Serveur injoignable");
  } finally {
    clearTimeout(timer);
  }
  let data = null;
  try { data = await response.json(); } catch (e) { /* not JSON */ }
  if (response.status >= 500 || response.status === 0) throw new Unreachable(`Serveur en erreur (${response.status})`);
  if (!response.ok) throw new Refused(response.status, data);
  return data;
}

export function pending() {
  try { return JSON.parse(localStorage.getItem(QUEUE_KEY) || "[]"); } catch (e) { return []; }
}
function save(items) { localStorage.setItem(QUEUE_KEY, JSON.stringify(items)); }
export function enqueue(item) {
  const items = pending().filter((i) => i.payload.uuid !== item.payload.uuid);
  items.push({ ...item, queuedAt: new Date().toISOString() });
  save(items);
}
export function dequeue(uuid) { save(pending().filter((i) => i.payload.uuid !== uuid)); }

// Sends one queued ticket; keeps it when the server does not answer; drops it when refused (4xx).
export async function sendQueued(item) {
  try {
    const result = await call(item.url, { method: "POST", body: item.payload });
    dequeue(item.payload.uuid);
    return { ok: true, result };
  } catch (e) {
    if (e instanceof Refused) { dequeue(item.payload.uuid); return { ok: false, refused: e }; }
    return { ok: false, unreachable: e };
  }
}

let flushing = false;
export async function flush(onResult) {
  if (flushing) return;
  flushing = true;
  try {
    for (const item of pending()) {
      const outcome = await sendQueued(item);
      if (outcome.unreachable) break;  // still offline: try again later
      onResult?.(item, outcome);
    }
  } finally { flushing = false; }
}

// A dialog's secondary buttons (Annuler, Retirer…) are plain buttons, so that Enter in a field
// submits the primary one; they close the dialog with their value.
document.addEventListener("click", (e) => {
  const b = e.target.closest("dialog [data-close]");
  if (b) b.closest("dialog").close(b.dataset.close);
});
