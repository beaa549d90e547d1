"""Error pages: friendly HTML, never a stack trace."""
from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException


def register_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_template("errors/error.html", code=400, title="Form expired",
                               message="The form was open too long or came from elsewhere. Please try again."), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        titles = {403: "Not allowed", 404: "Not found", 409: "Not possible now"}
        title = titles.get(error.code, error.name)
        return render_template("errors/error.html", code=error.code, title=title,
                               message=error.description), error.code
