"""Protections for the confidential reporting portal, each a small module of its own:

- `receipt`: receipt codes of words, stored only as a peppered Argon2id hash;
- `attachments`: uploads checked by content and size, and stripped of metadata such as photo location;
- `intake`, `forms`, `subjects`, `follow_up`: taking a report in and linking it to the staff it could be about.

Sealing (`upstander.web.sealing`) and rate limiting without client addresses (`upstander.web.ratelimit`) are
shared with the rest of the application, so they live in the core app.
"""
