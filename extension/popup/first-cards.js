// Asks for the first cards the moment the popup starts loading, before its modules and styles: they are
// what the reader waits for (bench/popup.py). A classic script in <head>, after protocol.js; popup.js takes
// the reply from globalThis.AcademicHubFirstCards.
(() => {
  // What fills the popup's first screen and a little more; the rest loads as the reader scrolls.
  const limit = 20;
  const params = new URLSearchParams(location.search);
  const day = params.get("day");
  const query = day ? { offset: 0, limit, day } : { offset: 0, limit };
  if (params.get("view") === "radar") query.radar = true; // opened from a notification of new matches
  globalThis.AcademicHubFirstCards = { limit, reply: globalThis.AcademicHubProtocol.api("GET", "/cards", { query }) };
})();
