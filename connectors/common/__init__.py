"""What connectors share: Standard Webhooks signatures (signature.py), config-schema pieces (schema.py:
URL and header checks, the auth block), and reading host values (values.py: times, languages, texts, MIME
types). A connector imports these; the core never imports a particular connector."""
