"""docker-compose.yml describes the production topology with commands that exist."""

import shutil
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_services_of_the_production_topology():
    assert set(COMPOSE["services"]) == {"db", "redis", "web", "worker", "beat"}
    for name in ("db", "redis", "web", "worker"):
        assert "healthcheck" in COMPOSE["services"][name], name


def test_web_migrates_then_serves_with_gunicorn():
    command = " ".join(COMPOSE["services"]["web"]["command"])
    assert "manage.py migrate --noinput" in command
    assert "gunicorn isms.wsgi:application --config isms/gunicorn.conf.py" in command
    assert (ROOT / "isms" / "gunicorn.conf.py").exists()


def test_worker_and_beat_run_the_celery_app():
    assert COMPOSE["services"]["worker"]["command"][:4] == ["celery", "-A", "isms", "worker"]
    assert COMPOSE["services"]["beat"]["command"][:4] == ["celery", "-A", "isms", "beat"]


def test_commands_exist_in_the_environment():
    venv_bin = Path(__import__("sys").executable).parent
    for program in ("gunicorn", "celery"):
        assert (venv_bin / program).exists() or shutil.which(program), program


def test_app_services_point_at_db_and_redis():
    for name in ("web", "worker", "beat"):
        env = COMPOSE["services"][name]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://")
        assert env["CELERY_BROKER_URL"].startswith("redis://")
        assert COMPOSE["services"][name]["build"] == "."
    assert (ROOT / "Dockerfile").exists() and (ROOT / ".env.example").exists()
