"""The deployment files, checked offline: nginx -t, the Compose schema, kubernetes-validate.

Docker cannot run here (no engine), so the compose file and the image are checked as files:
the Compose Specification's JSON schema (vendored in deploy/schemas/ from check-jsonschema's
wheel) plus what must hold between the files (one nginx template, service names, ports,
health checks); the Kubernetes manifests against the API schemas kubernetes-validate bundles.
"""

from __future__ import annotations

import json
import re
import shutil
import string
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml

from deploy import cluster
from tests.conftest import GUNICORN_COMMAND, ROOT

DEPLOY = ROOT / "deploy"
TEMPLATE = DEPLOY / "nginx" / "pesem.conf.template"
COMPOSE = DEPLOY / "compose.yaml"
K8S = DEPLOY / "k8s"
SECURITY_HEADERS = (
    "Content-Security-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Strict-Transport-Security",
    "Permissions-Policy",
    "Cross-Origin-Opener-Policy",
)


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def nginx() -> str:
    try:
        return cluster.nginx_binary()
    except FileNotFoundError:
        pytest.fail("nginx is missing: `make nginx` (a prerequisite of `make test`) installs it")


def nginx_test(prefix: Path, conf: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cluster.nginx_command(prefix, conf, "-t"), capture_output=True, text=True, timeout=30
    )


# --------------------------------------------------------------------------- nginx


def test_the_cluster_config_passes_nginx_t(tmp_path):
    nginx()
    conf = cluster.write_nginx_files(tmp_path, "127.0.0.1:18080", [18081, 18082])
    result = nginx_test(tmp_path, conf)
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr
    upstreams = (tmp_path / "upstreams.conf").read_text()
    assert upstreams == "server 127.0.0.1:18081;\nserver 127.0.0.1:18082;\n"


def test_the_compose_rendering_of_the_same_template_passes_nginx_t(tmp_path):
    """What the nginx image's envsubst makes of the template with compose.yaml's values."""
    nginx()
    env = load_yaml(COMPOSE)["services"]["nginx"]["environment"]
    upstreams = tmp_path / "upstreams.conf"
    # Docker's DNS name `web` does not resolve here: the same include with a loopback address
    upstreams.write_text(
        (DEPLOY / "nginx" / "upstreams.compose.conf").read_text().replace("web:", "127.0.0.1:")
    )
    values = {**env, "PESEM_UPSTREAMS": str(upstreams), "PESEM_CACHE_DIR": str(tmp_path / "c")}
    site = tmp_path / "site.conf"
    site.write_text(string.Template(TEMPLATE.read_text()).safe_substitute(values))
    conf = tmp_path / "nginx.conf"
    conf.write_text(cluster.main_config(tmp_path, site))
    (tmp_path / "temp").mkdir()
    result = nginx_test(tmp_path, conf)
    assert result.returncode == 0, result.stderr


def test_a_broken_config_fails_nginx_t(tmp_path):
    """The check above can fail: a directive nginx does not know is refused."""
    nginx()
    conf = cluster.write_nginx_files(tmp_path, "127.0.0.1:18080", [18081])
    site = tmp_path / "pesem.conf"
    site.write_text(site.read_text().replace("gzip on;", "gzip on; gzip_everything on;"))
    assert nginx_test(tmp_path, conf).returncode != 0


def test_one_template_with_the_same_placeholders_everywhere():
    text = TEMPLATE.read_text()
    placeholders = set(re.findall(r"\$\{(PESEM_\w+)\}", text))
    assert placeholders == {"PESEM_LISTEN", "PESEM_UPSTREAMS", "PESEM_CACHE_DIR"}
    services = load_yaml(COMPOSE)["services"]
    assert set(services["nginx"]["environment"]) == placeholders
    mounted = [v.split(":")[0] for v in services["nginx"]["volumes"]]
    assert (COMPOSE.parent / mounted[0]).resolve() == TEMPLATE == cluster.SITE_TEMPLATE
    rendered = cluster.render_site("8080", Path("/u.conf"), Path("/c"))
    assert "${" not in rendered and "$http_host" in rendered  # nginx's own variables kept


def directives(text: str) -> list[str]:
    """The template's lines without comments, whitespace collapsed."""
    lines = (re.sub(r"#.*", "", line).strip() for line in text.splitlines())
    return [re.sub(r"\s+", " ", line) for line in lines if line]


def location(text: str, opening: str) -> str:
    body = text.split(opening, 1)[1]
    return body.split("}", 1)[0]


def test_the_template_says_what_the_issue_asks():
    text = TEMPLATE.read_text()
    lines = directives(text)
    assert "proxy_next_upstream error timeout http_502 http_503 non_idempotent;" in lines
    comment = text.split("proxy_next_upstream error", 1)[0].rsplit("\n\n", 1)[1]
    assert "pure functions of their inputs" in comment.replace("\n    #", "")
    assert "gzip on;" in lines
    assert any(line.startswith("gzip_types text/csv") for line in lines)
    assert "include ${PESEM_UPSTREAMS};" in lines
    static = location(text, "location ~ ^/(assets|_dash-component-suites)/ {")
    assert "proxy_cache pesem_static;" in static
    health = location(text, "location = /healthz {")
    assert "proxy_pass http://pesem_replicas;" in health and "return" not in health
    for timeout in ("proxy_connect_timeout", "proxy_read_timeout", "proxy_send_timeout"):
        assert any(line.startswith(timeout + " ") for line in lines), timeout
    for header in SECURITY_HEADERS:  # the app sets them; nginx must not add a second one
        assert header.lower() not in "\n".join(lines).lower(), header


# --------------------------------------------------------------------------- compose


@pytest.fixture(scope="module")
def compose_validator() -> jsonschema.protocols.Validator:
    schema = json.loads((DEPLOY / "schemas" / "compose-spec.json").read_text())
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def test_compose_file_matches_the_compose_specification(compose_validator):
    errors = [e.message for e in compose_validator.iter_errors(load_yaml(COMPOSE))]
    assert errors == []


def test_the_compose_schema_rejects_a_broken_file(compose_validator):
    def broken(service: str, key: str, value: Any) -> dict[str, Any]:
        compose = load_yaml(COMPOSE)
        compose["services"][service][key] = value
        return compose

    for service, key, value in [
        ("web", "helthcheck", {"test": ["CMD", "true"]}),  # misspelled key
        ("nginx", "ports", "8080:8080"),  # not a list
        ("web", "deploy", {"replicas": [2]}),  # not a number
    ]:
        assert list(compose_validator.iter_errors(broken(service, key, value))), key


def test_compose_wires_nginx_to_the_replicas():
    compose = load_yaml(COMPOSE)
    web, proxy = compose["services"]["web"], compose["services"]["nginx"]
    build = COMPOSE.parent / web["build"]["context"]
    assert (build / web["build"]["dockerfile"]).resolve() == ROOT / "Dockerfile"
    assert "ports" not in web  # replicas are reached through nginx only
    assert web["deploy"]["replicas"] == "${REPLICAS:-2}"
    assert proxy["depends_on"]["web"]["condition"] == "service_healthy"
    for service in (web, proxy):
        assert any("/healthz" in part for part in service["healthcheck"]["test"])
    for volume in proxy["volumes"]:
        assert (COMPOSE.parent / volume.split(":")[0]).is_file(), volume
    upstreams = directives((DEPLOY / "nginx" / "upstreams.compose.conf").read_text())
    assert upstreams == [f"server web:{web['expose'][0]};"]
    assert proxy["ports"] == [f"${{PORT:-8080}}:{proxy['environment']['PESEM_LISTEN']}"]


# --------------------------------------------------------------------------- Kubernetes

K8S_VERSION = kubernetes_validate.latest_version()


def manifests() -> dict[str, dict[str, Any]]:
    return {load_yaml(p)["kind"]: load_yaml(p) for p in sorted(K8S.glob("*.yaml"))}


@pytest.mark.parametrize("path", sorted(K8S.glob("*.yaml")), ids=lambda p: p.name)
def test_kubernetes_manifest_is_valid(path):
    kubernetes_validate.validate(load_yaml(path), K8S_VERSION, strict=True)


def test_kubernetes_validate_rejects_a_misspelled_field():
    deployment = manifests()["Deployment"]
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    container["readinesProbe"] = container.pop("readinessProbe")
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, K8S_VERSION, strict=True)


def test_kubernetes_resources_fit_together():
    kinds = manifests()
    assert set(kinds) >= {"Deployment", "Service", "Ingress", "HorizontalPodAutoscaler"}
    deployment = kinds["Deployment"]
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert deployment["spec"]["selector"]["matchLabels"].items() <= labels.items()
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    port = {p["name"]: p["containerPort"] for p in container["ports"]}["http"]
    assert port == 8050  # the image's PORT
    for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
        assert container[probe]["httpGet"] == {"path": "/healthz", "port": "http"}, probe
    service = kinds["Service"]
    assert service["spec"]["selector"].items() <= labels.items()
    assert service["spec"]["ports"][0]["targetPort"] == "http"
    backend = kinds["Ingress"]["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend == {"name": service["metadata"]["name"], "port": {"name": "http"}}
    annotations = kinds["Ingress"]["metadata"]["annotations"]
    assert "non_idempotent" in annotations["nginx.ingress.kubernetes.io/proxy-next-upstream"]
    target = kinds["HorizontalPodAutoscaler"]["spec"]["scaleTargetRef"]
    assert (target["kind"], target["name"]) == ("Deployment", deployment["metadata"]["name"])


# --------------------------------------------------------------------------- image and make


def test_dockerfile_runs_what_make_run_runs():
    dockerfile = (ROOT / "Dockerfile").read_text()
    cmd = re.search(r"^CMD (\[.*\])$", dockerfile, flags=re.M)
    assert cmd and json.loads(cmd.group(1)) == ["gunicorn", *GUNICORN_COMMAND[3:]]
    makefile = (ROOT / "Makefile").read_text()
    assert "gunicorn --config gunicorn.conf.py app:server" in makefile
    assert re.search(r"^HEALTHCHECK .*\n.*/healthz", dockerfile, flags=re.M)
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".venv", ".git", "tests", "deploy"} <= set(ignored)
    assert "data" not in ignored  # the image serves the data it was built with


def test_make_cluster_runs_the_tested_supervisor():
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile.split("\ncluster:", 1)[1].split("\n\n", 1)[0]
    assert "-m deploy.cluster --port $(or $(PORT),8080) --replicas $(or $(REPLICAS),2)" in recipe
    assert re.search(r"^test:.* nginx\b", makefile, flags=re.M)
    assert shutil.which("nginx") or Path("/usr/sbin/nginx").exists()
