"""Protections for the confidential reporting portal, each a small module of its own:

- `sealing`: report fields and attachments encrypted (AES-256-GCM) under keys kept apart from the database;
- `receipt`: receipt codes of words, stored only as a peppered Argon2id hash;
- `ratelimit`: rate limiting that keeps no client address;
- `attachments`: uploads checked by content and size, and stripped of metadata such as photo location.
"""
