"""Rows that count for a person, told about when written in bulk."""

from django.db import models, transaction


class PersonRowsQuerySet(models.QuerySet):
    """Rows each of which counts for one person (``person_field``), from which
    figures about that person are derived elsewhere. Saving or deleting one row
    sends Django's signals; a bulk ``update`` or ``bulk_create`` sends none, so
    it calls ``written_in_bulk`` with the people it touched, inside the
    writer's transaction. Subclasses say what that means."""

    # The field naming the person a row counts for.
    person_field = "user"

    def written_in_bulk(self, user_ids):
        raise NotImplementedError

    def people_touched(self):
        """The people the rows of this queryset count for."""
        return self.values_list(f"{self.person_field}_id", flat=True)

    def people_of(self, objs):
        """The people rows about to be created count for."""
        return [getattr(obj, f"{self.person_field}_id") for obj in objs]

    def update(self, **kwargs):
        with transaction.atomic(using=self.db, savepoint=False):
            touched = list(self.people_touched())
            for name in (self.person_field, f"{self.person_field}_id"):
                if name in kwargs:
                    touched.append(getattr(kwargs[name], "pk", kwargs[name]))
            count = super().update(**kwargs)
            self.written_in_bulk(touched)
        return count

    def bulk_create(self, objs, *args, **kwargs):
        with transaction.atomic(using=self.db, savepoint=False):
            created = super().bulk_create(objs, *args, **kwargs)
            self.written_in_bulk(self.people_of(created))
        return created
