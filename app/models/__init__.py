"""Typed SQLAlchemy models, one module per aggregate; imported here so metadata is complete."""
from app.models.api_token import ApiToken
from app.models.challenge import Challenge
from app.models.digest import DigestItem, DigestPreference, DigestRun, SavedChallenge
from app.models.organisation import Invitation, Organisation, User
from app.models.matching import Match, MatchFeedback
from app.models.outbox import OutboxMessage
from app.models.solution import Solution, SolutionSector

__all__ = ["ApiToken", "DigestItem", "DigestPreference", "DigestRun", "SavedChallenge", "Challenge", "Invitation", "Match", "MatchFeedback", "Organisation", "OutboxMessage", "Solution", "SolutionSector", "User"]
