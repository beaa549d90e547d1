"""What the challenge page shows of a phased challenge: the funnel, from applied to implementation."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from app.services.procurement.phases import phases_of

ADOPTED = ("adopted", "extended")


@dataclass
class FunnelStep:
    label: str
    count: int
    names: list[str] = field(default_factory=list)  # selected suppliers, once the selection is closed (public)


def funnel(session: Session, challenge_id: int) -> list[FunnelStep]:
    """applied -> each phase's selected suppliers -> implementation (last-phase contracts adopted or extended)."""
    phases = phases_of(session, challenge_id)
    if not phases:
        return []
    steps = [FunnelStep("Applied", len(phases[0].applications))]
    for phase in phases:
        public = phase.status == "selected"
        names = [s.organisation.name for s in phase.selections] if public else []
        steps.append(FunnelStep(f"Phase {phase.position}: {phase.name}", len(phase.selections), names))
    implemented = [s for s in phases[-1].selections if s.pilot.outcome in ADOPTED]
    steps.append(FunnelStep("Implementation", len(implemented), [s.organisation.name for s in implemented]))
    return steps
