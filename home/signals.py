"""Receivers, each a call to the service named for what happened: a page
published → its share picture (``home.sharing``)."""

from wagtail.signals import page_published

from . import sharing


def page_published_share(sender, instance, **kwargs):
    sharing.page_published(instance)


def connect():
    page_published.connect(page_published_share, dispatch_uid="home-share-picture")
