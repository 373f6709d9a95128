"""Every block an editor picks from a StreamField's chooser, on every page
type, says what it is for and shows a preview in the site's voice (Wagtail's
block preview), and the admin renders that preview."""

import pytest
from django.urls import reverse
from wagtail import blocks
from wagtail.fields import StreamField
from wagtail.models import get_page_models

import councils.blocks
import courses.blocks
import home.blocks
from courses.factories import DocumentFactory, ImageFactory

pytestmark = pytest.mark.django_db


def chooser_blocks():
    """(page type, field, block name, block) of every StreamField's blocks."""
    for model in get_page_models():
        for field in model._meta.get_fields():
            if isinstance(field, StreamField) and field.model is model:
                for name, block in field.stream_block.child_blocks.items():
                    yield model.__name__, field.name, name, block


def block_classes():
    """Every block class the project writes."""
    for module in (courses.blocks, home.blocks, councils.blocks):
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, blocks.Block)
                and value.__module__ == module.__name__
            ):
                yield value


CHOOSER_BLOCKS = list(chooser_blocks())
IDS = [f"{model}.{field}.{name}" for model, field, name, _block in CHOOSER_BLOCKS]


def test_the_walk_finds_the_streamfields_of_every_app():
    models = {model for model, _field, _name, _block in CHOOSER_BLOCKS}
    assert {"LessonPage", "HomePage", "CouncilPage"} <= models


@pytest.mark.parametrize("entry", CHOOSER_BLOCKS, ids=IDS)
def test_every_block_of_the_choosers_has_a_description_and_a_preview_value(entry):
    _model, _field, _name, block = entry

    assert str(block.get_description())
    assert hasattr(block.meta, "preview_value")
    assert block.get_preview_value()


@pytest.mark.parametrize(
    "block_class", list(block_classes()), ids=lambda block_class: block_class.__name__
)
def test_every_block_class_has_a_description_and_a_preview_value(block_class):
    block = block_class()

    assert str(block.get_description())
    assert hasattr(block.meta, "preview_value")
    assert block.get_preview_value()


def test_the_site_template_makes_the_blocks_previewable():
    for _model, _field, _name, block in CHOOSER_BLOCKS:
        assert block.is_previewable


@pytest.fixture
def public_files(media_root):
    return ImageFactory(title="Asamblea en la plaza"), DocumentFactory(
        title="Guía de la asamblea"
    )


@pytest.mark.parametrize("entry", CHOOSER_BLOCKS, ids=IDS)
def test_the_admin_renders_each_blocks_preview(client, superuser, public_files, entry):
    _model, _field, _name, block = entry
    client.force_login(superuser)

    response = client.get(
        reverse("wagtailadmin_block_preview"), {"id": block.definition_prefix}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "css/site.css" in html  # in the site's own styles
    # The preview shows the block as a page shows it, with its preview value.
    shown = str(block.render(block.get_preview_value())).strip()
    assert shown
    assert shown in html


def test_a_preview_shows_the_latest_public_image(client, superuser, public_files):
    image, _document = public_files
    block = courses.blocks.LessonStreamBlock().child_blocks["image"]
    client.force_login(superuser)

    response = client.get(
        reverse("wagtailadmin_block_preview"), {"id": block.definition_prefix}
    )

    assert "<img" in response.content.decode()
    assert block.get_preview_value()["image"] == image
