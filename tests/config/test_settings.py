"""Settings: production refuses to start without its secrets and passes check --deploy."""

import base64
import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from governance.platform.crypto import KeyPurpose, derive_key
from tests.conftest import REPO_ROOT

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "x" * 20 + "production-secret-with-enough-entropy-0123456789",
    "DJANGO_ALLOWED_HOSTS": "facegov.example.org",
    "FACEGOV_MASTER_KEY": "ZmFjZWdvdi10ZXN0LW1hc3Rlci1rZXktMzItYnl0ZXM=",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/facegov",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "EMAIL_HOST": "smtp.facegov.example.org",
    "DEFAULT_FROM_EMAIL": "FaceGov <no-reply@facegov.example.org>",
}


def run_manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("DJANGO_", "FACEGOV_MASTER", "DATABASE_", "REDIS_", "EMAIL_",
                                 "DEFAULT_FROM_EMAIL"))}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=REPO_ROOT,
                          env={**clean, **env}, capture_output=True, text=True, timeout=120)


def test_production_settings_pass_check_deploy_without_warnings():
    result = run_manage(PRODUCTION_ENV, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_the_master_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "FACEGOV_MASTER_KEY"}
    result = run_manage(env, "check")
    assert result.returncode != 0
    assert "FACEGOV_MASTER_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}
    result = run_manage(env, "check")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize("missing", ["EMAIL_HOST", "DEFAULT_FROM_EMAIL"])
def test_production_refuses_to_start_without_its_mail_server(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = run_manage(env, "check")
    assert result.returncode != 0
    assert f"{missing} must be set" in result.stderr


def test_local_settings_write_mail_as_files_under_var(tmp_path):
    env = {"DJANGO_SETTINGS_MODULE": "config.settings.local", "FACEGOV_VAR_DIR": str(tmp_path)}
    code = ("from django.conf import settings; "
            "print(settings.EMAIL_BACKEND, settings.EMAIL_FILE_PATH)")
    result = run_manage(env, "shell", "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.core.mail.backends.filebased.EmailBackend",
                                     str(tmp_path / "mail")]
    assert (tmp_path / "mail").is_dir()


def test_local_settings_generate_a_master_key_once_into_var(tmp_path):
    env = {"DJANGO_SETTINGS_MODULE": "config.settings.local", "FACEGOV_VAR_DIR": str(tmp_path)}
    code = "from django.conf import settings; print(settings.FACEGOV_MASTER_KEY)"
    first = run_manage(env, "shell", "-c", code)
    second = run_manage(env, "shell", "-c", code)
    assert first.returncode == 0, first.stderr
    key_file = tmp_path / "master.key"
    printed = [run.stdout.strip().splitlines()[-1] for run in (first, second)]
    assert key_file.read_text().strip() == printed[0] == printed[1]
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert (tmp_path / "broker" / "queue").is_dir()


def test_a_master_key_that_is_not_32_bytes_is_refused_not_used(settings):
    settings.FACEGOV_MASTER_KEY = base64.urlsafe_b64encode(b"only sixteen byt").decode()
    with pytest.raises(ImproperlyConfigured):
        derive_key(KeyPurpose.TEMPLATE_VAULT)
