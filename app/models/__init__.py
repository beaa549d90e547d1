"""Typed SQLAlchemy models, one module per aggregate; imported here so metadata is complete."""
from app.models.api_token import ApiToken
from app.models.application import Application, ConflictDeclaration, EvaluationCriterion, Score, ScoreChange
from app.models.challenge import Challenge
from app.models.content_version import ContentVersion
from app.models.digest import DigestItem, DigestPreference, DigestRun, SavedChallenge
from app.models.matching import Match, MatchFeedback, MatchModelRecord, MatchRefresh
from app.models.moderation import AdminAuditEntry, Report
from app.models.organisation import Invitation, Organisation, User
from app.models.outbox import OutboxMessage
from app.models.pilot import KpiMeasurement, Pilot, PilotKpi, PilotMilestone, PilotSpend
from app.models.solution import Solution, SolutionSector

__all__ = [
    "AdminAuditEntry", "ApiToken", "Application", "Challenge", "ConflictDeclaration", "ContentVersion", "DigestItem",
    "DigestPreference", "DigestRun", "EvaluationCriterion", "Invitation", "KpiMeasurement", "Match",
    "MatchFeedback", "MatchModelRecord", "MatchRefresh", "Organisation", "OutboxMessage", "Pilot", "PilotKpi",
    "PilotMilestone", "PilotSpend", "Report", "SavedChallenge", "Score", "ScoreChange", "Solution", "SolutionSector",
    "User",
]
