"""The stored recommender model: save after a rebuild, load (cached per process, swapped not mutated) for ranking."""
from __future__ import annotations

import logging
import pickle
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.matching import MatchModel
from app.models import Challenge, MatchModelRecord, Solution
from app.services.recommendations.engine_items import item_for


@dataclass(frozen=True)
class _Loaded:
    """One process's view of the stored model: never changed once built, only replaced."""

    record_id: int
    fitted_at: datetime
    model: MatchModel
    # (kind, id) -> updated_at of the row version already added on top of the fitted model
    applied: Mapping[tuple[str, int], datetime] = field(default_factory=dict)


_cache: dict[str, _Loaded] = {}
# Readers take the current _Loaded reference without a lock and rank with it; an update builds a new
# _Loaded (MatchModel.with_items copies what it changes) and swaps the reference. The lock only keeps
# two threads from building the same update twice; nobody ever reads a model that is being changed.
_build_lock = threading.Lock()
log = logging.getLogger(__name__)


def save_model(session: Session, model: MatchModel, challenges: int, solutions: int) -> MatchModelRecord:
    """Store a freshly fitted model and drop older ones (the caller commits)."""
    record = MatchModelRecord(version=model.version, challenges=challenges, solutions=solutions,
                              payload=model.to_bytes())
    session.add(record)
    session.flush()
    for old in session.scalars(select(MatchModelRecord).where(MatchModelRecord.id != record.id)):
        session.delete(old)
    return record


def current_model(session: Session) -> MatchModel | None:
    """The latest stored model with every item changed since its fit added on top; None before any rebuild.

    Every process that loads the same stored model and sees the same rows ranks identically.
    """
    latest = session.execute(
        select(MatchModelRecord.id, MatchModelRecord.fitted_at, MatchModelRecord.version)
        .order_by(MatchModelRecord.id.desc()).limit(1)
    ).first()
    if latest is None:
        return None
    key = session.get_bind().url.render_as_string()
    loaded = _cache.get(key)
    if loaded is None or not _is_record(loaded, latest) or _changes(session, loaded):
        with _build_lock:
            loaded = _updated(session, key, latest)
    return loaded.model if loaded is not None else None


def _is_record(loaded: _Loaded, latest) -> bool:
    # Ids alone can repeat (a restored or emptied database): the fit time and version identify a model.
    return (loaded.record_id, loaded.fitted_at, loaded.model.version) == tuple(latest)


def _updated(session: Session, key: str, latest) -> _Loaded | None:
    """The cached model for ``latest`` with every changed row added, built anew and swapped in if needed."""
    loaded = _cache.get(key)  # another thread may have swapped in what we need while we waited
    if loaded is None or not _is_record(loaded, latest):
        payload = session.scalar(select(MatchModelRecord.payload).where(MatchModelRecord.id == latest.id))
        try:
            model = MatchModel.from_bytes(payload)
        except (ValueError, pickle.UnpicklingError, AttributeError, ModuleNotFoundError):
            # A model stored by an older engine version: treat as absent until `matches rebuild`.
            log.warning("stored matching model %s cannot be loaded; run `flask matches rebuild`", latest.id)
            return None
        loaded = _Loaded(latest.id, latest.fitted_at, model)
    changed = _changes(session, loaded)
    if changed:
        rows = [item_for(row) for row in _rows(session, changed)]
        applied = {**loaded.applied, **changed}
        loaded = _Loaded(loaded.record_id, loaded.fitted_at, loaded.model.with_items(rows), applied)
    _cache[key] = loaded
    return loaded


def _changes(session: Session, loaded: _Loaded) -> dict[tuple[str, int], datetime]:
    """(kind, id) -> updated_at of the rows changed since the fit and not yet added (ids only: cheap)."""
    changed = {}
    for model, kind in ((Challenge, "challenge"), (Solution, "solution")):
        rows = session.execute(
            select(model.id, model.updated_at)
            .where(or_(model.updated_at > loaded.fitted_at, model.created_at > loaded.fitted_at))
        )
        for item_id, updated_at in rows:
            if loaded.applied.get((kind, item_id)) != updated_at:
                changed[(kind, item_id)] = updated_at
    return changed


def _rows(session: Session, changed: Mapping[tuple[str, int], datetime]) -> list[Challenge | Solution]:
    rows: list[Challenge | Solution] = []
    for model, kind in ((Challenge, "challenge"), (Solution, "solution")):
        ids = sorted(item_id for item_kind, item_id in changed if item_kind == kind)
        if ids:
            rows.extend(session.scalars(select(model).where(model.id.in_(ids)).order_by(model.id)))
    return rows


def forget_cache() -> None:
    """Drop loaded models (tests; after a rebuild in the same process the new id reloads anyway)."""
    _cache.clear()
