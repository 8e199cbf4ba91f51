"""Synthetic or real: the raw folder against the synthetic generator's manifest."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from olist_segmentation.datasets import OlistCSVDataset, RawDataSourceDataset

FRAME = pd.DataFrame({"seller_id": ["ab", "cd"], "seller_state": ["SP", "PR"]})


def write_synthetic(folder: Path) -> None:
    for name in ("olist_sellers_dataset.csv", "olist_orders_dataset.csv"):
        OlistCSVDataset(filepath=str(folder / name)).save(FRAME)


def source(folder: Path) -> dict[str, str]:
    return RawDataSourceDataset(folder=str(folder)).load()


def test_files_written_by_the_generator_are_synthetic(tmp_path: Path):
    write_synthetic(tmp_path)
    found = source(tmp_path)
    assert found["kind"] == "synthetic"
    assert "all 2 raw files" in found["reason"]


def test_a_changed_file_makes_the_data_real(tmp_path: Path):
    write_synthetic(tmp_path)
    path = tmp_path / "olist_orders_dataset.csv"
    path.write_bytes(path.read_bytes() + b"ef,SC\n")
    found = source(tmp_path)
    assert found == {
        "kind": "real",
        "reason": "olist_orders_dataset.csv differs from the file the synthetic "
        "generator wrote (MD5 in .synthetic_manifest.json)",
    }


def test_a_file_the_generator_did_not_write_makes_the_data_real(tmp_path: Path):
    write_synthetic(tmp_path)
    FRAME.to_csv(tmp_path / "olist_customers_dataset.csv", index=False)
    assert source(tmp_path)["reason"] == (
        "olist_customers_dataset.csv was not written by the synthetic generator"
    )


def test_no_manifest_means_real(tmp_path: Path):
    FRAME.to_csv(tmp_path / "olist_sellers_dataset.csv", index=False)
    found = source(tmp_path)
    assert found["kind"] == "real" and ".synthetic_manifest.json" in found["reason"]


def test_the_source_exists_when_its_folder_does(tmp_path):
    # kedro-mlflow asks every input whether it exists when it packages a run
    assert RawDataSourceDataset(folder=str(tmp_path)).exists()
    assert not RawDataSourceDataset(folder=str(tmp_path / "absent")).exists()
