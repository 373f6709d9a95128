from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Benchmark data generator and runners; no models, no URLs."""

    name = "bench"
    verbose_name = "Benchmarks"
