"""Run the spaCy model's matrix products on numpy's BLAS instead of thinc's bundled blis.

Every layer of a spaCy model does its arithmetic through thinc's ``NumpyOps``, whose ``gemm``
calls the copy of blis that thinc ships (``cython-blis``). On this project's machines (AMD
EPYC under KVM, and the same wheels in the ``python:3.11-slim`` image) that blis multiplies
the model's matrices about three times slower than numpy's own BLAS (the OpenBLAS that numpy's
wheels bundle, which picks its kernels for the CPU at run time): a (5000 x 288) by
(288 x 288) product, the shape of one ``tok2vec`` layer over a batch of 16 news articles,
takes 33 ms in blis and 11 ms in OpenBLAS, one thread each. Those products are most of the
two ``tok2vec`` networks' time, and the networks are most of the pipeline's.

thinc has the switch for this itself: ``NumpyOps(use_blis=False)`` sends ``gemm`` to
``numpy.dot`` and keeps every other operation (maxout, layer norm, hash embedding: thinc's own
compiled loops) as it was. :func:`use_numpy_blas` gives each layer of the pipeline such ops.
The products are the same sums in another order, so they may differ in the last bits of a
float; no tag, parse, entity or event did on any gold set nor on 600 news corpus articles
(``bench/decoding_check.py`` compares them with spaCy's own components, run with blis).

OpenBLAS would split each product over every core; a worker process is meant to use one
core (processes are how eventwire uses a machine's cores, and blis ran on one thread too), so
the BLAS is held to one thread (``threadpoolctl``), which also keeps threads out of the
worker processes forked after the pipeline loads.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from spacy.language import Language
from thinc.api import NumpyOps

logger = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def numpy_has_blas() -> bool:
    """True when numpy was built against a BLAS library (its wheels always are): without
    one ``numpy.dot`` falls back to a plain loop, far slower than blis."""
    import numpy

    try:
        config = numpy.show_config(mode="dicts")
    except TypeError:  # numpy before 1.26 has no mode: assume the usual BLAS-linked wheel
        return True
    blas = config.get("Build Dependencies", {}).get("blas", {})
    return bool(blas.get("found")) and blas.get("name") not in {None, "", "none"}


@lru_cache(maxsize=1)
def limit_blas_threads() -> None:
    """Hold numpy's BLAS to one thread for the rest of this process (and its forks)."""
    from threadpoolctl import ThreadpoolController

    ThreadpoolController().limit(limits=1, user_api="blas")


def _set_ops(nlp: Language, use_blis: bool) -> int:
    """Give every layer of ``nlp``'s component models CPU ops with or without blis; returns
    the number of layers changed. Layers on other ops (a GPU's, Apple's) are left alone."""
    ops = NumpyOps(use_blis=use_blis)
    changed = 0
    for _name, component in nlp.pipeline:
        model = getattr(component, "model", None)
        if model is None or not hasattr(model, "walk"):
            continue  # rule-based components have no network
        for node in model.walk():
            # type(...) is NumpyOps, not isinstance: AppleOps (macOS) subclasses it and its
            # gemm already goes to Apple's own BLAS.
            if type(node.ops) is NumpyOps and node.ops.use_blis != use_blis:
                node.ops = ops
                changed += 1
    return changed


def use_numpy_blas(nlp: Language) -> bool:
    """Run ``nlp``'s matrix products on numpy's BLAS (one thread) where numpy has one.

    Returns True if it does so (False: numpy has no BLAS, blis is kept).
    """
    if not numpy_has_blas():
        logger.info("numpy has no BLAS library: the spaCy model keeps thinc's blis")
        return False
    limit_blas_threads()
    _set_ops(nlp, use_blis=False)
    return True


@contextmanager
def blis_products(nlp: Language) -> Iterator[Any]:
    """Within the block, ``nlp``'s layers multiply with blis as spaCy's own do (for checks
    and benchmarks that compare the two); numpy's BLAS again after it, if it was in use."""
    changed = _set_ops(nlp, use_blis=True)
    try:
        yield nlp
    finally:
        if changed:
            _set_ops(nlp, use_blis=False)
