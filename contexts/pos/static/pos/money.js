// Money on the till is counted in integer cents: never a float amount.
export function toCents(text) {
  // "12,5" / "12.50" / "12" -> 1250; null when not an amount.
  const s = String(text ?? "").trim().replace(/\s/g, "").replace(",", ".");
  if (!/^-?\d+(\.\d{0,2})?$/.test(s)) return null;
  const neg = s.startsWith("-");
  const [int, frac = ""] = s.replace("-", "").split(".");
  const c = parseInt(int, 10) * 100 + parseInt((frac + "00").slice(0, 2), 10);
  return neg ? -c : c;
}
export function fromCents(c) {
  // 1250 -> "12.50" (what the server reads)
  const neg = c < 0; const a = Math.abs(c);
  return `${neg ? "-" : ""}${Math.floor(a / 100)}.${String(a % 100).padStart(2, "0")}`;
}
export function euros(c) {
  // 123456 -> "1 234,56 €"
  const neg = c < 0; const a = Math.abs(c);
  const int = String(Math.floor(a / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, "\u202f");
  return `${neg ? "−" : ""}${int},${String(a % 100).padStart(2, "0")}\u00a0€`;
}
// Half up, on integers: round(cents * num / den)
export function mulDiv(c, num, den) {
  const neg = (c < 0) !== (num < 0); const a = Math.abs(c * num);
  const q = Math.floor((a * 2 + den) / (den * 2));
  return neg ? -q : q;
}
