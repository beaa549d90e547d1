"""What every HTML blueprint shares: request context, safe redirects, form helpers, error pages, templating."""
