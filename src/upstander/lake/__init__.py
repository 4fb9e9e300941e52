"""The Parquet lake: committed feed data, its manifest, and a DuckDB reading API for later layers."""

from upstander.lake.manifest import LakeBusy, LakeError, Manifest
from upstander.lake.store import Lake

__all__ = ["Lake", "LakeBusy", "LakeError", "Manifest"]
