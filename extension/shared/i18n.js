// Every string the user reads comes from _locales/<lang>/messages.json through chrome.i18n, which follows
// the browser's language. Pages mark their static text with data-i18n* attributes; code calls t().

export function t(key, substitutions) {
  return chrome.i18n.getMessage(key, substitutions) || key;
}

export const uiLanguage = () => chrome.i18n.getUILanguage();

const ATTRIBUTES = [
  ["data-i18n-placeholder", "placeholder"],
  ["data-i18n-label", "aria-label"],
  ["data-i18n-title", "title"],
];

export function localize(root = document) {
  document.documentElement.lang = uiLanguage();
  for (const node of root.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  for (const [data, attribute] of ATTRIBUTES) {
    for (const node of root.querySelectorAll(`[${data}]`)) node.setAttribute(attribute, t(node.getAttribute(data)));
  }
}

// A day (YYYY-MM-DD) in the reader's language: "Monday, 15 June 2026", "2026年6月15日星期一".
export function longDay(isoDay) {
  const [y, m, d] = isoDay.split("-").map(Number);
  return new Intl.DateTimeFormat(uiLanguage(), {
    weekday: "long",
    year: "numeric",
    month: "long",
    day: "numeric",
    timeZone: "UTC",
  }).format(new Date(Date.UTC(y, m - 1, d)));
}
