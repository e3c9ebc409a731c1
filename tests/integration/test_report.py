"""The HTML report (snakemake --report) of the demo run, opened in headless Chromium as a
reader would: it renders without script errors, is not blank, and shows every patient."""

import shutil
import subprocess

import pytest

from helpers import run_snakemake

PATIENTS = ("IMT01", "IMT02", "NB01")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--enable-logging=stderr",
    "--v=0",
    "--virtual-time-budget=15000",
]


@pytest.fixture(scope="module")
def report(demo_results, tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "report.html"
    result = run_snakemake("--report", str(out))
    assert result.returncode == 0, result.stderr[-3000:]
    # docutils' messages on the report's texts (a category named like Snakemake's own
    # "Workflow" link target, an RST substitution in a caption) end up in the report
    assert "(WARNING/" not in result.stderr and "(ERROR/" not in result.stderr, result.stderr
    assert out.stat().st_size > 100_000
    return out


def chromium(*args, profile):
    binary = shutil.which("chromium")
    assert binary, "chromium is needed (envs/install.sh test installs Debian's chromium)"
    cmd = [binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=180)


def test_report_renders_every_patient_without_script_errors(report, tmp_path):
    result = chromium("--dump-dom", report.as_uri(), profile=tmp_path / "profile")
    assert result.returncode == 0, result.stderr[-3000:]
    errors = [line for line in result.stderr.splitlines() if "Uncaught" in line]
    assert not errors, errors
    dom = result.stdout
    for patient in PATIENTS:
        assert patient in dom, patient
    assert "Quality control" in dom and "Cohort" in dom  # QC and the cohort expression models
    assert "versions.tsv" in dom  # what made the results (category Software versions)


def test_report_screenshot_is_not_blank(report, tmp_path):
    from PIL import Image

    shot = tmp_path / "report.png"
    result = chromium(
        f"--screenshot={shot}",
        "--window-size=1400,1000",
        report.as_uri(),
        profile=tmp_path / "profile",
    )
    assert result.returncode == 0 and shot.exists(), result.stderr[-3000:]
    image = Image.open(shot).convert("L")
    assert image.size == (1400, 1000)
    histogram = image.histogram()
    # a blank page is one grey level; a rendered report has text, a menu and colours
    assert sum(1 for count in histogram if count > 200) >= 10
    assert max(histogram) < 0.97 * sum(histogram)


# A page that opens the report in a frame, clicks through it as a reader would (patient ->
# subcategory -> figure) and copies what the frame then shows into its own DOM.
CLICK_THROUGH = """<html><body><iframe id="r" src="report.html" width="1400" height="1000">
</iframe><pre id="out">pending</pre><script>
const frame = document.getElementById("r");
function click(doc, text) {
  const el = [...doc.querySelectorAll("a, button, li, span, div, td")].reverse()
    .find(e => e.textContent.trim() === text);
  if (el) el.click();
  return el ? "clicked " + text : "missing " + text;
}
function view(doc, label) {  // a result's eye button, in the row of its label
  const cell = [...doc.querySelectorAll("td")].find(e => e.textContent.trim() === label);
  const eye = cell && cell.closest("tr").querySelector("a");
  if (eye) eye.click();
  return eye ? "viewed " + label : "missing " + label;
}
frame.onload = () => setTimeout(() => {
  const doc = frame.contentDocument, steps = [click(doc, "NB01")];
  setTimeout(() => {
    steps.push(click(doc, "Clones"));
    setTimeout(() => {
      steps.push(view(doc, "fish plot and tumour fraction"));
      setTimeout(() => {
        const images = [...doc.querySelectorAll("img")].filter(i => i.naturalWidth > 500);
        document.getElementById("out").textContent = steps.join("; ") + "\\nimages "
          + images.length + "\\n" + doc.body.innerText;
      }, 2000);
    }, 1500);
  }, 1500);
}, 2000);
</script></body></html>"""


def test_report_shows_the_fish_plot_and_tumour_fraction(report, tmp_path):
    shutil.copy(report, tmp_path / "report.html")
    (tmp_path / "click.html").write_text(CLICK_THROUGH)
    result = chromium(
        "--allow-file-access-from-files",
        "--dump-dom",
        (tmp_path / "click.html").as_uri(),
        profile=tmp_path / "profile",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    shown = result.stdout.split('<pre id="out">', 1)[1]
    assert "clicked NB01; clicked Clones; viewed fish plot and tumour fraction" in shown, shown
    assert "tumour fraction" in shown, shown[:3000]  # the table beside the figure
    assert "images 1" in shown, shown[:3000]  # the fish plot, opened
    assert "fish (Muller) plot" in report.read_text()  # with its caption


def test_multiqc_reads_every_qc_source(demo_results):
    html = (demo_results / "qc" / "multiqc" / "multiqc_report.html").read_text()
    for module in ("fastp", "STAR", "mosdepth"):
        assert module in html, module
    data = demo_results / "qc" / "multiqc" / "multiqc_report_data"
    general = (data / "multiqc_general_stats.txt").read_text()
    for sample in ("IMT01-T2", "NB01-P2", "IMT01-R1"):
        assert sample in general, sample
    # duplicates: samtools markdup's statistics of every WES and every STAR-aligned RNA sample
    # (MultiQC 1.35 needs the search pattern of resources/multiqc_config.yaml to find them)
    import pandas as pd

    stats = pd.read_csv(data / "multiqc_general_stats.txt", sep="\t").set_index("Sample")
    fraction = stats["samtools_markdup-duplicate_fraction"].dropna()
    wes = sorted(p.name.split(".")[0] for p in (demo_results / "qc" / "markdup").rglob("*.txt"))
    star = (demo_results / "qc" / "markdup_star").rglob("*.txt")
    rna = sorted(p.name.split(".")[0] for p in star)
    assert sorted(fraction.index) == sorted(wes + rna) and (len(wes), len(rna)) == (13, 8)
    assert all(0 < fraction[s] < 20 for s in rna), fraction[rna]
    text = (demo_results / "qc" / "markdup" / "NB01" / "NB01-N.markdup.txt").read_text()
    counts = dict(line.split(": ", 1) for line in text.splitlines()[1:])
    expected = 100 * int(counts["DUPLICATE TOTAL"]) / int(counts["EXAMINED"])
    assert abs(fraction["NB01-N"] - expected) < 0.01
    # insert sizes: samtools stats of every WES sample (results/qc/fragments/)
    inserts = pd.read_csv(data / "multiqc_samtools_stats.txt", sep="\t").set_index("Sample")
    assert sorted(inserts.index) == wes
    assert (
        inserts.loc["NB01-P2", "insert_size_average"] < inserts.loc["NB01-N", "insert_size_average"]
    )
