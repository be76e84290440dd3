"""What the tests share: building an app, the services, signed webhooks, waiting, signing in, test PDFs.

Test modules and conftest.py files import from here (and from tests/factories.py), never from each other.
"""
