"""System checks of production settings that Django's own `check --deploy` does not know."""

from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def signing_key_check(app_configs, **kwargs):
    """Signing on the screen needs the association's own key (docs/security.md, Sealed PDFs)."""
    from mcs_admin.sealing import signing_problem

    problem = signing_problem()
    if problem is None:
        return []
    return [
        Warning(
            problem,
            hint="Set SIGNING_KEY_FILE and SIGNING_CERT_FILE (docs/operations.md, Keys).",
            id="mcs_admin.W001",
        )
    ]
