"""/api/v1/challenges/{id}/clarifications: the published answers (never who asked) and the notices."""
from __future__ import annotations

from app.api.auth import viewer_org_id
from app.api.registry import api_route, ok
from app.api.schemas import ID, TIMESTAMP, nullable, obj
from app.api.serializers import timestamp
from app.db import get_session
from app.services.marketplace import challenges
from app.services.procurement import clarifications

TEXT = {"type": "string"}
ENQUIRY = obj({"id": ID, "question": TEXT, "answer": TEXT, "asked_at": TIMESTAMP, "answered_at": TIMESTAMP},
              title="Enquiry")
NOTICE = obj({"id": ID, "title": TEXT, "description": TEXT, "document_url": TEXT, "published_at": TIMESTAMP,
              "new_deadline": nullable(TIMESTAMP), "old_deadline": nullable(TIMESTAMP),
              "budget_changed": {"type": "boolean"}, "new_budget_min": nullable({"type": "integer"}),
              "new_budget_max": nullable({"type": "integer"})}, title="Notice")
CLARIFICATIONS = obj({"challenge_id": ID, "enquiries": {"type": "array", "items": ENQUIRY},
                      "notices": {"type": "array", "items": NOTICE}}, title="Clarifications")


@api_route("GET", "/challenges/{challenge_id}/clarifications", summary="Answered questions and notices",
           tag="Challenges", auth="optional", response=CLARIFICATIONS,
           description="What the challenge page shows under Notices and Questions and answers; askers are never "
                       "published.")
def get_challenge_clarifications(challenge_id: int):
    db = get_session()
    challenge = challenges.view_challenge(db, challenge_id, viewer_org_id())
    return ok({
        "challenge_id": challenge.id,
        "enquiries": [{"id": e.id, "question": e.question, "answer": e.answer, "asked_at": timestamp(e.created_at),
                       "answered_at": timestamp(e.answered_at)}
                      for e in clarifications.published_enquiries(db, challenge.id)],
        "notices": [{"id": n.id, "title": n.title, "description": n.description, "document_url": n.document_url,
                     "published_at": timestamp(n.published_at), "new_deadline": timestamp(n.new_deadline),
                     "old_deadline": timestamp(n.old_deadline), "budget_changed": n.budget_changed,
                     "new_budget_min": n.new_budget_min, "new_budget_max": n.new_budget_max}
                    for n in clarifications.notices_of(db, challenge.id)],
    })
