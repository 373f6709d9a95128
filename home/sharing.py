"""How a page looks when its address is shared (WhatsApp, Telegram, Facebook):
its Open Graph and Twitter-card metadata, and the "share by WhatsApp" link.

Every address is absolute and made from ``SITE_URL`` (Wagtail's
``WAGTAILADMIN_BASE_URL``), never from the Host header a request sent: a page
kept by the anonymous page cache is the same for every visitor.

The picture is a 1200×630 rendition of the page's own image (a course's or a
material's cover, else the first image of its body; a lesson's course cover
after its own), made off the request path: publishing a page enqueues
``home.tasks.make_share_rendition``. A page shows only a rendition that exists
already, of an image of a public collection; until then, or for a private
image, the site's default picture (``static/img/compartir.png``). What an image
offers is kept under the content generation, so a page's render costs no query
for it once known; the task forgets the generation when it made a rendition
(renditions themselves are not content, ``cococi_site.content``).

A page behind a view restriction says nothing of itself but its title.
"""

from urllib.parse import quote

from django.templatetags.static import static
from django.utils.text import Truncator
from wagtail.images import get_image_model
from wagtail.images.models import Filter

from cococi_site import content
from cococi_site.files import collection_is_private
from cococi_site.pages import plain_text, restricted_ids
from cococi_site.site_address import absolute
from councils.models import CouncilPage
from courses.models import CoursePage, LessonPage, MaterialPage
from outbox.services import enqueue

SHARE_FILTER = "fill-1200x630"
SHARE_WIDTH, SHARE_HEIGHT = 1200, 630
DESCRIPTION_LENGTH = 200
DEFAULT_IMAGE = "img/compartir.png"
SITE_NAME = "COCOCI Formación"
LOCALE = "es_MX"
TASK = "home.tasks.make_share_rendition"
# Pages that are one piece of content; the rest (home, catalogues,
# directories) are a "website".
ARTICLE_TYPES = (CoursePage, LessonPage, MaterialPage, CouncilPage)


def page_image_id(page):
    """The id of the image that stands for ``page``: its cover image, else the
    first image block of its body (read from the raw data: nothing fetched)."""
    if page is None:
        return None
    if image_id := getattr(page, "cover_image_id", None):
        return image_id
    body = getattr(page, "body", None)
    for item in getattr(body, "raw_data", None) or ():
        value = item.get("value")
        if item.get("type") == "image" and isinstance(value, dict):
            if isinstance(value.get("image"), int):
                return value["image"]
    return None


def _public_image(image_id):
    """(image, rendition or None) for a public image, or None."""
    Image = get_image_model()
    image = Image.objects.select_related("collection").filter(pk=image_id).first()
    if image is None or collection_is_private(image.collection):
        return None
    # Read from the database, never from Wagtail's rendition cache (which may
    # remember one deleted since); Wagtail then picks the one made for the
    # image's current focal point, or none.
    image.prefetched_renditions = list(
        image.renditions.filter(filter_spec=SHARE_FILTER)
    )
    try:
        rendition = image.find_existing_rendition(Filter(SHARE_FILTER))
    except Image.get_rendition_model().DoesNotExist:
        rendition = None
    return image, rendition


def shared_picture(image_id):
    """{url, width, height, alt} of the existing share rendition of a public
    image, or None; kept under the content generation. Never makes one."""

    def build():
        found = _public_image(image_id)
        if found is None or found[1] is None:
            return ()
        image, rendition = found
        return {
            "url": rendition.url,
            "width": rendition.width,
            "height": rendition.height,
            "alt": image.description,
        }

    return content.cached(f"share:image:{image_id}", build) or None


def default_picture():
    return {
        "url": static(DEFAULT_IMAGE),
        "width": SHARE_WIDTH,
        "height": SHARE_HEIGHT,
        "alt": SITE_NAME,
    }


def make_rendition(image_id):
    """The task's work: make the share rendition of a public image, once.
    Returns whether one was made."""
    found = _public_image(image_id)
    if found is None or found[1] is not None:
        return False
    image, _rendition = found
    image.get_rendition(SHARE_FILTER)
    # Pages that show the default picture instead are kept: forget them.
    content.changed()
    return True


def page_published(page):
    """A page was published: its share picture, if it has an image."""
    if image_id := page_image_id(page):
        enqueue(TASK, image_id)


def page_address(page, request):
    """The page's absolute address on SITE_URL, or "" for a page with none
    (not routable, or not saved yet: a preview)."""
    if page.pk is None:
        return ""
    parts = page.get_url_parts(request)
    if parts is None:
        return ""
    return absolute(parts[2])


def summary(page):
    """The page's search description or summary as one line of plain text,
    at most DESCRIPTION_LENGTH characters."""
    search_summary = getattr(page, "search_summary", None)
    text = plain_text(search_summary() if search_summary else "")
    return Truncator(text).chars(DESCRIPTION_LENGTH)


def whatsapp_href(title, address):
    return "https://wa.me/?text=" + quote(f"{title} {address}", safe="")


def metadata(page, request, course=None):
    """What the page's share tags say; ``course`` is a lesson's course (its
    cover is the lesson's picture when the lesson has no image of its own).
    Kept on the request: the head and the share link both read it."""
    kept = getattr(request, "_cococi_share", None)
    if kept is not None and kept[0] == page.pk:
        return kept[1]
    title = page.seo_title or page.title
    address = page_address(page, request)
    data = {"title": title, "url": address, "whatsapp": ""}
    if address:
        data["whatsapp"] = whatsapp_href(title, address)
    if page.pk is not None and page.pk in restricted_ids([page]):
        data["restricted"] = True
    else:
        image_id = page_image_id(page) or page_image_id(course)
        picture = (image_id and shared_picture(image_id)) or default_picture()
        data.update(
            restricted=False,
            description=summary(page),
            type="article" if isinstance(page, ARTICLE_TYPES) else "website",
            image={
                **picture,
                "url": absolute(picture["url"]),
                "alt": picture["alt"] or title,
            },
        )
    if request is not None:
        request._cococi_share = (page.pk, data)
    return data
