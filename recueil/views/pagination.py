"""DSFR pagination: first, last, and a window of pages around the current one."""
import math


def pagination(current: int, total: int, per_page: int, url) -> dict | None:
    """What the pagination template needs, or None when everything fits on page 1.

    `items` are page numbers with None for an ellipsis; `url(number)` links a page.
    """
    last = max(1, math.ceil(total / per_page))
    if last == 1 and current == 1:
        return None
    window = sorted({1, last, *range(max(1, current - 2), min(last, current + 2) + 1)})
    items, previous = [], 0
    for number in window:
        if number - previous > 1:
            items.append(None)  # an ellipsis
        items.append(number)
        previous = number
    return {"current": current, "last": last, "items": items, "url": url}
