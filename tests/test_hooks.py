"""MlflowForTrackedRuns: kedro-mlflow for tracked runs only, in the project's own store."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from kedro.config import OmegaConfigLoader
from kedro.framework.project import configure_project, pipelines
from kedro.framework.session import KedroSession
from kedro.framework.startup import bootstrap_project
from kedro.validation.exceptions import ParameterValidationError
from mlflow.tracking import MlflowClient

from olist_segmentation.hooks import in_project, is_tracked, plain_params
from olist_segmentation.pipelines.feature_engineering.params import (
    FeatureEngineeringParams,
)
from tests.conftest import PROJECT_ROOT, copy_project

FIRST_NODE = ["parse_category_translation"]


def _mlflow_conf() -> dict:
    loader = OmegaConfigLoader(
        conf_source=str(PROJECT_ROOT / "conf"),
        base_env="base",
        default_run_env="local",
        config_patterns={"mlflow": ["mlflow*"]},
    )
    return loader["mlflow"]


def _with_raw_data(synthetic_project: Path, target: Path) -> Path:
    project = copy_project(target)
    for csv in (synthetic_project / "data" / "01_raw").glob("*.csv"):
        (project / "data" / "01_raw" / csv.name).write_bytes(csv.read_bytes())
    return project


def _run_first_node(project: Path, pipeline: str) -> dict:
    bootstrap_project(project)
    with KedroSession.create(project_path=project) as session:
        return session.run(pipeline_names=[pipeline], node_names=FIRST_NODE)


def test_a_relative_sqlite_store_is_the_projects_own(tmp_path):
    conf = {
        "server": {"mlflow_tracking_uri": "sqlite:///mlflow.db"},
        "tracking": {"experiment": {"name": "x"}},
    }
    resolved = in_project(conf, tmp_path)
    assert resolved["server"]["mlflow_tracking_uri"] == (
        f"sqlite:///{tmp_path.resolve().as_posix()}/mlflow.db"
    )
    assert conf["server"]["mlflow_tracking_uri"] == "sqlite:///mlflow.db"
    for kept in ("sqlite:////srv/mlflow.db", "http://mlflow.internal:5000", None):
        conf = {"server": {"mlflow_tracking_uri": kept, "mlflow_registry_uri": kept}}
        assert in_project(conf, tmp_path)["server"] == conf["server"]


def test_tracked_pipelines_follow_mlflow_yml():
    conf = _mlflow_conf()
    assert not is_tracked(["data_engineering"], conf)
    assert not is_tracked(["data_engineering", "feature_engineering"], conf)
    assert not is_tracked(["synthetic"], conf)
    for tracked in (None, ["__default__"], ["training"], ["modelling"]):
        assert is_tracked(tracked, conf), tracked
    # kedro-mlflow's rule: one tracked pipeline among the names tracks the run.
    assert is_tracked(["data_engineering", "modelling"], conf)


def test_no_untracked_pipeline_writes_an_mlflow_dataset():
    loader = OmegaConfigLoader(
        conf_source=str(PROJECT_ROOT / "conf"), base_env="base", default_run_env="local"
    )
    logged = {
        name
        for name, entry in loader["catalog"].items()
        if not name.startswith("_")
        and str(entry.get("type", "")).startswith("kedro_mlflow.")
    }
    assert logged, "catalog_mlflow.yml declares the datasets MLflow logs"
    untracked = _mlflow_conf()["tracking"]["disable_tracking"]["pipelines"]
    configure_project("olist_segmentation")
    for name in untracked:
        assert not pipelines[name].all_outputs() & logged, name


@pytest.mark.slow
def test_a_tracked_run_records_into_its_own_projects_store(
    synthetic_project, tmp_path, monkeypatch
):
    project = _with_raw_data(synthetic_project, tmp_path / "project")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    _run_first_node(project, "__default__")
    assert os.getcwd() == str(elsewhere)
    assert not any(elsewhere.iterdir())
    store = f"sqlite:///{project.resolve().as_posix()}/mlflow.db"
    assert os.environ["MLFLOW_TRACKING_URI"] == store
    client = MlflowClient(tracking_uri=store)
    experiment = client.get_experiment_by_name("olist_segmentation")
    assert experiment.artifact_location == (project.resolve() / "mlruns").as_uri()
    (run,) = client.search_runs([experiment.experiment_id])
    assert (run.info.run_name, run.info.status) == ("__default__", "FINISHED")


@pytest.mark.slow
def test_an_untracked_run_starts_no_mlflow_run(synthetic_project, tmp_path):
    project = _with_raw_data(synthetic_project, tmp_path / "project")
    outputs = _run_first_node(project, "data_engineering")
    assert "typed_category_translation" in outputs, "the node ran"
    assert not (project / "mlflow.db").exists()
    assert not (project / "mlruns").exists()


def test_a_parameter_typo_stops_the_run_before_any_node(synthetic_project, tmp_path):
    project = _with_raw_data(synthetic_project, tmp_path / "typo")
    bootstrap_project(project)
    runtime_params = {"stability": {"stepdays": 7}}
    with KedroSession.create(project_path=project, runtime_params=runtime_params) as s:
        # Kedro validates the pydantic StabilityParams before the first node
        with pytest.raises(
            ParameterValidationError, match=r"(?s)'stability'.*stepdays"
        ):
            s.run(pipeline_names=["__default__"])
    assert not any((project / "data" / "03_primary").glob("*.parquet"))
    assert not any((project / "data" / "08_reporting").iterdir())


def test_typed_parameters_are_handed_to_kedro_mlflow_as_dicts():
    typed = FeatureEngineeringParams(snapshot_date="2018-06-01")
    inputs = {"params:feature_engineering": typed, "primary_orders": typed}
    plain = plain_params(inputs)
    assert plain["params:feature_engineering"] == {
        "snapshot_date": "2018-06-01",
        "bad_review_max": 2,
    }
    assert plain["primary_orders"] is typed, "only parameters are converted"
