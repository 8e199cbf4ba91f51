"""The ``modelling`` pipeline.

``model_input`` -> one namespaced candidate pipeline per algorithm (``kmeans``,
``gmm``, ``dbscan``, ``hdbscan``; ``kedro run --pipelines=modelling --namespaces=gmm``
runs one) -> ``candidates`` -> ``ranked_candidates`` and ``selected_model`` (the
unfitted winner) -> ``segmentation_model`` (refitted on every person) ->
profiles and names -> ``predicted_segments`` -> ``customer_segments``.

Tags: ``training`` for everything that fits or describes the model; ``inference``
for the half that kedro-mlflow packages (``model_input``, ``segmentation_model``,
``segment_names`` -> ``predicted_segments``); ``reporting`` for the hex-id output.
"""

from __future__ import annotations

import warnings
from typing import Any

from kedro.pipeline import Node, Pipeline

from .candidates import combine_candidates, evaluate_candidates
from .nodes import (
    assign_training_segments,
    build_customer_segments,
    fit_segmentation_model,
    predict_segments,
    prepare_model_input,
)
from .plots import plot_segment_profiles, plot_segment_projection, plot_segment_sizes
from .profiling import profile_segments
from .segmenter import ALGORITHMS
from .selection import select_candidate


def candidate_template() -> Pipeline:
    """Fit and score one algorithm's grid: ``params:algorithm`` -> ``candidates``."""
    return Pipeline(
        [
            Node(
                func=evaluate_candidates,
                inputs=["model_input", "params:algorithm", "params:modelling"],
                outputs="candidates",
                name="evaluate_candidates",
            )
        ]
    )


def candidate_pipeline(algorithm: str) -> Pipeline:
    """The template in namespace ``algorithm``, reading its grid from
    ``modelling.candidates.<algorithm>``."""
    return Pipeline(
        candidate_template(),
        namespace=algorithm,
        inputs={"model_input"},
        parameters={
            # The space's own ``algorithm`` field names it: the node reads the space
            # from the typed ``modelling`` parameters (Kedro cannot validate
            # ``modelling`` and a section of it as two models).
            "params:algorithm": f"params:modelling.candidates.{algorithm}.algorithm",
            "params:modelling": "params:modelling",
        },
        tags=["training", "candidates"],
    )


def create_pipeline(**kwargs: Any) -> Pipeline:
    """The whole modelling pipeline."""
    prepare = Pipeline(
        [
            Node(
                func=prepare_model_input,
                inputs=["customer_features", "params:modelling"],
                outputs="model_input",
                name="prepare_model_input",
            )
        ],
        tags=["training"],
    )
    candidates = sum(
        (candidate_pipeline(algorithm) for algorithm in ALGORITHMS),
        start=Pipeline([]),
    )
    with warnings.catch_warnings():
        # Reading "<namespace>.candidates" across namespaces is the point of this
        # node; Kedro warns about any dataset name with a dot.
        warnings.filterwarnings("ignore", message="One or more dataset names contain")
        combine = Node(
            func=combine_candidates,
            inputs=[f"{algorithm}.candidates" for algorithm in ALGORITHMS],
            outputs=["candidates", "candidate_metrics"],
            name="combine_candidates",
        )
    training = Pipeline(
        [
            combine,
            Node(
                func=select_candidate,
                inputs=["candidates", "model_input", "params:modelling"],
                outputs=[
                    "selected_model",
                    "selection_report",
                    "selected_metrics",
                    "ranked_candidates",
                ],
                name="select_candidate",
            ),
            Node(
                func=fit_segmentation_model,
                inputs=["model_input", "selected_model"],
                outputs="segmentation_model",
                name="fit_segmentation_model",
            ),
            Node(
                func=assign_training_segments,
                inputs=["model_input", "segmentation_model"],
                outputs="training_segments",
                name="assign_training_segments",
            ),
            Node(
                func=profile_segments,
                inputs=[
                    "customer_features",
                    "training_segments",
                    "segmentation_model",
                    "params:modelling.profile.n_traits",
                ],
                outputs=["segment_profiles", "segment_profiles_table", "segment_names"],
                name="profile_segments",
            ),
            Node(
                func=plot_segment_sizes,
                inputs="segment_profiles",
                outputs="segment_sizes_plot",
                name="plot_segment_sizes",
            ),
            Node(
                func=plot_segment_profiles,
                inputs="segment_profiles",
                outputs="segment_profiles_plot",
                name="plot_segment_profiles",
            ),
            Node(
                func=plot_segment_projection,
                inputs=[
                    "model_input",
                    "segmentation_model",
                    "segment_names",
                    "params:modelling.profile.projection_sample_size",
                    "params:modelling.seed",
                ],
                outputs="segment_projection_plot",
                name="plot_segment_projection",
            ),
        ],
        tags=["training"],
    )
    inference = Pipeline(
        [
            Node(
                func=predict_segments,
                inputs=["model_input", "segmentation_model", "segment_names"],
                outputs="predicted_segments",
                name="predict_segments",
            )
        ],
        tags=["inference"],
    )
    output = Pipeline(
        [
            Node(
                func=build_customer_segments,
                inputs=["predicted_segments", "id_map"],
                outputs="customer_segments",
                name="build_customer_segments",
            )
        ],
        tags=["reporting"],
    )
    return prepare + candidates + training + inference + output
