"""The incident rollup: incidents counted in advance per type, country and actor (0010).

The dashboard counts incidents by default, and counting the distinct incidents of 800,000
matching events per country or actor took 3-5 s on a million events. For the filters most
views use (types and modalities, nothing else; see ``models.queries.rollup``) the counts
are kept here instead, maintained by ``models.incident_rollup`` in the transaction that
links the incidents:

- ``incident_facet``: what each incident contributes, one row per (incident, facet, key,
  type) with ``mask``, the bits of the modalities its events of that type have there
  (``facet`` ``all`` with key ``''``; ``country`` keyed by ISO3, the events' locations and
  their actors' countries; ``actor`` keyed by the actor id as text; ``day`` keyed by the
  ISO first day of its events of each modality, the bits of the modalities first seen that
  day; ``anyday`` keyed by the first day of its events whatever their modality, all bits
  set). It is what the counters are corrected from when an incident changes.
- ``incident_count``: how many incidents have each (facet, key, type, mask); ``facet``
  ``mixed`` counts the incidents whose events have more than one type (which the linker never
  makes; then the per-type counters cannot be added up across types, and queries read the
  base tables).
"""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class IncidentFacet(SQLModel, table=True):
    """One incident's contribution to one counter key: the modalities it has there."""

    __tablename__ = "incident_facet"

    incident_id: int = Field(primary_key=True)
    facet: str = Field(primary_key=True, max_length=8)
    key: str = Field(primary_key=True, max_length=40)
    type: str = Field(primary_key=True, max_length=32)
    mask: int


class IncidentCount(SQLModel, table=True):
    """How many incidents have modalities ``mask`` among their ``type`` events at ``key``."""

    __tablename__ = "incident_count"

    facet: str = Field(primary_key=True, max_length=8)
    key: str = Field(primary_key=True, max_length=40)
    type: str = Field(primary_key=True, max_length=32)
    mask: int = Field(primary_key=True)
    n: int = 0
