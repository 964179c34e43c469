"""A module that raises when imported: the zygote must preload the rest and keep serving."""

raise RuntimeError("broken at import")
