"""The site's public address, SITE_URL (Wagtail's ``WAGTAILADMIN_BASE_URL``).

Every absolute link the site prints or sends is made on it (e-mails, booklets,
a constancia's QR code, og:url, the API's URLs), never on the Host a request
named. Wagtail's own absolute links (a page's ``full_url``, the API's
``html_url``) come from its ``Site`` record, so after every ``migrate`` (which
``make demo`` and every deploy run) the default site is made to answer on
SITE_URL's host and port: ``match_site_record``.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS


def site_url():
    """SITE_URL without its trailing slash, e.g. ``https://formacion.cococi.mx``."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def absolute(url):
    """``url`` (a path, or already absolute) on the site's public address.

    Wagtail's Site record says ``http`` for any port but 80 and 443, so on an
    https SITE_URL with another port (a test server) its links are put back on
    https here."""
    if url.startswith("https://"):
        return url
    if url.startswith("http://"):
        base = site_url()
        plain = "http://" + base.split("://", 1)[1]
        if base.startswith("https://") and url.startswith(plain + "/"):
            return base + url[len(plain) :]
        return url
    return site_url() + "/" + url.lstrip("/")


def webcal(url):
    """``url`` (a path, or absolute) as a ``webcal://`` address on SITE_URL,
    which opens a phone's calendar app to subscribe."""
    return "webcal://" + absolute(url).split("://", 1)[1]


def host_and_port(address):
    """(hostname, port) of ``address`` as Wagtail's Site record keeps them:
    ``https://formacion.cococi.mx`` is (``formacion.cococi.mx``, 443)."""
    parts = urlsplit(address)
    default_port = 443 if parts.scheme == "https" else 80
    return parts.hostname or "localhost", parts.port or default_port


def match_site_record(using=DEFAULT_DB_ALIAS, **kwargs):
    """Give the default Wagtail site SITE_URL's hostname and port, if it has
    others; nothing when it has them already, or when there is no site yet (the
    migrations that make it have not run). A ``post_migrate`` receiver."""
    from wagtail.models import Site

    hostname, port = host_and_port(site_url())
    sites = Site.objects.using(using)
    site = sites.filter(is_default_site=True).first()
    if site is None or (site.hostname, site.port) == (hostname, port):
        return
    if sites.filter(hostname=hostname, port=port).exists():
        return  # another site answers there already: an operator's choice
    site.hostname, site.port = hostname, port
    site.save(using=using, update_fields=["hostname", "port"])
