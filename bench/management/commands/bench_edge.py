import urllib3
from django.core.management.base import BaseCommand

from bench.edge import measure, table


class Command(BaseCommand):
    help = (
        "Bytes of the key pages through the production edge (nginx): "
        "uncompressed, gzip, br, and a repeat visit's 304."
    )

    def add_arguments(self, parser):
        parser.add_argument("--url", required=True, help="e.g. https://127.0.0.1:9443")
        parser.add_argument(
            "--insecure",
            action="store_true",
            help="accept a self-signed certificate (a test server)",
        )

    def handle(self, *args, url, insecure, **options):
        if insecure:
            urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
        self.stdout.write(table(measure(url, verify=not insecure)))
