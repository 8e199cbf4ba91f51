"""The stability plots show the band, the published curve and the thresholds."""

from __future__ import annotations

from olist_segmentation.pipelines.stability import plots
from olist_segmentation.pipelines.stability.params import StabilityParams
from olist_segmentation.pipelines.stability.recommendation import recommend_maintenance

from .test_recommendation import CURVES, INTRINSIC, NO_ORIGINS, table


def test_ari_plot_draws_band_trend_published_curve_and_period():
    published = {"source": "FACTS", "ari_by_horizon": {14: 0.93, 28: 0.88}}
    snaps = table([1.0, 0.93, 0.88, 0.80, 0.73, 0.63, 0.57]).assign(ari_new=0.5)
    rec = recommend_maintenance(
        snaps,
        INTRINSIC,
        NO_ORIGINS,
        CURVES,
        StabilityParams(step_days=14, published=published),
    )
    figure = plots.plot_ari_over_time(snaps, rec)
    names = [t.name for t in figure.data]
    assert names == [
        "band (bootstrap persons and seeds)",
        "persons known at T0 (median)",
        "one refit (the model's own seed, all persons)",
        "persons new since T0",
        "published: FACTS",
    ]
    band = figure.data[0]
    assert len(band.x) == 2 * (len(snaps) - 1)
    assert max(band.y) == snaps["ari_high"].iloc[1:].max()
    assert list(figure.data[4].y) == [0.93, 0.88]
    assert any(shape.y0 == 0.8 for shape in figure.layout.shapes)
    assert any(shape.y0 == 0.99 for shape in figure.layout.shapes)
    period = [s for s in figure.layout.shapes if s.type == "rect"]
    assert (period[0].x0, period[0].x1) == (4, 6)


def test_drift_and_share_plots_draw_every_series():
    snaps = table([1.0, 0.9, 0.8]).assign(
        psi_monetary=[0.0, 0.1, 0.3],
        psi_recency_days=[0.0, 0.2, 0.4],
        share_m0_0=0.6,
        share_m0_1=0.4,
    )
    drift = plots.plot_feature_drift(snaps, StabilityParams())
    assert {t.name for t in drift.data} == {"monetary", "recency_days"}
    # the retrain signal's line at the configured PSI threshold
    assert any(
        shape.y0 == StabilityParams().monitoring.psi for shape in drift.layout.shapes
    )
    assert any(
        shape.y0 == 0.25
        for shape in plots.plot_feature_drift(
            snaps, StabilityParams(monitoring={"psi": 0.25})
        ).layout.shapes
    )
    shares = plots.plot_segment_shares(snaps)
    assert [t.name for t in shares.data] == [
        "segment 0",
        "segment 1",
        "new since T0",
        "mix shift of recent joiners",
    ]
