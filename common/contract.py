"""The closed vocabularies every room shares: actor roles, modalities, date precisions.

The list of event *types* is not here: types are plugins (built-in and user folders) that the
extractor discovers; the worker records their specs in the database so that the dashboard and
SQL users read them without importing the worker (see docs/extraction.md).
"""

from __future__ import annotations

from typing import Literal

Role = Literal["agent", "target", "participant"]
#: Agents act, speak, launch, vote, visit; targets are aimed at or spoken about (and host a
#: visit); participants are others present.
ROLES: tuple[str, ...] = ("agent", "target", "participant")

Modality = Literal["asserted", "negated", "hypothetical", "planned", "capability"]
#: Only asserted events are counted by default; the others are kept with their modality.
MODALITIES: tuple[str, ...] = ("asserted", "negated", "hypothetical", "planned", "capability")

DatePrecision = Literal["day", "month", "year"]
DATE_PRECISIONS: tuple[str, ...] = ("day", "month", "year")

ActorKind = Literal["person", "country", "organization", "igo", "group"]
ACTOR_KINDS: tuple[str, ...] = ("person", "country", "organization", "igo", "group")
