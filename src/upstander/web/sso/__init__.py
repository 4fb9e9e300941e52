"""Single sign-on with the force's identity provider over OpenID Connect (mozilla-django-oidc), off unless
UPSTANDER_OIDC_ISSUER is set: `config` reads the settings, `accounts` turns a provider's answer into an account
or a refusal, `backend` checks the tokens, and `upstander.web.views.sso` is the sign-in's two pages."""
