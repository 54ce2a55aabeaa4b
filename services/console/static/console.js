// Live updates: on every change the server announces, reload this page's content (not the whole page).
(function () {
  const inhoud = document.getElementById("inhoud"), live = document.getElementById("live");
  if (!inhoud || !live) return;
  let bezig = false, opnieuw = false;
  async function ververs() {
    if (bezig) { opnieuw = true; return; }
    bezig = true;
    try {
      const r = await fetch(location.href, { headers: { "X-Fragment": "1" }, credentials: "same-origin" });
      if (r.ok) inhoud.innerHTML = await r.text();
    } finally {
      bezig = false;
      if (opnieuw) { opnieuw = false; ververs(); }
    }
  }
  const bron = new EventSource("/api/stroom");
  let eerste = true;
  bron.addEventListener("wijziging", () => {
    live.textContent = "●"; live.title = "live verbonden";
    if (eerste) { eerste = false; return; }
    if (document.activeElement && inhoud.contains(document.activeElement) && document.activeElement.matches("input, select, textarea")) return;
    ververs();
  });
  bron.addEventListener("afgemeld", () => { bron.close(); location.href = "/login"; });
  bron.onerror = () => { live.textContent = "○"; live.title = "niet verbonden"; };
})();
