"""What the registry says about a trained project copy: which Kedro run a model
version came from, so that tests compare the outputs of that one run."""

from __future__ import annotations

from pathlib import Path

from mlflow.tracking import MlflowClient

from tests.integration.conftest import REGISTERED_MODEL, tracking_uri


def save_version_of(project: Path, model_version: str = "1") -> str:
    """The Kedro save version (session id) of the run that registered ``model_version``.

    kedro-mlflow tags each MLflow run with Kedro's run parameters; ``run_id`` is the
    session id, which is the save version of every versioned output of that run.
    """
    client = MlflowClient(tracking_uri=tracking_uri(project))
    version = client.get_model_version(REGISTERED_MODEL, model_version)
    return client.get_run(version.run_id).data.tags["run_id"]
