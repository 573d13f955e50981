"""The repository functions of :class:`qualkit.storage.Store`, one module per resource.

Each module holds one part of ``Store`` (a class over :class:`qualkit.storage.base.StoreBase`)
and the row lookups and row-to-domain conversions of its resource.
"""
