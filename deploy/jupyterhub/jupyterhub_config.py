"""JupyterHub for a workshop on one server: one Unix account per learner, the course installed once.

Started by ``deploy/jupyterhub/workshop.sh start`` (see INSTRUCTORS.md, "Running a workshop"), which
sets the variables below; every one has a default, so ``jupyterhub -f jupyterhub_config.py`` works too.

- Log-in: PAM, i.e. the learners' Unix accounts and passwords (``workshop.sh add-learner NAME``).
  Only members of the workshop's group may log in; the instructor is the hub's admin.
- Servers: the local process spawner starts each learner's JupyterLab as that learner's Unix user, in
  their home directory. nbgrader names a submission after the Unix user, so one account per learner
  is what keeps submissions apart (with one shared account they would overwrite each other).
- The course: one environment for everybody (the repository's ``.venv``, readable by all users);
  its ``jupyterhub-singleuser`` runs every server, its kernel runs every notebook.
- nbgrader: the exchange and the course id come from ``$WORKSHOP_DIR/etc/jupyter/nbgrader_config.py``
  (written by ``workshop.sh init``), put on every server's Jupyter config path.
"""
import os
from pathlib import Path

c = get_config()  # noqa: F821  (JupyterHub's config loader defines it)

REPO = Path(__file__).resolve().parents[2]
#: Where the hub keeps its state (database, cookie secret, logs), the exchange and the shared config.
WORKSHOP_DIR = Path(os.environ.get("WORKSHOP_DIR", "/srv/optim-workshop"))
#: The environment the course is installed in, shared by all servers.
VENV = Path(os.environ.get("WORKSHOP_VENV", REPO / ".venv"))
GROUP = os.environ.get("WORKSHOP_GROUP", "optim-learners")
INSTRUCTOR = os.environ.get("WORKSHOP_INSTRUCTOR", "instructor")

# --- network: the hub's public address (behind TLS or on a trusted network; see INSTRUCTORS.md)
c.JupyterHub.ip = os.environ.get("WORKSHOP_IP", "127.0.0.1")
c.JupyterHub.port = int(os.environ.get("WORKSHOP_PORT", "8000"))
# The hub's internal API and the proxy's control API stay on loopback, on ports next to the public one.
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = c.JupyterHub.port + 1
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{c.JupyterHub.port + 2}"
if os.environ.get("WORKSHOP_SSL_CERT"):
    c.JupyterHub.ssl_cert = os.environ["WORKSHOP_SSL_CERT"]
    c.JupyterHub.ssl_key = os.environ["WORKSHOP_SSL_KEY"]

# --- state, kept out of the repository
c.JupyterHub.db_url = f"sqlite:///{WORKSHOP_DIR / 'hub' / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(WORKSHOP_DIR / "hub" / "jupyterhub_cookie_secret")
c.ConfigurableHTTPProxy.pid_file = str(WORKSHOP_DIR / "hub" / "proxy.pid")
# Stopping the hub stops every learner's server and the proxy (nothing is left running).
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True

# --- who may log in: the Unix accounts of the workshop's group, with their passwords
c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.allowed_groups = {GROUP}
c.Authenticator.admin_users = {INSTRUCTOR}   # the instructor can open a learner's server to help
c.PAMAuthenticator.open_sessions = False     # no login session per server (containers often lack one)

# --- each learner's server: their own process, as their Unix user, from the shared environment
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [str(VENV / "bin" / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.environment = {
    # the workshop's nbgrader_config.py (exchange, course id) for every learner
    "JUPYTER_CONFIG_PATH": str(WORKSHOP_DIR / "etc" / "jupyter"),
    # the environment's commands first (nbgrader calls its own `alembic`)
    "PATH": f"{VENV / 'bin'}:/usr/local/bin:/usr/bin:/bin",
}
# Thirty servers starting at once on a few cores take a while: wait, rather than give up.
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
