"""One complete run, as the MLflow registry and the Kedro catalog describe it.

The front door (the scoring service and the app) serves a registered model version:
the fitted segmentation model and its segment names are those the version carries
(``mlflow_packaging.MODEL_ARTIFACTS``, loaded with ``mlflow.pyfunc.load_model``: the
objects its inference pipeline scores with), and the rest comes from the files its
own MLflow run logged beside it (``mlflow_packaging.RUN_ARTIFACTS`` under
``front_door/``). Nothing is read from "the latest version" of a versioned dataset,
so a run killed half-way never mixes into what is served, and nothing is written: the
tracking store is opened only when it exists, artifacts are downloaded to a temporary
folder, and each run artifact is read with the dataset type its catalog entry
(``serving_<name>`` in ``conf/base/catalog_mlflow.yml``) declares.
"""

from __future__ import annotations

import dataclasses
import logging
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
from kedro.io import AbstractDataset

from olist_segmentation.hooks import in_project
from olist_segmentation.pipelines.feature_engineering.params import (
    FeatureEngineeringParams,
)
from olist_segmentation.pipelines.modelling.model_ops import features_of, n_segments
from olist_segmentation.pipelines.reporting.contract import retraining_contract
from olist_segmentation.pipelines.training.mlflow_packaging import (
    MODEL_ARTIFACTS,
    REGISTERED_MODEL_NAME,
    RUN_ARTIFACT_PATH,
    RUN_ARTIFACTS,
    TRAINING_WINDOW,
    serving_name,
)
from olist_segmentation.serving import value

logger = logging.getLogger(__name__)

RUN_FIRST = "run `make run` (or `kedro run --pipelines=training`) in the project first"


class ServedRunMissing(RuntimeError):
    """No complete run to serve; the message names the command to run first."""


@dataclasses.dataclass(frozen=True)
class ServedRun:
    """A registered model version and what its run logged with it."""

    model_name: str
    model_version: str
    run_id: str
    save_version: str
    model: Any
    segment_names: dict[int, str]
    profiles: dict[str, Any]
    customer_segments: pd.DataFrame
    recommendation: dict[str, Any]
    data_quality: dict[str, Any]
    snapshots: pd.DataFrame
    as_of: pd.Timestamp
    feature_params: FeatureEngineeringParams
    customer_value: pd.DataFrame
    clv_purchase_model: Any
    clv_spend_model: Any

    @property
    def features(self) -> list[str]:
        """The feature columns the model reads."""
        return features_of(self.model)

    @property
    def data_source(self) -> dict[str, str]:
        """``{"kind": "synthetic" | "real", "reason": ...}`` from the data-quality report."""
        return self.data_quality.get(
            "data_source",
            {"kind": "unknown", "reason": "the data-quality report has no data_source"},
        )

    def name_of(self, segment: int) -> str:
        """The marketing name of ``segment``."""
        return self.segment_names[int(segment)]

    def retraining_advice(self) -> str:
        """The maintenance recommendation in one sentence, with its interval if any:
        the run's own ``headline``, as its report says it."""
        return self.recommendation["headline"]

    def retraining_contract(self) -> dict[str, Any]:
        """Period, interval and monitoring signals, read as the report reads them."""
        return retraining_contract(self.recommendation)

    def value_of(self, customer_unique_id: str) -> dict[str, Any]:
        """A known customer's P(alive), expected purchases and spend (90 days)."""
        return value.value_of(self.customer_value, customer_unique_id)

    def segment_of(self, customer_unique_id: str) -> dict[str, Any] | None:
        """``segment`` and ``segment_name`` the run gave a customer; ``None`` if unknown."""
        if customer_unique_id not in self.customer_segments.index:
            return None
        row = self.customer_segments.loc[customer_unique_id]
        return {
            "segment": int(row["segment"]),
            "segment_name": str(row["segment_name"]),
        }

    def segment_summaries(self) -> list[dict[str, Any]]:
        """Every segment's name, size, share, traits and action, from its profile."""
        return [
            {
                "segment": int(s["segment"]),
                "name": s["name"],
                "size": int(s["size"]),
                "share": float(s["share"]),
                "traits": list(s["traits"]),
                "action": s["action"],
            }
            for s in self.profiles["segments"]
        ]

    def segment_values(self) -> dict[int, dict[str, Any]]:
        """Per segment, the expected value of its customers (``segment_value``)."""
        return value.segment_values(self.customer_value, self.customer_segments)


def project_settings(project: Path) -> tuple[str, dict[str, Any]]:
    """The tracking URI and the catalog configuration as ``project``'s conf gives them."""
    from kedro.framework.project import settings  # noqa: PLC0415
    from kedro.framework.startup import bootstrap_project  # noqa: PLC0415
    from kedro_mlflow.config.kedro_mlflow_config import (  # noqa: PLC0415
        KedroMlflowConfig,
    )

    bootstrap_project(project)
    loader = settings.CONFIG_LOADER_CLASS(
        conf_source=str(project / settings.CONF_SOURCE),
        **settings.CONFIG_LOADER_ARGS,
    )
    mlflow_config = KedroMlflowConfig.model_validate(
        in_project(loader["mlflow"], project)
    )
    return mlflow_config.server.mlflow_tracking_uri, loader["catalog"]


def _existing_store(tracking_uri: str) -> None:
    if tracking_uri.startswith("sqlite:///"):
        path = Path(tracking_uri.removeprefix("sqlite:///"))
        if not path.is_file():
            raise ServedRunMissing(f"no MLflow store at {path}: {RUN_FIRST}")


def _model_version(client: Any, name: str, version: str | None, alias: str | None):
    from mlflow.exceptions import MlflowException  # noqa: PLC0415

    try:
        if alias:
            return client.get_model_version_by_alias(name, alias)
        if version and version != "latest":
            return client.get_model_version(name, version)
        found = client.search_model_versions(
            f"name = '{name}'", order_by=["version_number DESC"], max_results=1
        )
    except MlflowException as error:
        wanted = f"alias '{alias}'" if alias else f"version {version}"
        raise ServedRunMissing(
            f"model '{name}' has no {wanted} in the registry ({error.message}); "
            f"{RUN_FIRST}, or pick an existing version"
        ) from error
    if not found:
        raise ServedRunMissing(
            f"no version of model '{name}' is registered: {RUN_FIRST}"
        )
    return found[0]


def _download(tmp: str, tracking_uri: str, **where: str) -> Path:
    import mlflow  # noqa: PLC0415

    return Path(
        mlflow.artifacts.download_artifacts(
            **where, dst_path=tmp, tracking_uri=tracking_uri
        )
    )


def _registered_artifacts(
    client: Any, name: str, version: str, tmp: str
) -> dict[str, Any]:
    """:data:`MODEL_ARTIFACTS` as the registered version's packaged inference
    pipeline holds them once MLflow has loaded it (kedro-mlflow's
    ``KedroPipelineModel``). The version's files are found through ``client``'s
    registry (a ``models:/`` URI would read MLflow's global registry URI)."""
    import mlflow  # noqa: PLC0415

    folder = _download(
        tmp,
        client.tracking_uri,
        artifact_uri=client.get_model_version_download_uri(name, version),
    )
    package = mlflow.pyfunc.load_model(str(folder)).unwrap_python_model()
    return {
        artifact: package.loaded_catalog.load(serving_name(artifact))
        for artifact in MODEL_ARTIFACTS
    }


def _read_artifacts(
    tracking_uri: str, run_id: str, catalog: dict[str, Any], tmp: str
) -> dict[str, Any]:
    try:
        folder = _download(
            tmp, tracking_uri, run_id=run_id, artifact_path=RUN_ARTIFACT_PATH
        )
    except OSError as error:
        raise ServedRunMissing(
            f"MLflow run {run_id} has no '{RUN_ARTIFACT_PATH}' artifacts ({error}): "
            f"it was logged by an older version of the project; {RUN_FIRST}"
        ) from error
    loaded = {}
    for name in (*RUN_ARTIFACTS, TRAINING_WINDOW):
        entry = dict(catalog[serving_name(name)]["dataset"])
        path = folder / Path(entry["filepath"]).name
        if not path.is_file():
            raise ServedRunMissing(
                f"MLflow run {run_id} did not log {path.name}: {RUN_FIRST}"
            )
        entry["filepath"] = str(path)
        loaded[name] = AbstractDataset.from_config(name, entry).load()
    return loaded


def load_served_run(
    project: Path,
    *,
    version: str | None = None,
    alias: str | None = None,
    model_name: str = REGISTERED_MODEL_NAME,
) -> ServedRun:
    """The registered ``model_name`` (``alias``, else ``version``, else the latest)
    and what its run logged. Raises :class:`ServedRunMissing` naming what to run."""
    from mlflow.tracking import MlflowClient  # noqa: PLC0415

    tracking_uri, catalog = project_settings(project)
    _existing_store(tracking_uri)
    client = MlflowClient(tracking_uri=tracking_uri)
    found = _model_version(client, model_name, version, alias)
    run = client.get_run(found.run_id)
    with tempfile.TemporaryDirectory(prefix="olist-served-run-") as tmp:
        artifacts = {
            **_registered_artifacts(client, model_name, str(found.version), tmp),
            **_read_artifacts(tracking_uri, found.run_id, catalog, tmp),
        }
    names = {int(k): str(v) for k, v in artifacts["segment_names"].items()}
    served = ServedRun(
        model_name=model_name,
        model_version=str(found.version),
        run_id=found.run_id,
        save_version=run.data.tags.get("run_id", ""),
        model=artifacts["segmentation_model"],
        segment_names=names,
        profiles=artifacts["segment_profiles"],
        customer_segments=artifacts["customer_segments"].set_index(
            "customer_unique_id"
        ),
        recommendation=artifacts["maintenance_recommendation"],
        data_quality=artifacts["data_quality_report"],
        snapshots=artifacts["stability_snapshots"],
        as_of=pd.Timestamp(artifacts[TRAINING_WINDOW]["as_of"]),
        feature_params=FeatureEngineeringParams.model_validate(
            artifacts[TRAINING_WINDOW]["feature_engineering"]
        ),
        customer_value=artifacts["customer_value"].set_index("customer_unique_id"),
        clv_purchase_model=artifacts["clv_purchase_model"],
        clv_spend_model=artifacts["clv_spend_model"],
    )
    if n_segments(served.model) != len(names):
        raise ServedRunMissing(
            f"run {found.run_id}: the model has {n_segments(served.model)} segments "
            f"but {len(names)} names; {RUN_FIRST}"
        )
    logger.info(
        "serving model '%s' version %s (MLflow run %s, Kedro run %s)",
        model_name,
        served.model_version,
        served.run_id,
        served.save_version,
    )
    return served
