"""The web frame every page shares: security headers (security.py), error answers (errors.py), rendering
in the reader's language (render.py), signed links (signed_links.py) and form tokens (form_token.py)."""
