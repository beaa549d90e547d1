"""Typed SQLAlchemy models, one module per aggregate; imported here so metadata is complete."""
from app.models.api_token import ApiToken
from app.models.application import Application, ConflictDeclaration, EvaluationCriterion, Score, ScoreChange
from app.models.challenge import Challenge
from app.models.challenge_party import ChallengeParty
from app.models.clarification import ClarificationMail, Enquiry, Notice
from app.models.consultation import Consultation, ConsultationResponse
from app.models.content_version import ContentVersion
from app.models.digest import DigestItem, DigestPreference, DigestRun, SavedChallenge
from app.models.job_lock import JobLock
from app.models.matching import Match, MatchFeedback, MatchModelRecord, MatchRefresh
from app.models.moderation import AdminAuditEntry, Report
from app.models.organisation import Invitation, Organisation, User
from app.models.outbox import OutboxMessage
from app.models.phase import ChallengePhase, PhaseApplication, PhaseSelection
from app.models.pilot import KpiMeasurement, Pilot, PilotKpi, PilotMilestone, PilotSpend
from app.models.pipeline import PipelineItem
from app.models.solution import Solution, SolutionSector

__all__ = [
    "AdminAuditEntry", "ApiToken", "Application", "Challenge", "ChallengeParty", "ChallengePhase",
    "ClarificationMail", "ConflictDeclaration", "Consultation", "ConsultationResponse", "ContentVersion",
    "DigestItem", "DigestPreference", "DigestRun", "Enquiry", "EvaluationCriterion", "Invitation", "JobLock",
    "KpiMeasurement", "Match", "MatchFeedback", "MatchModelRecord", "MatchRefresh", "Notice", "Organisation",
    "OutboxMessage", "PhaseApplication", "PhaseSelection", "Pilot", "PilotKpi", "PilotMilestone", "PilotSpend",
    "PipelineItem", "Report", "SavedChallenge", "Score", "ScoreChange", "Solution", "SolutionSector", "User",
]
