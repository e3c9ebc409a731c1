"""A real single-node SLURM cluster on localhost for the tests: Debian's munge, slurmctld and
slurmd, started as plain processes (no systemd) and torn down by their PIDs.

Why each setting (measured on this kind of machine, 2 cores, no systemd):

- Everything lives in one private directory, and the cluster's ``slurm.conf`` reaches only
  the processes given ``cluster.env`` (``SLURM_CONF``): nothing is written under /etc/slurm,
  /run or /var. That matters beyond tidiness: Snakemake imports the SLURM executor plugin on
  every call, and when ``sinfo`` is on the PATH the plugin runs ``scontrol show config`` (with a
  10 s timeout) while building its command-line help. With a slurm.conf naming a controller
  that is down, every later ``snakemake`` call would wait those 10 s; with no slurm.conf to
  find, scontrol fails at once and costs nothing.
- munged runs as the munge user on a private socket and key (``AuthInfo=socket=``), so a
  site's own munged, if any, is neither used nor disturbed.
- No accounting daemon: the plugin's status command must be ``squeue``, and the controller
  keeps finished jobs (``MinJobAge``) well beyond 3 x the first status check, or Snakemake
  falls back to sacct, which sees nothing here.
- ``RealMemory`` a little under ``slurmd -C``'s figure (slurmd drains a node claiming more than
  it has), ``DefMemPerCPU`` set, memory a consumable resource and enforced by sampling
  (``OverMemoryKill``, every second), so a job over its ``mem_mb`` ends OUT_OF_MEMORY.
- The node offers each core twice (``config_overrides``): most of a short job's wall time is
  Snakemake starting up and the plugin waiting between status checks, so two jobs of two
  threads side by side finish sooner on two cores than one after the other.
- ``slurmstepd`` outlives ``slurmd``: jobs are cancelled (and waited for) before the daemons
  stop.
- Inside a job, snakemake-executor-plugin-slurm-jobstep (0.6.1) starts the rule with ``srun``
  in an environment stripped of every ``SLURM_*`` variable, ``SLURM_CONF`` included, so that
  srun would look for /etc/slurm/slurm.conf. The cluster's ``bin/srun`` (first on the jobs'
  PATH) puts ``SLURM_CONF`` back and runs the real srun; a site with its slurm.conf in the
  default place needs nothing of the kind.
"""

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

CLIENT_TOOLS = ("sbatch", "squeue", "scontrol", "scancel", "sinfo", "srun")
DAEMONS = ("munged", "mungekey", "slurmctld", "slurmd")

SLURM_CONF = """\
ClusterName=rtci
SlurmctldHost={node}(127.0.0.1)
SlurmctldPort={ctld_port}
SlurmdPort={slurmd_port}
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket={munge_socket}
SlurmUser=root
SlurmdUser=root
StateSaveLocation={root}/state
SlurmdSpoolDir={root}/spool
SlurmctldPidFile={root}/slurmctld.pid
SlurmdPidFile={root}/slurmd.pid
SlurmctldLogFile={root}/slurmctld.log
SlurmdLogFile={root}/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherFrequency=task=1
JobAcctGatherParams=OverMemoryKill
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SchedulerType=sched/backfill
MinJobAge={min_job_age}
ReturnToService=2
MpiDefault=none
DefMemPerCPU=500
SlurmdParameters=config_overrides
NodeName={node} NodeAddr=127.0.0.1 CPUs={slots} RealMemory={memory_mb} State=UNKNOWN
PartitionName={partition} Nodes={node} Default=YES MaxTime=INFINITE State=UP
"""


def unavailable_reason():
    """Why no cluster can be started here (None when it can)."""
    if os.geteuid() != 0:
        return "a local SLURM cluster needs root (slurmd, munged as the munge user)"
    missing = [t for t in (*CLIENT_TOOLS, *DAEMONS) if shutil.which(t) is None]
    if missing:
        return (
            f"SLURM/munge not installed ({', '.join(missing)} missing; "
            "'bash envs/install.sh test' installs slurmctld slurmd slurm-client munge as root)"
        )
    try:
        pwd.getpwnam("munge")
    except KeyError:
        return "no munge user (Debian's munge package creates it)"
    return None


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _node_facts():
    """CPUs and RealMemory (MB) as slurmd -C reports them."""
    out = subprocess.run(["slurmd", "-C"], capture_output=True, text=True, check=True).stdout
    facts = dict(f.split("=", 1) for f in out.split() if "=" in f)
    return int(facts["CPUs"]), int(facts["RealMemory"])


class SlurmCluster:
    """One node (this machine, named by its host name), one partition."""

    def __init__(self, partition="rt_ci", min_job_age=900):
        self.partition = partition
        self.min_job_age = min_job_age
        self.node = socket.gethostname().split(".")[0]
        # munged (as munge) must reach its files: a 0755 directory outside pytest's 0700 tree
        self.root = Path(tempfile.mkdtemp(prefix="rt-slurm-"))
        self.root.chmod(0o755)
        self.conf = self.root / "slurm.conf"
        self.munge_dir = self.root / "munge"
        self.processes = {}
        self.bin = self.root / "bin"
        path = f"{self.bin}{os.pathsep}{os.environ.get('PATH', '')}"
        self.env = dict(os.environ, SLURM_CONF=str(self.conf), PATH=path)

    # --- start ---------------------------------------------------------------------------
    def start(self, timeout=90):
        cpus, memory = _node_facts()
        self.cpus = cpus
        for sub in ("state", "spool", "bin"):
            (self.root / sub).mkdir()
        srun = self.bin / "srun"
        srun.write_text(f'#!/bin/sh\nSLURM_CONF={self.conf} exec {shutil.which("srun")} "$@"\n')
        srun.chmod(0o755)
        self.conf.write_text(
            SLURM_CONF.format(
                node=self.node,
                root=self.root,
                ctld_port=_free_port(),
                slurmd_port=_free_port(),
                munge_socket=self.munge_dir / "munge.socket",
                min_job_age=self.min_job_age,
                slots=2 * cpus,
                memory_mb=int(memory * 0.9),
                partition=self.partition,
            )
        )
        self._start_munge()
        self._spawn("slurmctld", ["slurmctld", "-D", "-i"])
        self._wait(lambda: "UP" in self.run("scontrol", "ping").stdout, timeout, "scontrol ping")
        self._spawn("slurmd", ["slurmd", "-D", "-N", self.node])
        self._wait(self._node_idle, timeout, f"node {self.node} idle")
        smoke = self.run("srun", "-p", self.partition, "-N1", "-n1", "-t", "1", "hostname")
        if smoke.returncode != 0:
            raise RuntimeError(f"srun smoke test failed: {smoke.stderr}\n{self.logs()}")
        return self

    def _start_munge(self):
        munge = pwd.getpwnam("munge")
        self.munge_dir.mkdir(mode=0o755)
        os.chown(self.munge_dir, munge.pw_uid, munge.pw_gid)
        key = self.munge_dir / "munge.key"
        subprocess.run(["mungekey", "--create", "--keyfile", str(key)], check=True)
        os.chown(key, munge.pw_uid, munge.pw_gid)
        key.chmod(0o600)
        files = {
            "--socket": "munge.socket",
            "--key-file": "munge.key",
            "--log-file": "munged.log",
            "--pid-file": "munged.pid",
            "--seed-file": "munged.seed",
        }
        args = [f"{opt}={self.munge_dir / name}" for opt, name in files.items()]
        self._spawn("munged", ["munged", "--foreground", *args], user=munge)
        socket_path = self.munge_dir / "munge.socket"
        self._wait(socket_path.exists, 20, "munged socket")

    def _spawn(self, name, cmd, user=None):
        log = open(self.root / f"{name}.out", "w")
        ids = {"user": user.pw_uid, "group": user.pw_gid} if user else {}
        self.processes[name] = subprocess.Popen(
            cmd, env=self.env, stdout=log, stderr=subprocess.STDOUT, **ids
        )
        log.close()

    def _node_idle(self):
        state = self.run("sinfo", "-h", "-n", self.node, "-o", "%T").stdout.strip()
        return state == "idle"

    def _wait(self, ready, timeout, what):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for name, proc in self.processes.items():
                if proc.poll() is not None:
                    raise RuntimeError(f"{name} exited ({proc.returncode})\n{self.logs()}")
            if ready():
                return
            time.sleep(0.5)
        raise RuntimeError(f"SLURM not ready after {timeout} s: {what}\n{self.logs()}")

    # --- use -----------------------------------------------------------------------------
    def run(self, *cmd, timeout=60):
        """A SLURM client command against this cluster."""
        return subprocess.run(cmd, env=self.env, capture_output=True, text=True, timeout=timeout)

    def jobs(self):
        """Every job the controller still remembers: {job id: {state, partition, account,
        name, comment}} (finished jobs stay for MinJobAge seconds; the comment names the rule)."""
        fields = ("state", "partition", "account", "name", "comment")
        out = self.run("squeue", "--states=all", "-h", "-o", "%i|%T|%P|%a|%j|%k").stdout
        table = {}
        for line in out.splitlines():
            job, *values = line.split("|", len(fields))
            table[job] = dict(zip(fields, values))
        return table

    def logs(self, tail=3000):
        texts = []
        for path in sorted(self.root.glob("*.log")) + sorted(self.root.glob("*.out")):
            texts.append(f"--- {path.name}\n{path.read_text(errors='replace')[-tail:]}")
        return "\n".join(texts)

    # --- stop ----------------------------------------------------------------------------
    def stop(self):
        """Cancel every job (slurmstepd outlives slurmd), then stop the daemons by PID, the
        node first, and remove the directory (so no slurm.conf is left to find)."""
        if "slurmctld" in self.processes and self.processes["slurmctld"].poll() is None:
            self.run("scancel", "--full", "-p", self.partition)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and any(
                job["state"] in ("RUNNING", "PENDING", "COMPLETING") for job in self.jobs().values()
            ):
                time.sleep(0.5)
        for name in ("slurmd", "slurmctld", "munged"):
            proc = self.processes.pop(name, None)
            if proc is None or proc.poll() is not None:
                continue
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        shutil.rmtree(self.root, ignore_errors=True)


def site_profile(shipped, dest, partition, account, **settings):
    """The shipped SLURM profile as a site fills it in (partition and account), plus the
    settings this accounting-free test cluster needs; written to ``dest``/config.yaml."""
    text = Path(shipped, "config.yaml").read_text()
    for key, value in (("slurm_partition", partition), ("slurm_account", account)):
        assert text.count(f"{key}=CHANGE_ME") == 1, f"{key} placeholder not in {shipped}"
        text = text.replace(f"{key}=CHANGE_ME", f"{key}={value}")
    text += "".join(f"{key}: {value}\n" for key, value in settings.items())
    Path(dest).mkdir(parents=True, exist_ok=True)
    Path(dest, "config.yaml").write_text(text)
    return Path(dest)
