"""The per-patient timeline figure (rule plot_timeline): a patient's events over the days of
its samples, under its lines of therapy (PNG and SVG, for the report).

Five panels share the day axis, each drawn even when empty, so every patient's figure has the
same layout; an empty panel says what was looked for and where ("no fusion detected in 3 RNA
samples"), and "no data" only where nothing of its kind was measured (no RNA sample):

1. therapy: each line as a coloured band from start to end day (an ongoing line runs off the
   right edge), labelled with its drug, line number and best response; the samples' days are
   marked above (short sample ids) and as dotted lines through every panel;
2. VAF of the somatic variants (snv, indel) with their Wilson intervals, and dashed those of
   clonal haematopoiesis (blood cells'); a not_detected sample is an open downward triangle
   at its detection limit (the VAF lies below it);
3. copy number of genes with a cnv event (log2 axis, 2 copies marked; "+LOH" with LOH); 4.
   fusion support (split + spanning fragments) at the RNA samples;
5. expression changes (log2 fold change at a contrast's post sample, with its interval) and
   pathway activity scores (dashed) at the RNA samples.

Detected points are filled (circle tumour, square cfDNA); not_detected open; not_covered a
grey x. Resistance-relevant events (the events row's relevance mentions resistance, or the
event was acquired and has a knowledge-base match) are drawn bold in red and labelled on the
plot with gene and event ("ALK p.L1196Q"). Each panel shows at most ``MAX_SERIES`` events —
relevant first, then acquired/lost/transient ones, then the rest in table order — and its
legend says how many more there are. SVG text stays text (``svg.fonttype: none``).
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.ticker import FixedLocator, FormatStrFormatter, NullLocator  # noqa: E402

from resistance_timeline.dna.clonal_hematopoiesis import CH_ORIGINS
from resistance_timeline.timeline.therapy import number, ordered_lines  # noqa: E402

MAX_SERIES = 8  # events per panel; the rest are counted in the legend
RC = {"svg.fonttype": "none", "font.size": 8, "legend.fontsize": 7}
CHANGING = ("acquired", "lost", "transient", "expands", "shrinks")
RED = ["#d62728", "#8b0000", "#ff5a4e", "#b5382c", "#e07a7c"]
OTHER = [
    *["#1f77b4", "#2ca02c", "#9467bd", "#8c564b", "#17becf"],
    *["#7f7f7f", "#bcbd22", "#e377c2", "#ff7f0e", "#393b79"],
]
THERAPY = ["#9ecae1", "#a1d99b", "#fdd0a2", "#bcbddc", "#fcbba1", "#c7e9c0"]
NOT_COVERED = "#9a9a9a"
CN_TICKS = [0.25, 0.5, 1, 1.5, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128]
MIN_CN = 0.1  # copy numbers drawn no lower (log axis)
PANELS = [  # panel: event types, y label
    ("vaf", ("snv", "indel", *CH_ORIGINS), "VAF (somatic; CH dashed)"),
    ("cnv", ("cnv",), "copy number"),
    ("fusion", ("fusion",), "fusion fragments"),
    ("change", ("expression", "pathway"), "log2 FC / pathway score"),
]
# what an empty panel looked for, and in which samples
EMPTY = {
    "vaf": ("no somatic variant detected", "tumour/cfDNA exome"),
    "cnv": ("no copy-number change called", "tumour/cfDNA exome"),
    "fusion": ("no fusion detected", "RNA sample"),
    "change": ("no expression or pathway change found", "RNA sample"),
}


def empty_text(kind, samples):
    """What an empty panel says: what was looked for in how many samples, or "no data" when
    the patient has no sample of that kind (``samples``: the sheet's, with assay and
    material; None: unknown)."""
    if samples is None:
        return "no data"
    said, noun = EMPTY[kind]
    if noun == "RNA sample":
        n = sum(1 for s in samples if s["assay"] == "rna")
    else:
        n = sum(1 for s in samples if s["assay"] == "wes" and s["material"] != "normal")
    return f"{said} in {n} {noun}{'s' if n != 1 else ''}" if n else f"no data (no {noun})"


def _num(value):
    """A table value as float, None when blank or not a number."""
    try:
        result = number(value)
    except ValueError:
        return None
    return None if result is None else float(result)


def is_relevant(event):
    """True for an events row whose relevance mentions resistance, or an acquired event with a
    knowledge-base match."""
    if "resistance" in (event.get("relevance") or "").lower():
        return True
    return event.get("classification") == "acquired" and bool(
        (event.get("knowledge") or "").strip()
    )


def event_label(event_type, gene, event):
    """Gene and event ("ALK p.L1196Q"); the event alone when it names the gene (a fusion) or
    there is no gene (a pathway)."""
    if not gene or gene in event:
        return event
    return f"{gene} {event}"


def choose_series(timeline_rows, event_rows, types, limit=MAX_SERIES):
    """The events of ``types`` to draw, as dicts (label, classification, relevant, rows in day
    order), relevant first, then changing ones, then the rest; and how many were left out."""
    info = {(e["event_type"], e.get("gene", ""), e["event"]): e for e in event_rows}
    groups = {}
    for row in timeline_rows:
        if row["event_type"] in types:
            key = (row["event_type"], row.get("gene", ""), row["event"])
            groups.setdefault(key, []).append(row)
    series = []
    for key, rows in groups.items():
        event = info.get(key, {})
        series.append(
            {
                "type": key[0],
                "gene": key[1],
                "label": event_label(*key),
                "classification": event.get("classification", ""),
                "relevant": is_relevant(event),
                "rows": sorted(rows, key=lambda r: _num(r["day"]) or 0.0),
            }
        )
    rank = [(not s["relevant"], s["classification"] not in CHANGING) for s in series]
    ordered = [s for _, s in sorted(zip(rank, series), key=lambda pair: pair[0])]
    return ordered[:limit], max(0, len(ordered) - limit)


def plot_patient_timeline(
    timeline_rows, event_rows, treatments, patient, outputs, settings=None, samples=None
):
    """Draw the patient's figure into every path of ``outputs`` (format from the extension).
    ``timeline_rows``/``event_rows``: the patient's timeline.tsv and events.tsv rows;
    ``treatments``: dicts line, drug, start_day, end_day (blank while ongoing), best_response;
    ``settings``: the timeline section of the configuration, when given the expression panel
    marks ±min_abs_lfc; ``samples``: the patient's samples (assay, material), for what an
    empty panel says."""
    lines = ordered_lines(treatments)
    days = sorted({d for d in (_num(r["day"]) for r in timeline_rows) if d is not None})
    low, high, ongoing_end = _day_range(days, lines)
    with plt.rc_context(RC):
        fig, axes = plt.subplots(
            len(PANELS) + 1,
            1,
            sharex=True,
            figsize=(12, 12),
            gridspec_kw={"height_ratios": [1.0, 2.6, 1.8, 1.3, 2.0]},
            layout="constrained",
        )
        _draw_therapy(axes[0], lines, timeline_rows, ongoing_end, high - low)
        loh_genes = {r.get("gene") for r in timeline_rows if r["event_type"] == "loh"}
        for ax, (kind, types, ylabel) in zip(axes[1:], PANELS):
            shown, hidden = choose_series(timeline_rows, event_rows, types)
            for i, line in enumerate(lines):
                end = ongoing_end if line["end_day"] is None else line["end_day"]
                color = THERAPY[i % len(THERAPY)]
                ax.axvspan(line["start_day"], end, color=color, alpha=0.18, lw=0)
            for day in days:
                ax.axvline(day, color="#bbbbbb", lw=0.6, ls=":", zorder=0)
            ax.set_ylabel(ylabel)
            if not shown:
                text = empty_text(kind, samples)
                ax.text(0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center")
                ax.set_yticks([])
                continue
            _draw_panel(ax, kind, shown, hidden, (high - low), loh_genes, settings)
        axes[0].set_xlim(low, high)
        axes[-1].set_xlabel("day")
        axes[0].set_title(f"{patient}: events over time and lines of therapy", fontsize=11)
        fig.legend(
            handles=_status_key(),
            loc="outside lower center",
            ncol=6,
            frameon=False,
        )
        for path in outputs:
            fig.savefig(path, dpi=120)
        plt.close(fig)


def _day_range(days, lines):
    """x limits, and where an ongoing line's band ends (past the last day shown)."""
    points = [*days, *(t["start_day"] for t in lines)]
    points += [t["end_day"] for t in lines if t["end_day"] is not None]
    if not points:
        points = [0.0, 1.0]
    first, last = min(points), max(points)
    span = max(last - first, 1.0)
    ongoing_end = last + 0.08 * span if any(t["end_day"] is None for t in lines) else last
    return first - 0.03 * span, ongoing_end + 0.03 * span, ongoing_end


def _draw_therapy(ax, lines, timeline_rows, ongoing_end, span):
    """Therapy bands, one lane per set of non-overlapping lines, and the samples' days."""
    lane_ends = []
    for i, line in enumerate(lines):
        end = ongoing_end if line["end_day"] is None else line["end_day"]
        lane = next((k for k, e in enumerate(lane_ends) if e <= line["start_day"]), None)
        if lane is None:
            lane_ends.append(end)
            lane = len(lane_ends) - 1
        lane_ends[lane] = end
        color = THERAPY[i % len(THERAPY)]
        ax.barh(lane, end - line["start_day"], left=line["start_day"], height=0.8, color=color)
        if line["end_day"] is None:
            ax.plot(end, lane, ">", color="#555555", ms=7, clip_on=False)
        ax.text(
            (line["start_day"] + end) / 2,
            lane,
            _therapy_label(line, (end - line["start_day"]) / span),
            ha="center",
            va="center",
            fontsize=7.5,
            clip_on=True,
        )
    lanes = max(1, len(lane_ends))
    by_day = {}
    for row in timeline_rows:
        day = _num(row["day"])
        short = row["sample_id"].removeprefix(f"{row.get('patient_id', '')}-")
        if day is not None and short not in by_day.setdefault(day, []):
            by_day[day].append(short)
    for day, samples in by_day.items():
        ax.axvline(day, color="#555555", lw=0.8, ls=":", zorder=0)
        ax.text(day, lanes - 0.45, " ".join(samples), ha="center", va="bottom", fontsize=7)
    if not lines:
        ax.text(0.5, 0.35, "no treatment recorded", transform=ax.transAxes, ha="center")
    ax.set_ylim(-0.6, lanes + 0.25)
    ax.set_yticks([])
    ax.set_ylabel("therapy")


def _therapy_label(line, fraction):
    """Drug, line number, best response and "ongoing", on more lines when the band is narrow
    (``fraction`` of the day axis)."""
    response = (line.get("best_response") or "").strip()
    number_ = str(line.get("line", "")).strip()
    ongoing = line["end_day"] is None
    if fraction < 0.15:
        short = " · ".join(p for p in (number_ and f"L{number_}", response) if p)
        return "\n".join(p for p in (line["drug"], short, "ongoing" if ongoing else "") if p)
    detail = [number_ and f"line {number_}", response and f"best {response}", ongoing and "ongoing"]
    return f"{line['drug']}\n" + " · ".join(p for p in detail if p)


def _draw_panel(ax, kind, shown, hidden, span, loh_genes, settings):
    """Draw one data panel's series with their legend (right of the panel)."""
    red, other = iter(RED * 4), iter(OTHER * 4)
    handles, labels = [], []
    for i, s in enumerate(shown):
        color = next(red) if s["relevant"] else next(other)
        shift = (i - (len(shown) - 1) / 2) * 0.004 * span
        label = s["label"]
        if kind == "cnv" and s["gene"] in loh_genes:
            label += " +LOH"
        labels.append(_draw_series(ax, s, color, shift, kind))
        width = 2.4 if s["relevant"] else 1.2
        marker = "D" if s["type"] == "pathway" else "o"
        style = "--" if s["type"] in ("pathway", *CH_ORIGINS) else "-"
        text = f"{label} ({s['classification']})" if s["classification"] else label
        handles.append(
            Line2D([], [], color=color, lw=width, ls=style, marker=marker, ms=4, label=text)
        )
    if hidden:
        handles.append(Line2D([], [], lw=0, label=f"+{hidden} more not shown"))
    legend = ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.005, 1.0))
    for handle, text in zip(shown, legend.get_texts()):
        if handle["relevant"]:
            text.set_color(RED[0])
            text.set_fontweight("bold")
    if kind == "vaf":
        ax.set_ylim(bottom=0)
    elif kind == "cnv":
        ax.set_yscale("log", base=2)
        ax.axhline(2, color="#444444", lw=0.8, ls="--", zorder=0.5)
        ax.annotate(
            "2 copies",
            (1.0, 2),
            xycoords=("axes fraction", "data"),
            xytext=(-2, 2),
            textcoords="offset points",
            ha="right",
            fontsize=7,
            color="#444444",
        )
        ax.autoscale_view()
        bottom, top = ax.get_ylim()
        ticks = [t for t in CN_TICKS if bottom <= t <= top]
        ax.yaxis.set_major_locator(FixedLocator(ticks))
        ax.yaxis.set_minor_locator(NullLocator())
        ax.yaxis.set_major_formatter(FormatStrFormatter("%g"))
    elif kind == "fusion":
        ax.set_ylim(bottom=0)
    else:
        ax.axhline(0, color="#444444", lw=0.8, zorder=0.5)
        threshold = _num((settings or {}).get("min_abs_lfc"))
        if threshold:
            for y in (threshold, -threshold):
                ax.axhline(y, color="#888888", lw=0.7, ls="--", zorder=0.5)
    ax.autoscale_view()
    _place_labels(ax, [label for label in labels if label])


def _draw_series(ax, s, color, shift, kind):
    """One event's points (by status), its line through the measured points, and, when
    relevant, its label at the last detection."""
    relevant = s["relevant"]
    width, size = (2.4, 6.5) if relevant else (1.0, 4.5)
    z = 4 if relevant else 2
    path_x, path_y, last = [], [], None
    for row in s["rows"]:
        day, value, status = _num(row["day"]), _num(row["value"]), row["status"]
        if kind == "cnv" and value is not None:
            value = max(value, MIN_CN)
        if day is None:
            continue
        x = day + shift
        square = row.get("material") == "cfdna"
        marker = "D" if s["type"] == "pathway" else ("s" if square else "o")
        if status == "not_covered":
            y = value if value is not None else (2.0 if kind == "cnv" else 0.0)
            ax.plot(x, y, "x", color=NOT_COVERED, ms=size, mew=1.4, zorder=z)
            continue
        if status == "not_detected" and kind == "vaf":
            y = _num(row.get("detection_limit")) or 0.0
            ax.plot(x, y, "v", mfc="white", mec=color, mew=1.3, ms=size, zorder=z + 1)
        elif value is None:
            continue
        else:
            y = value
            filled = status == "detected"
            ax.plot(
                x,
                y,
                marker,
                color=color,
                mfc=color if filled else "white",
                mec=color,
                mew=1.3,
                ms=size,
                zorder=z + 1,
            )
            lo, hi = _num(row.get("value_low")), _num(row.get("value_high"))
            if lo is not None and hi is not None and (status == "detected" or kind != "vaf"):
                if kind == "cnv":
                    lo, hi = max(lo, MIN_CN), max(hi, MIN_CN)
                err = [[max(y - lo, 0)], [max(hi - y, 0)]]
                ax.errorbar(x, y, yerr=err, fmt="none", ecolor=color, elinewidth=0.9, zorder=z)
            if status == "detected":
                last = (x, y)
        path_x.append(x)
        path_y.append(y)
    style = "--" if s["type"] == "pathway" else "-"
    ax.plot(path_x, path_y, style, color=color, lw=width, alpha=0.9 if relevant else 0.6, zorder=z)
    return (*last, s["label"], color) if relevant and last is not None else None


def _place_labels(ax, labels):
    """Name the relevant events at their last detection, stacking labels whose points are
    close (above the point, below it near the top of the panel)."""
    to_axes = ax.transData + ax.transAxes.inverted()
    points = [(*to_axes.transform((x, y)), x, y, text, color) for x, y, text, color in labels]
    up = all(ax_y < 0.8 for _, ax_y, *_ in points)
    placed = []
    for ax_x, ax_y, x, y, text, color in sorted(points, key=lambda p: p[1], reverse=not up):
        k = sum(1 for px, py in placed if abs(px - ax_x) < 0.2 and abs(py - ax_y) < 0.12)
        placed.append((ax_x, ax_y))
        offset = 11 * k + 6
        ax.annotate(
            text,
            (x, y),
            xytext=(-6, offset if up else -offset),
            textcoords="offset points",
            ha="right",
            va="bottom" if up else "top",
            color=color,
            fontweight="bold",
            fontsize=8,
            zorder=6,
            bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.75},
        )


def _status_key():
    """The figure-wide key of marker styles."""

    def key(marker, label, **style):
        return Line2D([], [], lw=0, marker=marker, ms=6, label=label, **style)

    return [
        key("o", "detected (tumour)", color="#555555"),
        key("s", "detected (cfDNA)", color="#555555"),
        key("v", "not detected: below detection limit", mfc="white", mec="#555555"),
        key("o", "not detected (value as measured)", mfc="white", mec="#555555"),
        key("x", "not covered", color=NOT_COVERED, mew=1.4),
        Line2D([], [], color=RED[0], lw=2.4, label="resistance-relevant"),
    ]
