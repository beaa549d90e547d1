"""The stored recommender model: save after a rebuild, load (cached per process) for ranking."""
from __future__ import annotations

import logging
import pickle
import threading
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.matching import MatchModel
from app.models import Challenge, MatchModelRecord, Solution
from app.services.recommendations.engine_items import item_for


@dataclass
class _Loaded:
    record_id: int
    fitted_at: datetime
    model: MatchModel
    # (kind, id) -> updated_at of the row version already added on top of the fitted model
    applied: dict[tuple[str, int], datetime] = field(default_factory=dict)


_cache: dict[str, _Loaded] = {}
# Threaded servers share the cached model: loading and adding items happen one thread at a time.
_lock = threading.Lock()
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
    with _lock:
        loaded = _cache.get(key)
        # Ids alone can repeat (a restored or emptied database): the fit time and version identify a model.
        if loaded is None or (loaded.record_id, loaded.fitted_at, loaded.model.version) != tuple(latest):
            payload = session.scalar(select(MatchModelRecord.payload).where(MatchModelRecord.id == latest.id))
            try:
                model = MatchModel.from_bytes(payload)
            except (ValueError, pickle.UnpicklingError, AttributeError, ModuleNotFoundError):
                # A model stored by an older engine version: treat as absent until `matches rebuild`.
                log.warning("stored matching model %s cannot be loaded; run `matches rebuild`", latest.id)
                return None
            loaded = _Loaded(latest.id, latest.fitted_at, model)
            _cache[key] = loaded
        _apply_changes(session, loaded)
        return loaded.model


def _apply_changes(session: Session, loaded: _Loaded) -> None:
    changed = []
    for model, kind in ((Challenge, "challenge"), (Solution, "solution")):
        rows = session.scalars(
            select(model).where(or_(model.updated_at > loaded.fitted_at, model.created_at > loaded.fitted_at))
            .order_by(model.id)
        )
        for row in rows:
            key = (kind, row.id)
            if loaded.applied.get(key) != row.updated_at:
                loaded.applied[key] = row.updated_at
                changed.append(item_for(row))
    if changed:
        loaded.model.add_items(changed)


def forget_cache() -> None:
    """Drop loaded models (tests; after a rebuild in the same process the new id reloads anyway)."""
    _cache.clear()
