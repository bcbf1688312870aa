// The popup's keys: j/k move between cards, Enter opens the paper, / goes to the search box, s stars,
// Escape leaves the search box. Arrow keys move between tabs (the ARIA tabs pattern).

function typing(target) {
  return target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target?.isContentEditable;
}

export function bindKeys({ cards, search, tabs, onOpen, onStar, onTab }) {
  const all = () => [...cards.querySelectorAll(":scope > article")];

  function current() {
    const focused = document.activeElement?.closest?.("#cards > article");
    return focused ?? cards.querySelector(":scope > article[tabindex='0']");
  }

  function focusCard(article) {
    if (!article) return;
    for (const other of cards.querySelectorAll(":scope > article[tabindex='0']")) other.tabIndex = -1;
    article.tabIndex = 0;
    article.focus({ preventScroll: true });
    article.scrollIntoView({ block: "nearest" });
  }

  // From outside the cards, the first key lands on the current card (the one Tab would reach).
  function move(step) {
    const list = all();
    if (!list.length) return;
    const inside = document.activeElement?.closest?.("#cards > article");
    const at = list.indexOf(current());
    const next = !inside && at >= 0 ? at : Math.min(list.length - 1, Math.max(0, at + step));
    focusCard(list[next]);
  }

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(event.target)) {
      if (event.key === "Escape" && event.target === search) {
        event.preventDefault();
        search.blur();
        focusCard(current() ?? all()[0]);
      } else if (event.key === "Enter" && event.target === search) {
        event.preventDefault();
        focusCard(all()[0]);
      }
      return;
    }
    const onTabs = event.target?.getAttribute?.("role") === "tab";
    if (onTabs && (event.key === "ArrowRight" || event.key === "ArrowLeft")) {
      event.preventDefault();
      const list = [...tabs.querySelectorAll("[role='tab']")];
      const at = list.indexOf(event.target);
      const next = list[(at + (event.key === "ArrowRight" ? 1 : -1) + list.length) % list.length];
      next.focus();
      onTab(next);
      return;
    }
    switch (event.key) {
      case "j":
        event.preventDefault();
        move(1);
        break;
      case "k":
        event.preventDefault();
        move(-1);
        break;
      case "/":
        event.preventDefault();
        search.focus();
        search.select();
        break;
      case "Enter": {
        // On a link or button inside a card, Enter does what that control does.
        if (event.target instanceof HTMLAnchorElement || event.target instanceof HTMLButtonElement) return;
        const article = current();
        if (article) {
          event.preventDefault();
          onOpen(article);
        }
        break;
      }
      case "s": {
        const article = current();
        if (article) {
          event.preventDefault();
          onStar(article);
        }
        break;
      }
      default:
    }
  });

  return { focusCard };
}
