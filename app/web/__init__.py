"""What every HTML blueprint shares: request context and safe redirects, form helpers, templating, error handlers."""
