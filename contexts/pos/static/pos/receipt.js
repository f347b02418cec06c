// The receipt prints itself when shown right after a sale (or a duplicate's reprint);
// Enter or N goes on to the next sale.
const autoPrint = document.currentScript?.dataset.autoPrint === "1";
window.addEventListener("load", () => { if (autoPrint) window.print(); });
document.addEventListener("keydown", (e) => {
  const next = document.getElementById("next-sale");
  if (next && (e.key === "Enter" || e.key.toLowerCase() === "n")) { e.preventDefault(); next.click(); }
});
