"""/api/v1/me and /api/v1/tokens: who the token belongs to; list and revoke your tokens."""
from __future__ import annotations

from app.api import schemas
from app.api import serializers as out
from app.api.auth import require_caller
from app.api.registry import api_route, no_content, ok
from app.db import get_session
from app.services.accounts import api_tokens

TAG = "Account"


@api_route("GET", "/me", summary="The user and organisation behind the token", tag=TAG, auth="required",
           response=schemas.ME)
def get_me():
    caller = require_caller()
    token = api_tokens.get_token(get_session(), caller.user_id, caller.token_id)
    return ok(out.me(token.user, token))


@api_route("GET", "/tokens", summary="Your API tokens (never their secrets)", tag=TAG, auth="required",
           response=schemas.obj({"items": {"type": "array", "items": schemas.TOKEN}}, title="ApiTokenList"))
def list_api_tokens():
    tokens = api_tokens.list_tokens(get_session(), require_caller().user_id)
    return ok({"items": [out.token(item) for item in tokens]})


@api_route("DELETE", "/tokens/{token_id}", summary="Revoke one of your tokens", tag=TAG, auth="required",
           status=204, description="Tokens are created on the account page, where the secret is shown once.")
def revoke_api_token(token_id: int):
    api_tokens.revoke_token(get_session(), require_caller().user_id, token_id)
    return no_content()
