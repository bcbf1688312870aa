// Asks for the first cards the moment the popup starts loading, before its modules and styles: they are
// what the reader waits for (bench/popup.py). A classic script in <head>, after protocol.js; popup.js takes
// the reply from globalThis.AcademicHubFirstCards.
(() => {
  // What fills the popup's first screen and a little more; the rest loads as the reader scrolls.
  const limit = 20;
  const day = new URLSearchParams(location.search).get("day");
  const query = day ? { offset: 0, limit, day } : { offset: 0, limit };
  globalThis.AcademicHubFirstCards = { limit, reply: globalThis.AcademicHubProtocol.api("GET", "/cards", { query }) };
})();
