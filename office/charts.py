"""The geometry of the dashboard's few charts, drawn as inline SVG by the templates under
`templates/portal/charts/`: no chart library, no script. A bar's length is its value's share
of the largest one; every value is also written out, in the chart or in a table under it."""

from collections.abc import Sequence


def horizontal_bars(
    rows: Sequence[tuple[str, int]],
    *,
    width: int = 560,
    row_height: int = 22,
    label_width: int = 250,
) -> dict:
    """One bar a row, labelled on the left, its value at its end."""
    top = max((value for _, value in rows), default=0) or 1
    plot = width - label_width - 48  # room for the value after the longest bar
    bars = []
    for index, (label, value) in enumerate(rows):
        length = round(plot * value / top, 1)
        y = index * row_height
        bars.append(
            {
                "label": label,
                "value": value,
                "y": y + 3,
                "height": row_height - 6,
                "width": length,
                "text_y": y + row_height * 0.68,
                "value_x": label_width + length + 5,
            }
        )
    return {
        "width": width,
        "height": row_height * len(rows) + 2,
        "label_x": label_width - 6,
        "bar_x": label_width,
        "bars": bars,
    }


def grouped_columns(
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[int], str]],
    *,
    width: int = 560,
    height: int = 200,
) -> dict:
    """Columns side by side for each category (e.g. a month): `series` is (name, values,
    css class) each with one value per category."""
    left, bottom, top_margin = 34, 22, 12
    plot_width, plot_height = width - left - 4, height - bottom - top_margin
    top = max((value for _, values, _ in series for value in values), default=0) or 1
    slot = plot_width / max(len(categories), 1)
    column = slot * 0.8 / max(len(series), 1)
    columns = []
    for index, category in enumerate(categories):
        for number, (name, values, css) in enumerate(series):
            value = values[index]
            column_height = round(plot_height * value / top, 1)
            columns.append(
                {
                    "x": round(left + index * slot + slot * 0.1 + number * column, 1),
                    "y": round(top_margin + plot_height - column_height, 1),
                    "width": round(column - 1, 1),
                    "height": column_height,
                    "value": value,
                    "title": f"{category} {name}: {value}",
                    "css": css,
                }
            )
    labels = [
        {"x": round(left + (index + 0.5) * slot, 1), "text": category}
        for index, category in enumerate(categories)
    ]
    return {
        "width": width,
        "height": height,
        "axis_x": left,
        "axis_top": top_margin,
        "axis_bottom": top_margin + plot_height,
        "label_y": height - 6,
        "top_value": top if any(values for _, values, _ in series) else 0,
        "columns": columns,
        "labels": labels,
        "legend": [{"name": name, "css": css} for name, _, css in series],
        "table": [
            {"category": category, "values": [values[index] for _, values, _ in series]}
            for index, category in enumerate(categories)
        ],
    }


def stacked_bars(
    rows: Sequence[tuple[str, Sequence[tuple[str, int, str]]]],
    *,
    width: int = 560,
    row_height: int = 30,
    label_width: int = 200,
) -> dict:
    """One bar a row, split into its parts (name, value, css class) by their share of the
    row's total: how far a round of reviews has come."""
    plot = width - label_width - 4
    bars = []
    for index, (label, parts) in enumerate(rows):
        total = sum(value for _, value, _ in parts)
        x = float(label_width)
        segments = []
        for name, value, css in parts:
            length = round(plot * value / total, 1) if total else 0
            segments.append(
                {"x": round(x, 1), "width": length, "name": name, "value": value, "css": css}
            )
            x += length
        y = index * row_height
        bars.append(
            {
                "label": label,
                "total": total,
                "y": y + 4,
                "height": row_height - 8,
                "text_y": y + row_height * 0.62,
                "segments": segments,
            }
        )
    return {
        "width": width,
        "height": row_height * len(rows) + 2,
        "label_x": label_width - 6,
        "bars": bars,
    }
