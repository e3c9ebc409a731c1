#!/usr/bin/env bash
# Install what resistance-timeline needs, then optionally run the demo or the tests.
#
#   bash envs/install.sh          install only
#   bash envs/install.sh demo     install, generate the demo cohort, run the workflow on it
#   bash envs/install.sh test     install, generate the demo cohort, run the test suite
#   bash envs/install.sh quick    install, then the quick tier: unit tests, parse-time checks
#                                 and house rules (about 3 minutes on 2 cores; no workflow run)
#
# Bioinformatics tools come from Debian's packages (when run as root on Debian/Ubuntu); Python
# packages are pinned in a venv at .venv/. Without root, it lists the missing tools and points
# to the conda route (snakemake --sdm conda, envs/*.yaml).
# Environment: CORES (default: all), PYTHON (default: python3), RT_SKIP_APT=1 to skip apt-get.
set -euo pipefail
cd "$(dirname "$0")/.."

mode="${1:-install}"
case "$mode" in install | demo | test | quick) ;; *)
    echo "usage: bash envs/install.sh [install|demo|test|quick]" >&2
    exit 2
    ;;
esac

# command -> Debian package
declare -A DEBIAN=(
    [bwa]=bwa [samtools]=samtools [bcftools]=bcftools [tabix]=tabix [bgzip]=tabix
    [freebayes]=freebayes [STAR]=rna-star [fastp]=fastp
    # Debian's mosdepth loads the unversioned libhts.so, which only libhts-dev provides
    [mosdepth]="mosdepth libhts-dev"
    # CNVkit's CBS segmentation runs R's DNAcopy
    [Rscript]="r-base-core r-bioc-dnacopy"
)

missing_tools() {
    local cmd
    for cmd in "${!DEBIAN[@]}"; do
        if ! command -v "$cmd" >/dev/null 2>&1; then
            echo "$cmd"
        elif [ "$cmd" = mosdepth ] && ! mosdepth --version >/dev/null 2>&1; then
            echo "$cmd" # installed but cannot start (libhts.so missing)
        elif [ "$cmd" = Rscript ] && ! Rscript -e 'library(DNAcopy)' >/dev/null 2>&1; then
            echo "$cmd" # R without DNAcopy
        fi
    done | sort
}

missing=$(missing_tools)
if [ -n "$missing" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null && [ "${RT_SKIP_APT:-0}" != 1 ]; then
        packages=$(for cmd in $missing; do echo ${DEBIAN[$cmd]}; done | tr ' ' '\n' | sort -u)
        echo "install.sh: installing Debian packages: $(echo $packages)"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        # shellcheck disable=SC2086
        apt-get install -y -qq --no-install-recommends $packages >/dev/null
        missing=$(missing_tools)
    fi
fi
if [ -n "$missing" ]; then
    cat >&2 <<EOF
install.sh: these tools are not on the PATH: $(echo $missing)
  As root on Debian/Ubuntu this script installs them with apt-get. Without root, either ask
  for the Debian packages ($(for c in $missing; do echo -n "${DEBIAN[$c]} "; done)) or use the
  cluster route: install snakemake (envs/requirements.txt) and run with
  'snakemake --sdm conda', which builds each rule's environment from envs/*.yaml.
EOF
    exit 1
fi

python="${PYTHON:-python3}"
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "install.sh: Python 3.11 or newer is needed ($python is $("$python" --version 2>&1))." >&2
    exit 1
fi
stamp=.venv/.requirements.sha256
wanted=$(cat envs/requirements.txt envs/constraints.txt | sha256sum | cut -d' ' -f1)
if [ ! -x .venv/bin/python ] || [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
    echo "install.sh: creating the Python environment in .venv (pinned packages)"
    "$python" -m venv .venv
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -r envs/requirements.txt -c envs/constraints.txt
    echo "$wanted" >"$stamp"
fi
export PATH="$PWD/.venv/bin:$PATH"

cores="${CORES:-all}"
case "$mode" in
install)
    echo "install.sh: ready. Activate with: source .venv/bin/activate"
    ;;
demo)
    python resources/demo/make_demo_cohort.py --if-missing
    snakemake --cores "$cores" --configfile config/config.yaml
    snakemake --configfile config/config.yaml --report results/report.html
    echo "install.sh: demo done; outputs are under results/ (see README.md), the report is results/report.html."
    ;;
test)
    # the report test opens the HTML report in headless Chromium; the SLURM test stands up a
    # single-node cluster (munge, slurmctld, slurmd; started by the test, not as services)
    test_packages=""
    command -v chromium >/dev/null 2>&1 || test_packages="chromium"
    for cmd in slurmctld slurmd sbatch munged; do
        command -v "$cmd" >/dev/null 2>&1 || test_packages="$test_packages slurmctld slurmd slurm-client munge"
    done
    if [ -n "$test_packages" ] && [ "$(id -u)" = 0 ] && [ "${RT_SKIP_APT:-0}" != 1 ]; then
        test_packages=$(echo $test_packages | tr ' ' '\n' | sort -u | tr '\n' ' ')
        echo "install.sh: installing Debian packages for the tests: $test_packages"
        apt-get update -qq
        # shellcheck disable=SC2086
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $test_packages >/dev/null
    fi
    python resources/demo/make_demo_cohort.py --if-missing
    python -m pytest -ra --durations=40 tests
    ;;
quick)
    # for work on the code; CI runs the whole suite (test)
    python resources/demo/make_demo_cohort.py --if-missing
    python -m pytest -q tests/unit tests/integration/test_house_rules.py \
        tests/integration/test_workflow_cli.py tests/integration/test_bad_inputs.py \
        tests/integration/test_prebuilt_indexes.py tests/integration/test_reference_prep.py
    ;;
esac
