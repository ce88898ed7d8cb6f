"""Horizontal bar charts as static SVG, drawn on the server.

Hand-written rather than a charting library: pygal, the well-kept candidate, embeds a
`<script>` and a `<style>` element in every chart, which the site's Content-Security-Policy
(no scripts, no inline styles) would block. These charts use presentation attributes only, so
they render inline in the page and in the PDF report alike, without JavaScript. The figures are
always in a table beside the chart as well; the SVG is `aria-hidden` for screen readers.
"""

from django.utils.html import escape

BAR_COLOUR = "#1f4e79"
TEXT_COLOUR = "#1a1a1a"
GRID_COLOUR = "#c8c8c8"
ROW_HEIGHT = 28
LABEL_WIDTH = 330
BAR_AREA = 320
VALUE_WIDTH = 70


def bar_chart(rows: list[tuple[str, float]], *, unit: str = "", maximum: float | None = None):
    """An SVG of one bar per (label, value) row; values are written after their bars."""
    top = max([maximum or 0, *(value for _label, value in rows)]) or 1
    width = LABEL_WIDTH + BAR_AREA + VALUE_WIDTH
    height = ROW_HEIGHT * len(rows) + 8
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" aria-hidden="true" focusable="false" '
        f'font-family="DejaVu Sans, Arial, sans-serif" font-size="12">',
        f'<line x1="{LABEL_WIDTH}" y1="0" x2="{LABEL_WIDTH}" y2="{height}" '
        f'stroke="{GRID_COLOUR}" stroke-width="1"/>',
    ]
    for index, (label, value) in enumerate(rows):
        y = index * ROW_HEIGHT + 4
        bar = round(BAR_AREA * (value or 0) / top, 1)
        text_y = y + ROW_HEIGHT / 2 + 4
        shown = f"{value:g}{unit}" if value is not None else "–"
        parts += [
            f'<text x="{LABEL_WIDTH - 8}" y="{text_y}" text-anchor="end" '
            f'fill="{TEXT_COLOUR}">{escape(_shorten(label))}</text>',
            f'<rect x="{LABEL_WIDTH}" y="{y + 4}" width="{bar}" height="{ROW_HEIGHT - 10}" '
            f'fill="{BAR_COLOUR}"/>',
            f'<text x="{LABEL_WIDTH + bar + 6}" y="{text_y}" fill="{TEXT_COLOUR}">'
            f"{escape(shown)}</text>",
        ]
    parts.append("</svg>")
    return "".join(parts)


def _shorten(label: str, limit: int = 44) -> str:
    label = str(label)
    return label if len(label) <= limit else label[: limit - 1] + "…"
