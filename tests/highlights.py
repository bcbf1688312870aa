"""What the arXiv overlay highlighted, as the reader sees it, in whichever way the browser drew it: the
CSS Custom Highlight API's ranges (Chromium, Firefox 140 on) or <mark>s (browsers without it)."""

from __future__ import annotations

# A page function: the highlighted words inside `root`, in page order. A mark gives its text; a range of
# the overlay's registered highlight gives the text it covers, and one that no longer fits its text node
# (the browser does not paint it) gives nothing.
HIGHLIGHTED = """(root) => {
    const pieces = [...root.querySelectorAll('mark.academichub-hit')].map((mark) => {
        const range = document.createRange();
        range.selectNodeContents(mark);
        return range;
    });
    // forEach, not for...of: Firefox's script sandboxes cannot iterate the page's set-like objects.
    globalThis.CSS?.highlights?.get('academichub-hit')?.forEach((painted) => {
        if (!root.contains(painted.startContainer)) return;
        const range = document.createRange();
        try {
            range.setStart(painted.startContainer, painted.startOffset);
            range.setEnd(painted.endContainer, painted.endOffset);
        } catch {
            return;
        }
        if (!range.collapsed) pieces.push(range);
    });
    pieces.sort((a, b) => a.compareBoundaryPoints(Range.START_TO_START, b));
    return pieces.map((range) => range.toString());
}"""

# A page function: for each element matching the selector, in page order, its highlighted words.
HIGHLIGHTED_IN = (
    "(selector) => { const highlighted = "
    + HIGHLIGHTED
    + "; return [...document.querySelectorAll(selector)].map(highlighted); }"
)
